import Foundation
import SQLKit
import TaskinfaCore

/// Bot workers: each comes with its own API key, which acts as the worker.
public struct WorkerRepository: Sendable {
    let store: Store

    /// Creates the worker and its key (role member: it works on tasks, it doesn't administer).
    public func create(
        _ scope: WorkspaceScope, name: String, specializations: [String], configuration: WorkerConfiguration,
        keyHash: String, keyPreview: String
    ) async throws -> Worker {
        try scope.require(.registerWorkers)
        let now = store.now()
        let worker = Worker(
            id: store.random.id(.worker), workspaceID: scope.workspaceID, name: name, specializations: specializations,
            configuration: configuration, reportedStatus: .idle, currentTaskID: nil, currentLoop: nil, lastHeartbeatAt: nil,
            tasksSucceeded: 0, tasksFailed: 0, createdBy: scope.userID, createdAt: now, updatedAt: now)
        let keyID = store.random.id(.apiKey)
        try await store.database.write(workspace: scope.workspaceID) { sql in
            try await Self.checkProjects(configuration, scope: scope, on: sql)
            try await sql.raw(
                """
                INSERT INTO workers (id, workspace_id, name, specializations, configuration, created_by, created_at, updated_at)
                VALUES (\(bind: worker.id), \(bind: worker.workspaceID), \(bind: name), \(bind: Self.json(specializations)),
                        \(bind: Self.json(configuration)), \(bind: scope.userID), \(bind: now.milliseconds), \(bind: now.milliseconds))
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO api_keys (id, workspace_id, user_id, name, token_hash, preview, role, created_at, worker_id)
                VALUES (\(bind: keyID), \(bind: scope.workspaceID), \(bind: scope.userID), \(bind: "worker " + name),
                        \(bind: keyHash), \(bind: keyPreview), 'member', \(bind: now.milliseconds), \(bind: worker.id))
                """
            ).run()
            try await EventLog.append(
                EventDraft(type: .workerCreated, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
        return worker
    }

    public func list(_ scope: WorkspaceScope) async throws -> [Worker] {
        try await store.database.read { sql in
            try await sql.raw("SELECT * FROM workers WHERE workspace_id = \(bind: scope.workspaceID) ORDER BY name, id")
                .all().map(Self.worker(from:))
        }
    }

    public func workspaceOf(workerID: String) async throws -> String? {
        try await store.database.read { sql in
            try await sql.raw("SELECT workspace_id FROM workers WHERE id = \(bind: workerID)").first()?.string("workspace_id")
        }
    }

    public func get(_ scope: WorkspaceScope, id: String) async throws -> Worker {
        try await store.database.read { sql in try await Self.load(id, scope: scope, on: sql) }
    }

    public func update(
        _ scope: WorkspaceScope, id: String, name: String?, specializations: [String]?, configuration: WorkerConfiguration?,
        enabled: Bool? = nil
    ) async throws -> Worker {
        try scope.require(.configureWorkers)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            var worker = try await Self.load(id, scope: scope, on: sql)
            if let name { worker.name = name }
            if let specializations { worker.specializations = specializations }
            if let configuration {
                try await Self.checkProjects(configuration, scope: scope, on: sql)
                worker.configuration = configuration
            }
            if let enabled { worker.disabledAt = enabled ? nil : (worker.disabledAt ?? now) }
            worker.updatedAt = now
            try await sql.raw(
                """
                UPDATE workers SET name = \(bind: worker.name), specializations = \(bind: Self.json(worker.specializations)),
                       configuration = \(bind: Self.json(worker.configuration)), updated_at = \(bind: now.milliseconds),
                       disabled_at = \(bind: worker.disabledAt?.milliseconds)
                WHERE id = \(bind: id)
                """
            ).run()
            try await EventLog.append(
                EventDraft(type: .workerUpdated, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                workspace: scope.workspaceID, on: sql, at: now)
            return worker
        }
    }

    /// Removes the worker: its keys stop working, its running executions end (their tasks going back
    /// to To Do for another worker) and the tasks assigned to it become unassigned.
    public func delete(_ scope: WorkspaceScope, id: String) async throws {
        try scope.require(.registerWorkers)
        let now = store.now()
        try await store.database.write(workspace: scope.workspaceID) { sql in
            let worker = try await Self.load(id, scope: scope, on: sql)
            try await Self.release(
                worker, reason: "The worker \(worker.name) was removed.", by: scope.actor, scope: scope, at: now, random: store.random, on: sql)
            let assigned = try await sql.raw(
                """
                SELECT \(TaskRow.columns)\(TaskRow.from)
                WHERE t.workspace_id = \(bind: scope.workspaceID) AND t.assignee_id = \(bind: id)
                """
            ).all().map(TaskRow.task(from:))
            for old in assigned {
                var task = old
                task.assigneeID = nil
                _ = try await TaskRepository.commit(task, replacing: old, type: .taskUpdated, scope: scope, at: now, on: sql)
            }
            try await sql.raw("UPDATE api_keys SET revoked_at = \(bind: now.milliseconds) WHERE worker_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM workers WHERE id = \(bind: id)").run()
            try await EventLog.append(
                EventDraft(type: .workerDeleted, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
    }

    /// Gives the worker a new key and revokes its old ones at once (a key that leaked, or a host that
    /// changed hands): the running worker stops being accepted until restarted with the new key.
    public func rotateKey(_ scope: WorkspaceScope, id: String, keyHash: String, keyPreview: String) async throws -> Worker {
        try scope.require(.registerWorkers)
        let now = store.now()
        let keyID = store.random.id(.apiKey)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let worker = try await Self.load(id, scope: scope, on: sql)
            try await sql.raw(
                """
                UPDATE api_keys SET revoked_at = \(bind: now.milliseconds)
                WHERE worker_id = \(bind: id) AND revoked_at IS NULL AND execution_id IS NULL
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO api_keys (id, workspace_id, user_id, name, token_hash, preview, role, created_at, worker_id)
                VALUES (\(bind: keyID), \(bind: scope.workspaceID), \(bind: scope.userID), \(bind: "worker " + worker.name),
                        \(bind: keyHash), \(bind: keyPreview), 'member', \(bind: now.milliseconds), \(bind: worker.id))
                """
            ).run()
            try await EventLog.append(
                EventDraft(type: .workerUpdated, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                workspace: scope.workspaceID, on: sql, at: now)
            return worker
        }
    }

    /// The worker's executions, newest first, with the key and title of each one's task.
    public func executions(_ scope: WorkspaceScope, id: String, limit: Int) async throws -> [(Execution, key: String, title: String)] {
        try await store.database.read { sql in
            _ = try await Self.load(id, scope: scope, on: sql)
            return try await sql.raw(
                """
                SELECT e.*, p.key AS project_key, t.number AS task_number, t.title AS task_title
                FROM executions e JOIN tasks t ON t.id = e.task_id JOIN projects p ON p.id = t.project_id
                WHERE e.worker_id = \(bind: id) AND e.workspace_id = \(bind: scope.workspaceID)
                ORDER BY e.started_at DESC, e.id DESC LIMIT \(literal: limit)
                """
            ).all().map { row in
                (
                    try ExecutionRepository.execution(from: row),
                    TaskKey(projectKey: try row.string("project_key"), number: try row.int("task_number")).description,
                    try row.string("task_title")
                )
            }
        }
    }

    /// What a heartbeat answers with.
    public struct HeartbeatReply: Sendable {
        public var worker: Worker
        /// Executions the worker must stop: cancelled by a person, taken back, or no longer its own.
        public var stop: [String]
        public var leaseExpiresAt: Date
    }

    /// Records the worker's state and renews the leases of the executions it says it is running.
    public func heartbeat(
        _ scope: WorkspaceScope, status: WorkerStatus, message: String? = nil, currentTaskID: String?, loop: Int?,
        running: [String], lease: LeasePolicy
    ) async throws -> HeartbeatReply {
        try scope.require(.runExecutions)
        guard let workerID = scope.workerID else { throw AccessError.refused("only a worker's own key sends its heartbeat") }
        let now = store.now()
        let expiry = lease.expiry(from: now)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let old = try await Self.load(workerID, scope: scope, on: sql)
            var worker = old
            worker.reportedStatus = status
            worker.statusMessage = message
            worker.currentTaskID = currentTaskID
            worker.currentLoop = loop
            worker.lastHeartbeatAt = now
            try await sql.raw(
                """
                UPDATE workers SET reported_status = \(bind: status.rawValue), status_message = \(bind: message),
                       current_task_id = \(bind: currentTaskID), current_loop = \(bind: loop),
                       last_heartbeat_at = \(bind: now.milliseconds)
                WHERE id = \(bind: workerID)
                """
            ).run()
            var stop: [String] = []
            if !running.isEmpty {
                try await sql.raw(
                    """
                    UPDATE executions SET lease_expires_at = \(bind: expiry.milliseconds)
                    WHERE worker_id = \(bind: workerID) AND status = 'running' AND id IN (\(binds: running))
                    """
                ).run()
                let rows = try await sql.raw(
                    """
                    SELECT id, status, cancel_requested_at FROM executions
                    WHERE worker_id = \(bind: workerID) AND id IN (\(binds: running))
                    """
                ).all()
                var known = Set<String>()
                for row in rows {
                    let id = try row.string("id")
                    known.insert(id)
                    if try row.string("status") != "running" || (try row.optionalInt("cancel_requested_at")) != nil {
                        stop.append(id)
                    }
                }
                stop += running.filter { !known.contains($0) }
            }
            // Only a change of what the worker does is worth an event; steady heartbeats are not.
            let wasOnline = old.status(at: now, offlineAfter: lease.offlineAfter) != .offline
            if !wasOnline || old.reportedStatus != status || old.currentTaskID != currentTaskID
                || old.statusMessage != message || old.currentLoop != loop
            {
                try await EventLog.append(
                    EventDraft(type: .workerUpdated, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                    workspace: scope.workspaceID, on: sql, at: now)
            }
            return HeartbeatReply(worker: worker, stop: stop, leaseExpiresAt: expiry)
        }
    }

    /// A worker that stops says so: what it held goes back to the queue at once (not when its lease
    /// runs out, and without counting an attempt), and it shows offline.
    public func disconnect(_ scope: WorkspaceScope, reason: String?) async throws -> Worker {
        try scope.require(.runExecutions)
        guard let workerID = scope.workerID else { throw AccessError.refused("only a worker's own key signs it off") }
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            var worker = try await Self.load(workerID, scope: scope, on: sql)
            try await Self.release(
                worker, reason: "The worker \(worker.name) stopped\(reason.map { " (\($0))" } ?? "") and gave the task back.",
                by: scope.actor, scope: scope, at: now, random: store.random, on: sql)
            worker.reportedStatus = .offline
            worker.statusMessage = nil
            worker.currentTaskID = nil
            worker.currentLoop = nil
            try await sql.raw(
                """
                UPDATE workers SET reported_status = 'offline', status_message = NULL, current_task_id = NULL,
                       current_loop = NULL
                WHERE id = \(bind: workerID)
                """
            ).run()
            try await EventLog.append(
                EventDraft(type: .workerUpdated, actor: scope.actor, payload: EventPayload.WorkerSnapshot(worker: worker)),
                workspace: scope.workspaceID, on: sql, at: now)
            return worker
        }
    }

    /// Ends every running execution of the worker as released, its tasks back at the top of To Do.
    static func release(
        _ worker: Worker, reason: String, by actor: Actor, scope: WorkspaceScope, at now: Date, random: SecureRandom,
        on sql: any SQLDatabase
    ) async throws {
        let running = try await sql.raw(
            "SELECT id FROM executions WHERE worker_id = \(bind: worker.id) AND status = 'running'"
        ).all().map { try $0.string("id") }
        for executionID in running {
            _ = try await ExecutionRepository.finalize(
                executionID, as: ExecutionReport(outcome: .released, reason: reason), countAttempt: false, by: actor,
                scope: scope, at: now, commentID: random.id(.comment), on: sql)
        }
    }

    /// Every allowed project must be a project of the workspace.
    static func checkProjects(_ configuration: WorkerConfiguration, scope: WorkspaceScope, on sql: any SQLDatabase)
        async throws
    {
        let ids = configuration.allowedProjectIDs
        guard !ids.isEmpty else { return }
        let known = Set(
            try await sql.raw(
                "SELECT id FROM projects WHERE workspace_id = \(bind: scope.workspaceID) AND id IN (\(binds: ids))"
            ).all().map { try $0.string("id") })
        if let index = ids.firstIndex(where: { !known.contains($0) }) {
            throw ValidationError(
                field: "configuration.allowed_project_ids[\(index)]", message: "is not a project of this workspace")
        }
    }

    static func load(_ id: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> Worker {
        guard
            let row = try await sql.raw(
                "SELECT * FROM workers WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspaceID)"
            ).first()
        else { throw NotFoundError("worker", id: id) }
        return try worker(from: row)
    }

    static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONEncoder.taskinfa.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func worker(from row: any SQLRow) throws -> Worker {
        let decoder = JSONDecoder.taskinfa
        return Worker(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            specializations: (try? decoder.decode([String].self, from: Data(try row.string("specializations").utf8))) ?? [],
            configuration: try decoder.decode(WorkerConfiguration.self, from: Data(try row.string("configuration").utf8)),
            reportedStatus: WorkerStatus(rawValue: try row.string("reported_status")) ?? .idle,
            statusMessage: try row.optionalString("status_message"),
            currentTaskID: try row.optionalString("current_task_id"), currentLoop: try row.optionalInt("current_loop"),
            lastHeartbeatAt: try row.optionalDate("last_heartbeat_at"), tasksSucceeded: try row.int("tasks_succeeded"),
            tasksFailed: try row.int("tasks_failed"), createdBy: try row.string("created_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            disabledAt: try row.optionalDate("disabled_at"))
    }
}
