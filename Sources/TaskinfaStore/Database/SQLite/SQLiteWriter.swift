import SQLKit

/// The single SQLite writer. Writes that arrive while a transaction is running queue up and commit
/// together in the next one (group commit): none is acknowledged before the COMMIT that holds it,
/// and a write that fails never takes the others in its batch down with it (see `Mode`).
///
/// Schema work runs in an exclusive section between batches. Nothing here polls: a write queued
/// during an exclusive section starts the moment the section ends, and a section waiting for the
/// current batch is handed the connection as soon as that batch commits.
actor SQLiteWriter {
    private struct Job: Sendable {
        /// What to announce once it committed (workspaces, log channels).
        let signals: [String]
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private enum State {
        case idle
        case draining
        case exclusive
    }

    private let sql: any SQLDatabase
    private let commits: CommitSignal
    private var queue: [Job] = []
    private var state = State.idle
    /// Exclusive sections waiting for the connection, first come first served.
    private var exclusiveWaiters: [CheckedContinuation<Void, Never>] = []
    private var closing = false
    /// Upper bound on writes per transaction, so one batch can't hold the lock for long.
    let maxBatch: Int

    init(sql: any SQLDatabase, commits: CommitSignal, maxBatch: Int = 64) {
        self.sql = sql
        self.commits = commits
        self.maxBatch = maxBatch
    }

    /// Runs `body` in a write transaction, maybe together with others, and returns once it committed.
    /// A caller that is cancelled meanwhile doesn't cancel the write: it commits (or fails) all the same.
    func submit<T: Sendable>(
        signals: [String] = [], _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        if closing { throw DatabaseError.closed }
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            queue.append(Job(signals: signals, body: { try await body($0) }, continuation: continuation))
            if state == .idle { startDraining() }
        }
        return value as! T
    }

    /// Runs `body` alone, outside the queue's transactions (migrations manage their own).
    func exclusive<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        await acquireExclusive()
        defer { releaseExclusive() }
        return try await body(sql)
    }

    /// Waits for the batch in progress to commit; writes still queued, and any submitted later, fail
    /// with `closed`.
    func quiesce() async {
        closing = true
        await acquireExclusive()
        for job in queue { job.continuation.resume(throwing: DatabaseError.closed) }
        queue.removeAll()
        releaseExclusive()
    }

    // MARK: - Taking turns

    private func startDraining() {
        state = .draining
        // One drain task per burst of writes; it ends when the queue is empty or a section waits.
        Task { await self.drain() }
    }

    private func acquireExclusive() async {
        if state == .idle {
            state = .exclusive
            return
        }
        // The drain loop or the section before hands over (setting `.exclusive`) and resumes us.
        await withCheckedContinuation { exclusiveWaiters.append($0) }
    }

    private func releaseExclusive() {
        handOver()
    }

    /// Gives the connection to the next in line: a waiting section first, then queued writes.
    private func handOver() {
        if !exclusiveWaiters.isEmpty {
            state = .exclusive
            exclusiveWaiters.removeFirst().resume()
        } else if !queue.isEmpty {
            startDraining()
        } else {
            state = .idle
        }
    }

    private func drain() async {
        while !queue.isEmpty && exclusiveWaiters.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            await commit(batch)
        }
        handOver()
    }

    // MARK: - Transactions

    /// How a batch runs its writes. `optimistic`: one after another in the transaction, as if they
    /// were one write. `guarded`: each inside a savepoint, so that a failing one is undone alone.
    /// A savepoint costs two statements per write, and it makes FTS5 flush what it has buffered
    /// into a new index segment (its xSavepoint), so every create in a batch would write and later
    /// merge a segment of its own: batches run optimistic, and a batch in which a write failed runs
    /// again guarded (the writes before the failure run twice; bodies only touch the database, so
    /// that is safe). Right after a failure, the next batch starts guarded: failures come in runs
    /// (a contended row, a client retrying a stale version).
    private enum Mode {
        case optimistic
        case guarded
    }

    private var lastBatchFailed = false

    private func commit(_ batch: [Job]) async {
        guard batch.count > 1 else {
            await runAlone(batch[0])
            return
        }
        if lastBatchFailed {
            lastBatchFailed = await commitGuarded(batch)
            return
        }
        switch await commitOptimistic(batch) {
        case .answered:
            lastBatchFailed = false
        case .failed(let index, let error):
            // Undone with the whole transaction: its error stands, the others run again.
            batch[index].continuation.resume(throwing: error)
            var rest = batch
            rest.remove(at: index)
            _ = await commitGuarded(rest)
            lastBatchFailed = true
        }
    }

    private enum OptimisticOutcome {
        /// Every write of the batch has its answer (committed, or failed with the transaction).
        case answered
        /// The write at `index` threw; the transaction was rolled back and nobody was answered.
        case failed(index: Int, error: any Error)
    }

    private func commitOptimistic(_ batch: [Job]) async -> OptimisticOutcome {
        do {
            try await sql.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.continuation.resume(throwing: error) }
            return .answered
        }
        var values: [any Sendable] = []
        values.reserveCapacity(batch.count)
        for (index, job) in batch.enumerated() {
            do {
                values.append(try await job.body(sql))
            } catch {
                try? await sql.raw("ROLLBACK").run()
                return .failed(index: index, error: error)
            }
        }
        do {
            try await sql.raw("COMMIT").run()
        } catch {
            await recover(batch, results: [])
            return .answered
        }
        var touched = Set<String>()
        for (job, value) in zip(batch, values) {
            touched.formUnion(job.signals)
            job.continuation.resume(returning: value)
        }
        for workspace in touched { commits.send(workspace) }
        return .answered
    }

    /// Each write in its own savepoint. Returns whether any write failed.
    private func commitGuarded(_ batch: [Job]) async -> Bool {
        guard !batch.isEmpty else { return false }
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        do {
            try await sql.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.continuation.resume(throwing: error) }
            return true
        }
        for job in batch {
            do {
                try await sql.raw("SAVEPOINT write").run()
                let value = try await job.body(sql)
                try await sql.raw("RELEASE write").run()
                results.append(.success(value))
            } catch {
                results.append(.failure(error))
                do {
                    try await sql.raw("ROLLBACK TO write").run()
                    try await sql.raw("RELEASE write").run()
                } catch {
                    // SQLite rolled back the whole transaction itself (a full disk, an I/O error):
                    // what ran before is gone too, so every write of the batch starts over alone.
                    await recover(batch, results: results)
                    return true
                }
            }
        }
        do {
            try await sql.raw("COMMIT").run()
        } catch {
            await recover(batch, results: results)
            return true
        }
        var touched = Set<String>()
        var failed = false
        for (job, result) in zip(batch, results) {
            switch result {
            case .success(let value):
                touched.formUnion(job.signals)
                job.continuation.resume(returning: value)
            case .failure(let error):
                failed = true
                job.continuation.resume(throwing: error)
            }
        }
        for workspace in touched { commits.send(workspace) }
        return failed
    }

    /// After the batch's transaction was lost: the writes that had failed keep their error, every
    /// other one runs again in a transaction of its own (bodies only touch the database, so running
    /// one again is safe).
    private func recover(_ batch: [Job], results: [Result<any Sendable, any Error>]) async {
        try? await sql.raw("ROLLBACK").run()
        for (index, job) in batch.enumerated() {
            if index < results.count, case .failure(let error) = results[index] {
                job.continuation.resume(throwing: error)
            } else {
                await runAlone(job)
            }
        }
    }

    private func runAlone(_ job: Job) async {
        do {
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let value = try await job.body(sql)
                try await sql.raw("COMMIT").run()
                job.continuation.resume(returning: value)
                for signal in job.signals { commits.send(signal) }
            } catch {
                try? await sql.raw("ROLLBACK").run()
                job.continuation.resume(throwing: error)
            }
        } catch {
            job.continuation.resume(throwing: error)
        }
    }
}
