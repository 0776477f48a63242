import TaskinfaCore

/// The small writes that many requests make, each with its `Batcher`. One per `Store`, shared by
/// its copies.
final class WriteBatches: Sendable {
    let auditEntries: Batcher<AuditEntry, Void>
    let rateLimitHits: Batcher<RateLimitRepository.Hit, RateLimitDecision>
    let sharedRateCounter: SharedRateCounter

    init(database: Database) {
        auditEntries = Batcher { entries in
            try await database.write(workspace: nil) { sql in try await AuditRepository.insert(entries, on: sql) }
            return entries.map { _ in () }
        }
        sharedRateCounter = SharedRateCounter(database: database)
        rateLimitHits = Batcher { hits in
            try await database.write(workspace: nil) { sql in try await RateLimitRepository.count(hits, on: sql) }
        }
    }
}
