import Foundation
import Logging

/// Ships the agent's output to the server in batches (every 250 ms, or sooner when 500 lines are
/// waiting), so the dashboard shows it live without a request per line.
actor LogShipper {
    /// Lines held while a batch is on its way. Past this the agent's output waits: its pipe fills and
    /// the agent blocks on write, as on a slow terminal, so a chatty agent can't balloon the worker.
    static let highWater = 2_000
    /// Unsent output kept while the server can't be reached; beyond it new lines are counted, not kept.
    static let maxHeldBytes = 8 << 20

    private let api: WorkerAPI
    private let task: String
    private let execution: String
    private let token: String
    private let logger: Logger
    private var pending: [LogLine] = []
    private(set) var heldBytes = 0
    private(set) var dropped = 0
    private var flushing = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// After a failed batch, new lines wait for the timer instead of retrying at once.
    private var retryAt: ContinuousClock.Instant?
    /// Set when the server refused a batch because the claim is gone.
    private(set) var claimLost = false

    init(api: WorkerAPI, task: String, execution: String, token: String, logger: Logger) {
        self.api = api
        self.task = task
        self.execution = execution
        self.token = token
        self.logger = logger
    }

    func add(_ stream: String, loop: Int?, _ text: String) async {
        // One entry holds at most 64 KiB; a longer line is cut (the end usually matters least).
        let clipped = text.utf8.count > 65_000 ? String(text.prefix(60_000)) + " …[cut]" : text
        while flushing && pending.count >= Self.highWater {
            await withCheckedContinuation { waiting.append($0) }
        }
        guard heldBytes + clipped.utf8.count <= Self.maxHeldBytes else {
            dropped += 1
            return
        }
        pending.append(LogLine(stream: stream, loop: loop, text: clipped))
        heldBytes += clipped.utf8.count
        let backingOff = retryAt.map { ContinuousClock.now < $0 } ?? false
        if pending.count >= 500 && !backingOff { await flush() }
    }

    func system(_ text: String, loop: Int? = nil) async {
        await add("system", loop: loop, text)
        await flush()
    }

    func flush() async {
        guard !flushing, !pending.isEmpty || dropped > 0, !claimLost else { return }
        flushing = true
        defer {
            flushing = false
            let resumed = waiting
            waiting.removeAll()
            for continuation in resumed { continuation.resume() }
        }
        if dropped > 0 {
            let note = "\(dropped) lines of output were not kept while the server could not be reached"
            pending.append(LogLine(stream: "system", loop: nil, text: note))
            heldBytes += note.utf8.count
            dropped = 0
        }
        while !pending.isEmpty {
            let batch = Array(pending.prefix(1000))
            let bytes = batch.reduce(0) { $0 + $1.text.utf8.count }
            pending.removeFirst(batch.count)
            heldBytes -= bytes
            do {
                try await api.appendLogs(task: task, execution: execution, token: token, entries: batch)
                retryAt = nil
            } catch let problem as APIProblem where problem.status == 409 || problem.status == 404 {
                claimLost = true
                pending.removeAll()
                heldBytes = 0
            } catch {
                // The server is unreachable for a moment: keep the lines and let the timer try again.
                logger.warning("shipping logs failed", metadata: ["error": "\(error)"])
                pending.insert(contentsOf: batch, at: 0)
                heldBytes += bytes
                retryAt = ContinuousClock.now + .seconds(1)
                return
            }
        }
    }

    /// Flushes on a timer until cancelled.
    func runTimer() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            await flush()
        }
    }
}
