import Logging
import ServiceLifecycle
import TaskinfaStore

/// Returns the tasks of workers that stopped renewing their lease to the queue (with a comment and a
/// counted attempt). Every replica may run one: each expiry is re-checked under the workspace lock.
struct LeaseReaper: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard store.database.isPrepared else {
                    try await Task.sleep(for: .milliseconds(50))
                    continue
                }
                do {
                    let reaped = try await store.executions.reapExpired()
                    if reaped > 0 { logger.info("returned tasks of unresponsive workers to the queue", metadata: ["count": "\(reaped)"]) }
                } catch DatabaseError.closed {
                    // Already closed (shutdown): nothing left to reap.
                } catch {
                    logger.warning("lease reaper failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
