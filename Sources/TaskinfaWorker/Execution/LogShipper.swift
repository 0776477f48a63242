import Foundation
import Logging

/// Ships the agent's output to the server in batches (every 250 ms, or sooner when 500 lines are
/// waiting), so the dashboard shows it live without a request per line.
actor LogShipper {
    private let api: WorkerAPI
    private let task: String
    private let execution: String
    private let token: String
    private let logger: Logger
    private var pending: [LogLine] = []
    private var flushing = false
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
        pending.append(LogLine(stream: stream, loop: loop, text: clipped))
        if pending.count >= 500 { await flush() }
    }

    func system(_ text: String, loop: Int? = nil) async {
        await add("system", loop: loop, text)
        await flush()
    }

    func flush() async {
        guard !flushing, !pending.isEmpty, !claimLost else { return }
        flushing = true
        defer { flushing = false }
        while !pending.isEmpty {
            let batch = Array(pending.prefix(1000))
            pending.removeFirst(batch.count)
            do {
                try await api.appendLogs(task: task, execution: execution, token: token, entries: batch)
            } catch let problem as APIProblem where problem.status == 409 || problem.status == 404 {
                claimLost = true
                pending.removeAll()
            } catch {
                // The server is unreachable for a moment: keep the lines and try with the next batch.
                logger.warning("shipping logs failed", metadata: ["error": "\(error)"])
                pending.insert(contentsOf: batch, at: 0)
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
