import Logging
import ServiceLifecycle
import TaskinfaStore

/// Removes what nothing needs any more, every `interval`: rate-limit windows no decision reads
/// (the table stays the size of the last hour's traffic), audit entries past their workspace's
/// retention. Every replica may run one; deleting twice is harmless.
struct Pruner: Service {
    let name: String
    let store: Store
    let interval: Duration
    let logger: Logger
    let prune: @Sendable (Store) async throws -> Void

    static func rateLimits(store: Store, logger: Logger) -> Pruner {
        Pruner(name: "rate-limit", store: store, interval: .seconds(300), logger: logger) { try await $0.rateLimits.prune() }
    }

    /// Batches of entries until none is past its retention, then rest.
    static func auditLog(store: Store, logger: Logger) -> Pruner {
        Pruner(name: "audit-log", store: store, interval: .seconds(3600), logger: logger) { store in
            while try await store.audit.prune() > 0 && !Task.isCancelled {}
        }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if store.database.isPrepared {
                    do {
                        try await prune(store)
                    } catch DatabaseError.closed {
                        // Shutting down.
                    } catch {
                        logger.warning("\(name) pruning failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
