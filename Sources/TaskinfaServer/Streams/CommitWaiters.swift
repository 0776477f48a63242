import ServiceLifecycle
import TaskinfaStore

/// Wakes whoever waits for a commit signal (an execution's log lines, a workspace's events). A
/// waiter arms itself *before* it reads, so that a commit landing between its read and its wait
/// still wakes it: no polling, and nothing missed.
actor CommitWaiters: Service {
    private struct Waiter {
        var signals: Set<String>
        var fired = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let commits: CommitSignal
    private var waiters: [Int: Waiter] = [:]
    private var nextID = 0

    init(commits: CommitSignal) {
        self.commits = commits
    }

    /// Follows the database's commit signals until shutdown, then wakes everyone.
    func run() async throws {
        let signals = commits.stream()
        try? await cancelWhenGracefulShutdown {
            for await signal in signals { await self.fire(signal) }
        }
        for id in Array(waiters.keys) { fire(id) }
    }

    /// Starts listening for any of `signals`; pass the ticket to `wait`.
    func arm(_ signals: Set<String>) -> Int {
        nextID += 1
        waiters[nextID] = Waiter(signals: signals)
        return nextID
    }

    /// Returns once one of the ticket's signals came (maybe already): true; or after `timeout`: false.
    @discardableResult
    nonisolated func wait(_ ticket: Int, timeout: Duration) async -> Bool {
        let signalled = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.suspend(ticket)
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        await disarm(ticket)
        return signalled
    }

    private func suspend(_ ticket: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard let waiter = waiters[ticket], !waiter.fired else { return continuation.resume() }
                waiters[ticket]?.continuation = continuation
            }
        } onCancel: {
            Task { await self.fire(ticket) }
        }
    }

    private func fire(_ signal: String) {
        for (id, waiter) in waiters where waiter.signals.contains(signal) { fire(id) }
    }

    private func fire(_ ticket: Int) {
        guard var waiter = waiters[ticket] else { return }
        waiter.fired = true
        waiter.continuation?.resume()
        waiter.continuation = nil
        waiters[ticket] = waiter
    }

    private func disarm(_ ticket: Int) {
        waiters.removeValue(forKey: ticket)?.continuation?.resume()
    }
}
