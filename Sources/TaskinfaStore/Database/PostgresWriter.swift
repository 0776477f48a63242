import Logging
import PostgresNIO
import SQLKit

/// PostgreSQL's writers, one queue per workspace in each replica. A workspace's writes are
/// serialised by a lock on its row (`SELECT … FOR UPDATE`), which orders its task numbers,
/// positions and event sequence across every replica. Holding that lock for one write's round
/// trips and its commit allowed a few hundred writes a second per workspace; here the writes that
/// queue while a batch runs take the lock together in the next batch and share its commit
/// (`GroupCommit`), so the lock is taken, and the WAL flushed, once per batch.
///
/// Writes that lock no workspace run at once, each in its own transaction.
actor PostgresWriter {
    private let client: PostgresClient
    private let readTimeLimit: PostgresReadTimeLimit
    private let logger: Logger
    private let commits: CommitSignal
    private let channel: String
    private let maxBatch: Int
    /// Writes waiting, per workspace, while that workspace's drain runs.
    private var queues: [String: [WriteJob]] = [:]
    /// Workspaces whose last batch had a failed write: their next batch starts guarded.
    private var lastBatchFailed: Set<String> = []
    /// Times a write runs again after a deadlock or a serialisation failure before its error stands.
    static let maxRetries = 3

    init(
        client: PostgresClient, readTimeLimit: PostgresReadTimeLimit, logger: Logger, commits: CommitSignal, channel: String,
        maxBatch: Int = 64
    ) {
        self.client = client
        self.readTimeLimit = readTimeLimit
        self.logger = logger
        self.commits = commits
        self.channel = channel
        self.maxBatch = maxBatch
    }

    /// Runs `body` in a write transaction holding `workspace`'s lock, maybe together with others,
    /// and returns once it committed. A caller that is cancelled meanwhile doesn't cancel the write.
    func submit<T: Sendable>(
        workspace: String?, signals: [String], _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            // A write's queued statements go before its transaction moves on to the next write, so
            // that a failure among them is that write's.
            let job = WriteJob(
                signals: signals,
                body: { sql in
                    let value = try await body(sql)
                    try await (sql as? PostgresSession)?.flush()
                    return value
                }, continuation: continuation)
            if let workspace {
                enqueue([job], for: workspace)
            } else {
                Task { await self.runUnlocked(job) }
            }
        }
        return value as! T
    }

    private func enqueue(_ jobs: [WriteJob], for workspace: String, first: Bool = false) {
        if var queue = queues[workspace] {
            queue.insert(contentsOf: jobs, at: first ? 0 : queue.count)
            queues[workspace] = queue
        } else {
            // No drain runs for this workspace: start one. It ends when the queue is empty.
            queues[workspace] = jobs
            Task { await self.drain(workspace) }
        }
    }

    private func drain(_ workspace: String) async {
        while let queue = queues[workspace], !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queues[workspace] = Array(queue.dropFirst(batch.count))
            let mode: GroupCommit.Mode = lastBatchFailed.contains(workspace) ? .guarded : .optimistic
            let outcome = await run(batch, locking: workspace, mode: mode)
            if outcome.failed { lastBatchFailed.insert(workspace) } else { lastBatchFailed.remove(workspace) }
            let again = await retryable(outcome.retry)
            if !again.isEmpty { queues[workspace, default: []].insert(contentsOf: again, at: 0) }
        }
        queues[workspace] = nil
    }

    private func runUnlocked(_ job: WriteJob) async {
        var pending = [job]
        while !pending.isEmpty {
            let outcome = await run(pending, locking: nil, mode: .guarded)
            pending = await retryable(outcome.retry)
        }
    }

    /// The writes handed back after a deadlock or serialisation failure, to run again after a short
    /// pause; those that already ran again too often get their error.
    private func retryable(_ retry: [(job: WriteJob, error: any Error)]) async -> [WriteJob] {
        var again: [WriteJob] = []
        for (job, error) in retry {
            if job.retries >= Self.maxRetries {
                job.continuation.resume(throwing: error)
            } else {
                var job = job
                job.retries += 1
                again.append(job)
            }
        }
        if let attempt = again.map(\.retries).max() { try? await Task.sleep(for: .milliseconds(5 * attempt)) }
        return again
    }

    private func run(_ batch: [WriteJob], locking workspace: String?, mode: GroupCommit.Mode) async -> GroupCommit.Outcome {
        let (logger, channel, commits, readTimeLimit) = (self.logger, self.channel, self.commits, self.readTimeLimit)
        let groupCommit = GroupCommit(
            begin: { sql in
                try await sql.raw("BEGIN").run()
                if let workspace {
                    try await sql.raw("SELECT 1 FROM workspaces WHERE id = \(bind: workspace) FOR UPDATE").run()
                }
            },
            commit: { sql, signals in
                // Other replicas' hubs learn of the commit from NOTIFY, which PostgreSQL delivers
                // only if the transaction commits.
                if !signals.isEmpty {
                    try await sql.raw("SELECT pg_notify(\(bind: channel), signal) FROM unnest(\(bind: signals)) AS signal").run()
                }
                try await sql.raw("COMMIT").run()
            },
            announce: { signals in for signal in signals { commits.send(signal) } },
            shouldRetry: { error in
                (error as? PSQLError).map(PostgresBackend.isRetryable) ?? false || PostgresStatementCache.isStalePlan(error)
            })
        do {
            return try await client.withConnection { connection in
                try await readTimeLimit.forWriting(connection, logger: logger)
                return try await PostgresSession(connection: connection, logger: logger).onItsEventLoop { sql in
                    await groupCommit.run(batch, on: sql, mode: mode)
                }
            }
        } catch {
            // No connection to be had: nothing ran.
            for job in batch { job.continuation.resume(throwing: error) }
            return GroupCommit.Outcome(failed: true)
        }
    }
}
