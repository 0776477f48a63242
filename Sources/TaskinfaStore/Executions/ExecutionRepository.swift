import Foundation
import SQLKit
import TaskinfaCore

/// Executions: a worker's claim on a task (a lease renewed by heartbeats, fenced by a token), its
/// log, and how it ends.
public struct ExecutionRepository: Sendable {
    let store: Store

    /// A successful claim: the task (now in progress, or awaiting a reply), the new execution, and
    /// the fencing token every later write of this execution must carry.
    public struct Claim: Sendable {
        public var task: TaskItem
        public var execution: Execution
        public var claimToken: String
    }

    /// The key a claim mints for the execution's agent (the server makes the secret; the store keeps
    /// its hash).
    public struct AgentKey: Sendable {
        public var tokenHash: String
        public var preview: String

        public init(tokenHash: String, preview: String) {
            self.tokenHash = tokenHash
            self.preview = preview
        }
    }

    /// Takes the next piece of work for the worker, atomically: a person's unanswered question
    /// first (oldest first), else the most urgent eligible task in To Do — not claimed, not flagged,
    /// unassigned or assigned to this worker, in an allowed project, not blocked by an unfinished
    /// task — top of the column first. Nil when there is nothing to do.
    ///
    /// Atomic because the whole step runs in one write transaction holding the workspace's write
    /// lock (SQLite: the single writer; PostgreSQL: the workspace row), and the final UPDATE is
    /// still conditional on the task being unclaimed.
    ///
    /// `stillWanted` is asked inside that transaction, just before anything is taken: a claim for a
    /// request whose worker has gone (it hung up while waiting) takes nothing.
    public func claim(
        _ scope: WorkspaceScope, projectID: String?, excludingProjects excluded: [String] = [], lease: LeasePolicy,
        agentKey: AgentKey, stillWanted: @escaping @Sendable () -> Bool = { true }
    ) async throws -> Claim? {
        try scope.require(.runExecutions)
        guard let workerID = scope.workerID else { throw AccessError.refused("only a worker's own key claims work") }
        let now = store.now()
        let executionID = store.random.id(.execution)
        let keyID = store.random.id(.apiKey)
        let token = store.random.token(count: 32)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            guard stillWanted() else { return nil }
            let worker = try await WorkerRepository.load(workerID, scope: scope, on: sql)
            // A disabled worker stays connected but is given nothing.
            if worker.disabledAt != nil { return nil }
            var projects = worker.configuration.allowedProjectIDs
            if let projectID {
                if !projects.isEmpty && !projects.contains(projectID) {
                    throw ValidationError(field: "project_id", message: "is not one of this worker's allowed projects")
                }
                projects = [projectID]
            }
            var projectFilter: SQLQueryString = projects.isEmpty ? "" : " AND t.project_id IN (\(binds: projects))"
            if !excluded.isEmpty { projectFilter = projectFilter + " AND t.project_id NOT IN (\(binds: excluded))" }
            // One round trip for the task to take (a person's unanswered question first, else the
            // top task), its row, and the bottom of In Progress where it goes.
            let candidate = try await sql.raw(
                """
                SELECT \(TaskRow.columns), c.kind,
                  (\(TaskRow.lastPositionQuery(in: .inProgress, workspace: scope.workspaceID, excluding: nil))) AS last_in_progress
                FROM (
                  SELECT id, kind FROM (
                    SELECT t.id, 0 AS kind FROM tasks t
                    WHERE t.workspace_id = \(bind: scope.workspaceID) AND t.awaiting_reply_since IS NOT NULL
                      AND t.claimed_by IS NULL\(projectFilter)
                    ORDER BY t.awaiting_reply_since LIMIT 1
                  ) AS question
                  UNION ALL
                  SELECT id, kind FROM (
                    SELECT t.id, 1 AS kind FROM tasks t
                    WHERE t.workspace_id = \(bind: scope.workspaceID) AND t.status_order = \(literal: TaskStatus.todo.boardOrder)
                      AND t.claimed_by IS NULL AND t.flagged_at IS NULL
                      AND (t.assignee_id IS NULL OR t.assignee_id = \(bind: workerID))\(projectFilter)
                      AND NOT EXISTS (
                        SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.depends_on_task_id
                        WHERE d.task_id = t.id AND d.kind = 'blocks' AND b.status <> 'done')
                    ORDER BY t.priority_rank, t.position, t.id LIMIT 1
                  ) AS top_task
                  ORDER BY kind LIMIT 1
                ) AS c
                JOIN tasks t ON t.id = c.id\(TaskRow.projectJoin)
                """
            ).first()
            guard let candidate else { return nil }
            let kind: ExecutionKind = try candidate.int("kind") == 0 ? .reply : .task
            let old = try TaskRow.task(from: candidate)
            let taskID = old.id
            var task = old
            task.agent.claimedBy = workerID
            task.agent.executionID = executionID
            if kind == .task {
                let last = try candidate.optionalString("last_in_progress")
                // The query above took only a task without unfinished blockers, in this transaction.
                try await Claims.place(
                    &task, in: .inProgress, at: try Rank.between(last, nil), scope: scope, now: now, blockersChecked: true, on: sql)
            }
            task.version += 1
            task.updatedAt = now
            let leaseExpiry = lease.expiry(from: now)
            // The attempt is counted by the INSERT itself, and what follows is written together
            // with the events at the end (`runLater`): fewer round trips under the workspace's lock.
            let attempt = try await sql.raw(
                """
                INSERT INTO executions (id, workspace_id, task_id, worker_id, kind, status, attempt, claim_token,
                                        lease_expires_at, started_at, executor, model)
                VALUES (\(bind: executionID), \(bind: scope.workspaceID), \(bind: taskID), \(bind: workerID),
                        \(bind: kind.rawValue), 'running',
                        (SELECT COUNT(*) FROM executions WHERE task_id = \(bind: taskID) AND kind = 'task')
                          + \(literal: kind == .task ? 1 : 0),
                        \(bind: token), \(bind: leaseExpiry.milliseconds), \(bind: now.milliseconds),
                        \(bind: worker.configuration.executor.rawValue), \(bind: worker.configuration.model))
                RETURNING attempt
                """
            ).first()?.int("attempt") ?? 0
            let execution = Execution(
                id: executionID, workspaceID: scope.workspaceID, taskID: taskID, workerID: workerID, kind: kind,
                status: .running, attempt: attempt, leaseExpiresAt: leaseExpiry,
                startedAt: now, executor: worker.configuration.executor.rawValue, model: worker.configuration.model)
            try await TaskRow.save(task, replacing: old, on: sql)
            try await APIKeyRepository.insertExecutionKey(
                id: keyID, execution: execution, createdBy: scope.userID, tokenHash: agentKey.tokenHash,
                preview: agentKey.preview, at: now, on: sql)
            try await EventLog.append(
                EventDraft(
                    type: kind == .task ? .taskMoved : .taskUpdated, taskID: taskID, actor: scope.actor,
                    payload: EventPayload.TaskSnapshot(task: task, changes: task.changes(since: old))),
                workspace: scope.workspaceID, on: sql, at: now)
            try await EventLog.append(
                EventDraft(
                    type: .executionStarted, taskID: taskID, actor: scope.actor,
                    payload: EventPayload.ExecutionSnapshot(execution: execution, taskKey: task.key)),
                workspace: scope.workspaceID, on: sql, at: now)
            return Claim(task: task, execution: execution, claimToken: token)
        }
    }

    public func get(_ scope: WorkspaceScope, taskRef: String, id: String) async throws -> Execution {
        try await store.database.read { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            return try await Self.load(id, taskID: taskID, scope: scope, on: sql)
        }
    }

    /// A task's executions, oldest first.
    public func list(_ scope: WorkspaceScope, taskRef: String) async throws -> [Execution] {
        try await store.database.read { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            return try await sql.raw(
                """
                SELECT * FROM executions WHERE task_id = \(bind: task.id) AND workspace_id = \(bind: scope.workspaceID)
                ORDER BY started_at, id
                """
            ).all().map(Self.execution(from:))
        }
    }

    /// The agent says the task is done (MCP `complete_execution`); the worker wraps up after the loop.
    public func requestCompletion(_ scope: WorkspaceScope, taskRef: String, id: String, summary: String?) async throws
        -> Execution
    {
        try scope.require(.completeExecution)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            try await Self.checkHolder(id, taskID: taskID, scope: scope, on: sql)
            try await sql.raw(
                """
                UPDATE executions SET completion_requested_at = \(bind: now.milliseconds), completion_summary = \(bind: summary)
                WHERE id = \(bind: id)
                """
            ).run()
            return try await Self.load(id, taskID: taskID, scope: scope, on: sql)
        }
    }

    /// A person asks the agent to stop; the worker stops it at its next heartbeat.
    public func requestCancel(_ scope: WorkspaceScope, taskRef: String, id: String) async throws -> Execution {
        try scope.require(.cancelExecution)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            var execution = try await Self.load(id, taskID: task.id, scope: scope, on: sql)
            guard execution.status == .running else {
                throw ConflictError("the execution already ended (\(execution.status.rawValue))")
            }
            if execution.cancelRequestedAt == nil {
                try await sql.raw(
                    "UPDATE executions SET cancel_requested_at = \(bind: now.milliseconds) WHERE id = \(bind: id)"
                ).run()
                execution.cancelRequestedAt = now
                try await EventLog.append(
                    EventDraft(
                        type: .executionUpdated, taskID: task.id, actor: scope.actor,
                        payload: EventPayload.ExecutionSnapshot(execution: execution, taskKey: task.key)),
                    workspace: scope.workspaceID, on: sql, at: now)
            }
            return execution
        }
    }

    /// The worker's final report. Fenced: only the holder of a still-running execution can finish it.
    public func finish(_ scope: WorkspaceScope, taskRef: String, id: String, report: ExecutionReport) async throws
        -> (Execution, TaskItem)
    {
        try scope.require(.runExecutions)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            try await Self.checkHolder(id, taskID: taskID, scope: scope, on: sql)
            let countAttempt = report.outcome == .failed
            let (execution, task) = try await Self.finalize(
                id, as: report, countAttempt: countAttempt, by: scope.actor, scope: scope, at: now,
                commentID: store.random.id(.comment), on: sql)
            return (execution, task!)
        }
    }

    /// Ends a running execution as released: its task goes back to the top of To Do, no attempt
    /// counted (a claim its worker hung up on before receiving it).
    public func giveBack(_ scope: WorkspaceScope, executionID: String, reason: String) async throws {
        let now = store.now()
        let commentID = store.random.id(.comment)
        try await store.database.write(workspace: scope.workspaceID) { sql in
            guard
                try await sql.raw(
                    """
                    SELECT 1 AS running FROM executions
                    WHERE id = \(bind: executionID) AND workspace_id = \(bind: scope.workspaceID) AND status = 'running'
                    """
                ).first() != nil
            else { return }
            _ = try await Self.finalize(
                executionID, as: ExecutionReport(outcome: .released, reason: reason), countAttempt: false, by: scope.actor,
                scope: scope, at: now, commentID: commentID, on: sql)
        }
    }

    /// Returns to the queue every task whose worker stopped renewing its lease. Safe to run on
    /// every replica at once: each expiry is re-checked under the workspace's write lock.
    @discardableResult
    public func reapExpired() async throws -> Int {
        let now = store.now()
        let expired = try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT id, workspace_id FROM executions
                WHERE status = 'running' AND lease_expires_at < \(bind: now.milliseconds)
                ORDER BY lease_expires_at LIMIT 500
                """
            ).all().map { (try $0.string("id"), try $0.string("workspace_id")) }
        }
        var reaped = 0
        for (executionID, workspaceID) in expired {
            let scope = WorkspaceScope.system(workspaceID)
            let done = try await store.database.write(workspace: workspaceID) { sql -> Bool in
                guard
                    let row = try await sql.raw(
                        """
                        SELECT 1 AS due FROM executions
                        WHERE id = \(bind: executionID) AND status = 'running' AND lease_expires_at < \(bind: now.milliseconds)
                        """
                    ).first(), try row.int("due") == 1
                else { return false }
                _ = try await Self.finalize(
                    executionID, as: ExecutionReport(outcome: .expired), countAttempt: true, by: .system, scope: scope,
                    at: now, commentID: store.random.id(.comment), on: sql)
                return true
            }
            if done { reaped += 1 }
        }
        return reaped
    }

    // MARK: - Logs

    public struct LogEntry: Sendable, Equatable {
        public var sequence: Int64
        public var stream: String
        public var loop: Int?
        public var text: String
        public var createdAt: Date

        public init(sequence: Int64 = 0, stream: String, loop: Int?, text: String, createdAt: Date = Date()) {
            self.sequence = sequence
            self.stream = stream
            self.loop = loop
            self.text = text
            self.createdAt = createdAt
        }
    }

    /// Appends output of a running execution (fenced by its claim); returns the last sequence number.
    public func appendLogs(_ scope: WorkspaceScope, taskRef: String, id: String, entries: [LogEntry]) async throws -> Int64 {
        try scope.require(.runExecutions)
        let now = store.now()
        return try await store.database.write(workspace: nil, announcing: CommitSignal.logs(of: id)) { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            try await Self.checkHolder(id, taskID: taskID, scope: scope, on: sql)
            var sequence =
                try await sql.raw(
                    "SELECT COALESCE(MAX(sequence), 0) AS last FROM execution_logs WHERE execution_id = \(bind: id)"
                ).first()?.int64("last") ?? 0
            guard !entries.isEmpty else { return sequence }
            var values: [SQLQueryString] = []
            for entry in entries {
                sequence += 1
                values.append(
                    "(\(bind: id), \(bind: sequence), \(bind: scope.workspaceID), \(bind: entry.stream), \(bind: entry.loop), \(bind: entry.text), \(bind: now.milliseconds))"
                )
            }
            try await sql.raw(
                """
                INSERT INTO execution_logs (execution_id, sequence, workspace_id, stream, loop, text, created_at)
                VALUES \(SQLList(values, separator: SQLRaw(", ")))
                """
            ).run()
            return sequence
        }
    }

    /// Log entries after `sequence`, oldest first.
    public func logs(_ scope: WorkspaceScope, taskRef: String, id: String, after sequence: Int64, limit: Int) async throws
        -> [LogEntry]
    {
        try await store.database.read { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            _ = try await Self.load(id, taskID: taskID, scope: scope, on: sql)
            return try await sql.raw(
                """
                SELECT * FROM execution_logs WHERE execution_id = \(bind: id) AND sequence > \(bind: sequence)
                ORDER BY sequence LIMIT \(literal: limit)
                """
            ).all().map { row in
                LogEntry(
                    sequence: try row.int64("sequence"), stream: try row.string("stream"), loop: try row.optionalInt("loop"),
                    text: try row.string("text"), createdAt: try row.date("created_at"))
            }
        }
    }

    // MARK: - Shared steps

    /// The caller must hold this running execution: its worker with the claim token, or its agent
    /// with the execution's own key.
    static func checkHolder(_ id: String, taskID: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws {
        guard let workerID = scope.workerID else {
            throw AccessError.refused("only the worker running this execution can do this")
        }
        guard
            let row = try await sql.raw(
                """
                SELECT worker_id, status, claim_token FROM executions
                WHERE id = \(bind: id) AND task_id = \(bind: taskID) AND workspace_id = \(bind: scope.workspaceID)
                """
            ).first()
        else { throw NotFoundError("execution", id: id) }
        let ownExecution = scope.executionID.map { $0 == id } ?? true
        guard ownExecution, try row.string("worker_id") == workerID, try row.string("status") == "running",
            let token = scope.claimToken, try row.string("claim_token") == token
        else {
            throw ConflictError("this execution is no longer held by this worker (its lease expired, or it was cancelled)")
        }
    }

    /// Ends a running execution and applies what its outcome means for the task (`TaskDisposition`),
    /// with the comment that explains it. Returns the ended execution and the task.
    static func finalize(
        _ id: String, as report: ExecutionReport, countAttempt: Bool, by actor: Actor, scope: WorkspaceScope, at now: Date,
        commentID: String, on sql: any SQLDatabase
    ) async throws -> (Execution, TaskItem?) {
        guard let row = try await sql.raw("SELECT * FROM executions WHERE id = \(bind: id)").first() else {
            throw NotFoundError("execution", id: id)
        }
        var execution = try execution(from: row)
        execution.status = report.outcome
        execution.finishedAt = now
        execution.loops = report.loops
        execution.errors = report.errors
        execution.filesChanged = report.filesChanged
        execution.inputTokens = report.inputTokens
        execution.outputTokens = report.outputTokens
        execution.costUSD = report.costUSD
        execution.branch = report.branch
        execution.commit = report.commit
        execution.summary = report.summary ?? execution.completionSummary
        execution.reason = report.reason
        try await sql.raw(
            """
            UPDATE executions SET status = \(bind: execution.status.rawValue), finished_at = \(bind: now.milliseconds),
                loops = \(bind: execution.loops), errors = \(bind: execution.errors),
                files_changed = \(bind: WorkerRepository.json(execution.filesChanged)),
                input_tokens = \(bind: execution.inputTokens), output_tokens = \(bind: execution.outputTokens),
                cost_usd = \(bind: execution.costUSD), branch = \(bind: execution.branch), commit_sha = \(bind: execution.commit),
                summary = \(bind: execution.summary), reason = \(bind: execution.reason)
            WHERE id = \(bind: id)
            """
        ).run()
        try await APIKeyRepository.revokeExecutionKey(id, at: now, on: sql)
        if let diff = report.diff {
            try await ExecutionDiffs.insert(diff, of: execution, at: now, on: sql)
        }

        let retryLimit =
            try await sql.raw("SELECT configuration FROM workers WHERE id = \(bind: execution.workerID)").first()
            .flatMap { try? JSONDecoder.taskinfa.decode(WorkerConfiguration.self, from: Data($0.string("configuration").utf8)) }?
            .retryLimit ?? WorkerConfiguration().retryLimit
        let taskScope = WorkspaceScope(
            workspaceID: execution.workspaceID, actor: actor, role: scope.role, principal: .worker, userID: scope.userID,
            workerID: execution.workerID, claimToken: nil)
        guard let old = try? await TaskRow.load(execution.taskID, scope: taskScope, on: sql) else {
            return (execution, nil)
        }
        var disposition = TaskDisposition.after(
            report.outcome, kind: execution.kind, failedAttempts: old.agent.failedAttempts, retryLimit: retryLimit,
            reason: report.reason, summary: execution.summary)
        if !countAttempt && disposition.countsAsAttempt {
            disposition.countsAsAttempt = false
            disposition.flag = false
            disposition.comment = "The execution ended: \(report.reason ?? report.outcome.rawValue). The task goes back to To Do."
        }
        var task = old
        // The claim is over, whichever way it ended (a claim taken back already freed it).
        if task.agent.executionID == id {
            task.agent.claimedBy = nil
            task.agent.executionID = nil
        }
        if execution.kind == .reply {
            // A question the worker gave back waits for the next worker.
            if report.outcome != .released { task.agent.awaitingReplySince = nil }
        } else if var status = disposition.status, task.status == .inProgress || task.status == status {
            // A task that came to wait for unfinished work while the agent ran can't re-enter the
            // queue: it waits in the backlog until what it waits for is done.
            if DependencyRules.needsFinishedBlockers(toEnter: status),
                try await !Relations.unfinishedBlockers(of: task.id, on: sql).isEmpty
            {
                status = .backlog
            }
            // Work given back was next in line: it returns to the top of its column, the rest to the bottom.
            let position: String
            if report.outcome == .released {
                let first = try await TaskRow.firstPosition(in: status, workspace: task.workspaceID, excluding: task.id, on: sql)
                position = try Rank.between(nil, first)
            } else {
                let last = try await TaskRow.lastPosition(in: status, workspace: task.workspaceID, excluding: task.id, on: sql)
                position = try Rank.between(last, nil)
            }
            try await Claims.place(&task, in: status, at: position, scope: taskScope, now: now, on: sql)
        }
        if disposition.countsAsAttempt { task.agent.failedAttempts += 1 }
        if disposition.flag {
            task.agent.flaggedAt = now
            task.agent.flagReason = String(disposition.comment.prefix(500))
        }
        if let branch = report.branch { task.agent.branch = branch }
        if let commit = report.commit { task.agent.commit = commit }
        var saved = task
        if saved != old {
            saved.version = old.version + 1
            saved.updatedAt = now
            try await TaskRow.save(saved, replacing: old, on: sql)
            try await EventLog.append(
                EventDraft(
                    type: saved.status != old.status ? .taskMoved : .taskUpdated, taskID: saved.id, actor: actor,
                    payload: EventPayload.TaskSnapshot(task: saved, changes: saved.changes(since: old))),
                workspace: saved.workspaceID, on: sql, at: now)
        }
        // A bot's answer is shown as the reply to the message it answers.
        var replyTo: String?
        if execution.kind == .reply {
            replyTo = try await sql.raw(
                """
                SELECT id FROM comments
                WHERE task_id = \(bind: saved.id) AND type = 'human_message' AND author_type = 'user'
                  AND created_at <= \(bind: now.milliseconds)
                ORDER BY created_at DESC, id DESC LIMIT 1
                """
            ).first()?.string("id")
        }
        let comment = Comment(
            id: commentID, workspaceID: saved.workspaceID, taskID: saved.id, author: actor,
            kind: disposition.commentKind, body: disposition.comment, loopNumber: report.loops > 0 ? report.loops : nil,
            createdAt: now, replyTo: replyTo)
        try await CommentRepository.insert(comment, taskKey: saved.key, on: sql)
        if execution.kind == .task {
            let column = report.outcome == .succeeded ? "tasks_succeeded" : "tasks_failed"
            if report.outcome != .cancelled && report.outcome != .released {
                try await sql.raw(
                    // `column` is one of the two names above, never input.
                    "UPDATE workers SET \(unsafeRaw: column) = \(unsafeRaw: column) + 1 WHERE id = \(bind: execution.workerID)"
                ).run()
            }
        }
        try await EventLog.append(
            EventDraft(
                type: .executionFinished, taskID: saved.id, actor: actor,
                payload: EventPayload.ExecutionSnapshot(execution: execution, taskKey: saved.key)),
            workspace: saved.workspaceID, on: sql, at: now)
        return (execution, saved)
    }

    static func load(_ id: String, taskID: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> Execution {
        guard
            let row = try await sql.raw(
                """
                SELECT * FROM executions
                WHERE id = \(bind: id) AND task_id = \(bind: taskID) AND workspace_id = \(bind: scope.workspaceID)
                """
            ).first()
        else { throw NotFoundError("execution", id: id) }
        return try execution(from: row)
    }

    static func execution(from row: any SQLRow) throws -> Execution {
        Execution(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), taskID: try row.string("task_id"),
            workerID: try row.string("worker_id"), kind: ExecutionKind(rawValue: try row.string("kind")) ?? .task,
            status: ExecutionStatus(rawValue: try row.string("status")) ?? .failed, attempt: try row.int("attempt"),
            leaseExpiresAt: try row.date("lease_expires_at"), startedAt: try row.date("started_at"),
            finishedAt: try row.optionalDate("finished_at"), loops: try row.int("loops"), errors: try row.int("errors"),
            filesChanged: (try? JSONDecoder().decode([String].self, from: Data(try row.string("files_changed").utf8))) ?? [],
            inputTokens: try row.optionalInt("input_tokens"), outputTokens: try row.optionalInt("output_tokens"),
            costUSD: try row.decodeNil(column: "cost_usd") ? nil : try row.decode(column: "cost_usd", as: Double.self),
            branch: try row.optionalString("branch"), commit: try row.optionalString("commit_sha"),
            summary: try row.optionalString("summary"), reason: try row.optionalString("reason"),
            cancelRequestedAt: try row.optionalDate("cancel_requested_at"),
            completionRequestedAt: try row.optionalDate("completion_requested_at"),
            completionSummary: try row.optionalString("completion_summary"),
            executor: try row.optionalString("executor"), model: try row.optionalString("model"))
    }
}
