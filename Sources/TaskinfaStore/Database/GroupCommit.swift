import SQLKit

/// A write waiting for a transaction: what to run, what to announce once it committed (workspaces,
/// log channels), and who waits for the answer.
struct WriteJob: Sendable {
    let signals: [String]
    let body: @Sendable (any SQLDatabase) async throws -> any Sendable
    let continuation: CheckedContinuation<any Sendable, any Error>
    /// How many times it was handed back to run again (`GroupCommit.shouldRetry`).
    var retries = 0
}

/// Runs a batch of writes in one transaction (group commit), for SQLite's single writer and for
/// PostgreSQL's writer of each workspace. None is answered before the COMMIT that holds it, and a
/// write that fails never takes the others of its batch down with it.
///
/// A batch runs `optimistic`: the writes one after another, as if they were one. If one throws,
/// the transaction is rolled back, its error stands, and the rest run again `guarded`: each in a
/// savepoint, so that a failing one is undone alone (the writes before the failure run twice;
/// bodies only touch the database, so that is safe). Savepoints aren't the default because each
/// costs two statements per write (two round trips on PostgreSQL), and on SQLite each makes FTS5
/// flush what it buffered into an index segment of its own, so a batch of creates would write and
/// later merge one segment per create.
struct GroupCommit: Sendable {
    /// Starts a transaction (and takes whatever lock the batch needs).
    let begin: @Sendable (any SQLDatabase) async throws -> Void
    /// Ends it, after announcing `signals` where the database itself carries them (NOTIFY).
    let commit: @Sendable (any SQLDatabase, _ signals: [String]) async throws -> Void
    /// Tells listeners in this process what committed.
    let announce: @Sendable ([String]) -> Void
    /// Errors after which the write should simply run again (a deadlock the database broke):
    /// such writes are handed back instead of answered.
    var shouldRetry: @Sendable (any Error) -> Bool = { _ in false }

    enum Mode {
        case optimistic
        case guarded
    }

    /// What became of a batch: whether a write failed, and the writes to run again with the error
    /// each would otherwise have been answered with.
    struct Outcome: Sendable {
        var failed = false
        var retry: [(job: WriteJob, error: any Error)] = []
    }

    func run(_ batch: [WriteJob], on sql: any SQLDatabase, mode: Mode) async -> Outcome {
        guard !batch.isEmpty else { return Outcome() }
        if batch.count == 1 || mode == .guarded { return await runGuarded(batch, on: sql) }
        do {
            try await begin(sql)
        } catch {
            return answer(batch, with: error)
        }
        var values: [any Sendable] = []
        values.reserveCapacity(batch.count)
        for (index, job) in batch.enumerated() {
            do {
                values.append(try await job.body(sql))
            } catch {
                await rollback(sql)
                var outcome = Outcome(failed: true)
                var rest = batch
                rest.remove(at: index)
                if shouldRetry(error) {
                    outcome.retry.append((batch[index], error))
                } else {
                    batch[index].continuation.resume(throwing: error)
                }
                let guarded = await runGuarded(rest, on: sql)
                outcome.retry += guarded.retry
                return outcome
            }
        }
        do {
            try await commit(sql, Self.signals(of: batch))
        } catch {
            return await recover(batch, failures: [:], after: error, on: sql)
        }
        for (job, value) in zip(batch, values) { job.continuation.resume(returning: value) }
        announce(Self.signals(of: batch))
        return Outcome()
    }

    /// Each write in a savepoint of the batch's transaction (a single write needs none).
    private func runGuarded(_ batch: [WriteJob], on sql: any SQLDatabase) async -> Outcome {
        guard !batch.isEmpty else { return Outcome() }
        let single = batch.count == 1
        do {
            try await begin(sql)
        } catch {
            return answer(batch, with: error)
        }
        var values: [Int: any Sendable] = [:]
        var failures: [Int: any Error] = [:]
        for (index, job) in batch.enumerated() {
            do {
                if !single { try await sql.raw("SAVEPOINT write").run() }
                values[index] = try await job.body(sql)
                if !single { try await sql.raw("RELEASE write").run() }
            } catch {
                failures[index] = error
                if single {
                    await rollback(sql)
                    return answer(batch, with: error)
                }
                do {
                    try await sql.raw("ROLLBACK TO write").run()
                    try await sql.raw("RELEASE write").run()
                } catch {
                    // The database rolled back the whole transaction itself (a full disk, an I/O
                    // error, a lost connection): what ran before is gone too.
                    return await recover(batch, failures: failures, after: error, on: sql)
                }
            }
        }
        let committed = batch.indices.filter { values[$0] != nil }.map { batch[$0] }
        do {
            try await commit(sql, Self.signals(of: committed))
        } catch {
            return await recover(batch, failures: failures, after: error, on: sql)
        }
        var outcome = Outcome(failed: !failures.isEmpty)
        for (index, job) in batch.enumerated() {
            if let value = values[index] {
                job.continuation.resume(returning: value)
            } else if let error = failures[index] {
                if shouldRetry(error) { outcome.retry.append((job, error)) } else { job.continuation.resume(throwing: error) }
            }
        }
        announce(Self.signals(of: committed))
        return outcome
    }

    /// After the batch's transaction was lost: the writes that had failed keep their error, every
    /// other one runs again in a transaction of its own.
    private func recover(_ batch: [WriteJob], failures: [Int: any Error], after error: any Error, on sql: any SQLDatabase)
        async -> Outcome
    {
        await rollback(sql)
        var outcome = Outcome(failed: true)
        // A single write that lost its transaction has nothing to go back to: it gets the error.
        if batch.count == 1 {
            if shouldRetry(error) { outcome.retry = [(batch[0], error)] } else { batch[0].continuation.resume(throwing: error) }
            return outcome
        }
        for (index, job) in batch.enumerated() {
            if let failure = failures[index] {
                if shouldRetry(failure) { outcome.retry.append((job, failure)) } else { job.continuation.resume(throwing: failure) }
            } else {
                outcome.retry += await runGuarded([job], on: sql).retry
            }
        }
        return outcome
    }

    private func rollback(_ sql: any SQLDatabase) async {
        try? await sql.raw("ROLLBACK").run()
    }

    private func answer(_ batch: [WriteJob], with error: any Error) -> Outcome {
        var outcome = Outcome(failed: true)
        for job in batch {
            if shouldRetry(error) { outcome.retry.append((job, error)) } else { job.continuation.resume(throwing: error) }
        }
        return outcome
    }

    /// Each signal once, in the order the batch first names it.
    static func signals(of batch: [WriteJob]) -> [String] {
        var seen = Set<String>()
        return batch.flatMap(\.signals).filter { seen.insert($0).inserted }
    }
}
