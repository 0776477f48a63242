import Logging
import ServiceLifecycle
import TaskinfaStore

/// Drops rate-limit windows no decision reads any more, so the counters table stays the size of
/// the last hour's traffic. Every replica may run one; deleting twice is harmless.
struct RateLimitPruner: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if store.database.isPrepared {
                    do {
                        try await store.rateLimits.prune()
                    } catch DatabaseError.closed {
                        // Shutting down.
                    } catch {
                        logger.warning("rate-limit pruning failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
