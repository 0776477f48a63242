import TaskinfaCore

/// The small writes that many requests make, each with its `Batcher`. One per `Store`, shared by
/// its copies.
final class WriteBatches: Sendable {
    /// New tasks on PostgreSQL, per workspace (see `NewTaskRows`).
    let newTasks: Batcher<NewTaskRows.Request, Result<TaskItem, any Error>>
    let auditEntries: Batcher<AuditEntry, Void>
    let rateLimitHits: Batcher<RateLimitRepository.Hit, RateLimitDecision>
    let sharedRateCounter: SharedRateCounter

    init(database: Database) {
        newTasks = Batcher(maxBatch: 64) { requests in
            let workspace = requests[0].scope.workspaceID
            do {
                return try await database.write(workspace: workspace) { sql in
                    try await NewTaskRows.write(requests, dialect: database.dialect, on: sql)
                }
            } catch where requests.count > 1 {
                // Something failed the whole statement: each request alone, so that it fails alone.
                var answers: [Result<TaskItem, any Error>] = []
                for request in requests {
                    do {
                        answers.append(
                            try await database.write(workspace: workspace) { sql in
                                try await NewTaskRows.write([request], dialect: database.dialect, on: sql)[0]
                            })
                    } catch {
                        answers.append(.failure(error))
                    }
                }
                return answers
            }
        }
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
