import SQLKit

/// The single SQLite writer. Writes that arrive while a transaction is running queue up and commit
/// together in the next one (`GroupCommit`).
///
/// Schema work runs in an exclusive section between batches. Nothing here polls: a write queued
/// during an exclusive section starts the moment the section ends, and a section waiting for the
/// current batch is handed the connection as soon as that batch commits.
actor SQLiteWriter {
    private enum State {
        case idle
        case draining
        case exclusive
    }

    private let sql: any SQLDatabase
    private let groupCommit: GroupCommit
    private var queue: [WriteJob] = []
    private var state = State.idle
    /// Exclusive sections waiting for the connection, first come first served.
    private var exclusiveWaiters: [CheckedContinuation<Void, Never>] = []
    private var closing = false
    /// Upper bound on writes per transaction, so one batch can't hold the lock for long.
    let maxBatch: Int

    init(sql: any SQLDatabase, commits: CommitSignal, maxBatch: Int = 64) {
        self.sql = sql
        self.groupCommit = GroupCommit(
            begin: { try await $0.raw("BEGIN IMMEDIATE").run() },
            commit: { sql, _ in try await sql.raw("COMMIT").run() },
            announce: { signals in for signal in signals { commits.send(signal) } })
        self.maxBatch = maxBatch
    }

    /// Runs `body` in a write transaction, maybe together with others, and returns once it committed.
    /// A caller that is cancelled meanwhile doesn't cancel the write: it commits (or fails) all the same.
    func submit<T: Sendable>(
        signals: [String] = [], _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        if closing { throw DatabaseError.closed }
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            queue.append(WriteJob(signals: signals, body: { try await body($0) }, continuation: continuation))
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

    /// Whether a write of the last batch failed: then the next starts guarded, because failures
    /// come in runs (a contended row, a client retrying a stale version).
    private var lastBatchFailed = false

    private func commit(_ batch: [WriteJob]) async {
        let outcome = await groupCommit.run(batch, on: sql, mode: lastBatchFailed ? .guarded : .optimistic)
        lastBatchFailed = outcome.failed
    }
}
