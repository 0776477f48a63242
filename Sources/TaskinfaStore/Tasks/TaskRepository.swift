import Foundation
import SQLKit
import TaskinfaCore

/// Tasks: create, read, change, move, delete, list and search. Every change bumps the task's
/// version and appends its event in the same transaction.
public struct TaskRepository: Sendable {
    let store: Store

    /// Which workspace a task lives in, among the caller's workspaces; `ref` is an id or a human
    /// key. A key found in two of them is ambiguous (use the id).
    public func locate(_ ref: String, among workspaceIDs: [String]) async throws -> String? {
        guard !workspaceIDs.isEmpty else { return nil }
        return try await store.database.read { sql in
            let rows: [any SQLRow]
            if let key = TaskKey(ref) {
                rows = try await sql.raw(
                    """
                    SELECT t.workspace_id FROM tasks t JOIN projects p ON p.id = t.project_id
                    WHERE p.key = \(bind: key.projectKey) AND t.number = \(bind: key.number)
                      AND p.workspace_id IN (\(binds: workspaceIDs))
                    """
                ).all()
            } else {
                rows = try await sql.raw(
                    "SELECT workspace_id FROM tasks WHERE id = \(bind: ref) AND workspace_id IN (\(binds: workspaceIDs))"
                ).all()
            }
            if rows.count > 1 {
                throw ConflictError("\(ref) exists in several of your workspaces; use the task id instead")
            }
            return try rows.first?.string("workspace_id")
        }
    }

    /// One task, with its summary.
    public func get(_ scope: WorkspaceScope, _ ref: String) async throws -> TaskItem {
        try await store.database.read { sql in
            let id = try await TaskRow.resolve(ref, scope: scope, on: sql)
            guard
                let row = try await sql.raw(
                    "SELECT \(TaskRow.columns)\(TaskRow.summaryColumns)\(TaskRow.from)WHERE t.id = \(bind: id) AND t.workspace_id = \(bind: scope.workspaceID)"
                ).first()
            else { throw NotFoundError("task", id: ref) }
            return try TaskRow.taskWithSummary(from: row)
        }
    }

    /// Creates a task at the bottom of its column. A bot creates only subtasks of the task it holds.
    public func create(_ scope: WorkspaceScope, _ draft: TaskDraft) async throws -> TaskItem {
        let reach = try scope.require(.createTask, inProject: draft.projectID)
        let now = store.now()
        // Its number, key, position and parent's id are the store's to take (`NewTaskRows`).
        var task = TaskItem(
            id: store.random.id(.task), workspaceID: scope.workspaceID, projectID: draft.projectID, number: 0, key: "",
            title: draft.title, description: draft.description, status: draft.status, priority: draft.priority,
            labels: draft.labels, assigneeID: draft.assigneeID, dueDate: draft.dueDate, parentID: nil, position: Rank.first,
            version: 1, createdBy: scope.actor.id, createdAt: now, updatedAt: now, startedAt: nil, completedAt: nil)
        task.lifecycle = task.lifecycle.entering(task.status, at: now)
        let request = NewTaskRows.Request(task: task, parentRef: draft.parentID, scope: scope, heldWork: reach == .heldWork)
        switch store.database.dialect {
        case .sqlite:
            return try await store.database.write(workspace: scope.workspaceID) { sql in
                try await NewTaskRows.write([request], dialect: .sqlite, on: sql)[0].get()
            }
        case .postgres:
            // Creates arriving together are written together: one round trip under the lock.
            return try await store.batches.newTasks.submit(request, key: scope.workspaceID).get()
        }
    }

    /// Applies field changes. A status change puts the task at the bottom of its new column.
    /// `expectedVersion` (from `If-Match`) must be current, or nothing is written.
    public func update(
        _ scope: WorkspaceScope, _ ref: String, _ changes: TaskChanges, expectedVersion: Int?
    ) async throws -> TaskItem {
        try scope.requireInSomeProject(.updateTask)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let old = try await Self.loadForChange(ref, expectedVersion: expectedVersion, scope: scope, on: sql)
            let updated = try await Self.apply(changes, to: old, scope: scope, at: now, on: sql)
            return try await Self.commit(updated, replacing: old, type: .taskUpdated, scope: scope, at: now, on: sql)
        }
    }

    /// Deletes a task and its subtasks. Members may delete the tasks they created; admins any.
    public func delete(_ scope: WorkspaceScope, _ ref: String, expectedVersion: Int?) async throws {
        let now = store.now()
        try await store.database.write(workspace: scope.workspaceID) { sql in
            let task = try await TaskRow.load(ref: ref, scope: scope, on: sql).task
            try Self.checkVersion(task, expectedVersion)
            try Self.checkMayDelete(task, scope: scope)
            _ = try await Self.deleteWithSubtasks(task, scope: scope, at: now, on: sql)
        }
    }

    // MARK: - Steps shared by update, move and bulk

    /// The task a change applies to: found by id or key, at the version the client read, (for a
    /// worker) still under its claim, and in a project where the caller may take `action`.
    static func loadForChange(
        _ ref: String, for action: Action = .updateTask, expectedVersion: Int?, scope: WorkspaceScope, on sql: any SQLDatabase
    ) async throws -> TaskItem {
        try await loadForChange(ref, for: action, expectedVersion: expectedVersion, alongside: "", scope: scope, on: sql).task
    }

    /// `loadForChange` with more columns read in the same statement (`TaskRow.load(ref:alongside:)`).
    static func loadForChange(
        _ ref: String, for action: Action = .updateTask, expectedVersion: Int?, alongside extra: SQLQueryString,
        scope: WorkspaceScope, on sql: any SQLDatabase
    ) async throws -> (task: TaskItem, row: any SQLRow) {
        let (task, row) = try await TaskRow.load(ref: ref, alongside: extra, scope: scope, on: sql)
        try scope.require(action, inProject: task.projectID)
        try await Claims.checkFence(task, scope: scope, on: sql)
        try checkVersion(task, expectedVersion)
        return (task, row)
    }

    static func checkVersion(_ task: TaskItem, _ expected: Int?) throws {
        if let expected, expected != task.version {
            throw StaleVersionError(resource: "task", expected: expected, current: task.version)
        }
    }

    static func checkMayDelete(_ task: TaskItem, scope: WorkspaceScope) throws {
        if scope.isWorker { throw AccessError.refused("agents don't delete tasks") }
        if task.createdBy == scope.actor.id || task.createdBy == scope.userID {
            try scope.require(.deleteOwnTask, inProject: task.projectID)
        } else {
            try scope.require(.deleteAnyTask, inProject: task.projectID)
        }
    }

    /// The task with `changes` applied and checked against the rest of the workspace.
    static func apply(
        _ changes: TaskChanges, to old: TaskItem, scope: WorkspaceScope, at now: Date, on sql: any SQLDatabase
    ) async throws -> TaskItem {
        if scope.isWorker {
            // An agent works on its task's content; who does it, where it belongs and what it hangs
            // under are people's decisions.
            let fields = [
                ("assignee_id", changes.assigneeID != nil), ("project_id", changes.projectID != nil),
                ("parent_id", changes.parentID != nil), ("flagged", changes.flagged != nil),
            ]
            if let (field, _) = fields.first(where: \.1) {
                throw AccessError.refused("an agent can't change \(field); ask a person in a comment")
            }
        }
        var task = old
        if let title = changes.title { task.title = title }
        if let description = changes.description { task.description = description }
        if let priority = changes.priority { task.priority = priority }
        if let labels = changes.labels { task.labels = labels }
        if let dueDate = changes.dueDate { task.dueDate = dueDate }
        if let assignee = changes.assigneeID, assignee != old.assigneeID {
            try await Relations.checkAssignee(assignee, scope: scope, on: sql)
            task.assigneeID = assignee
        }
        if let parent = changes.parentID {
            task.parentID = try await Relations.checkParent(parent, of: old.id, scope: scope, on: sql)
        }
        if let projectID = changes.projectID, projectID != old.projectID {
            // Moving a task into a project takes the right to change tasks there too.
            try scope.require(.updateTask, inProject: projectID)
            guard
                let project = try await sql.raw(
                    """
                    UPDATE projects SET next_task_number = next_task_number + 1
                    WHERE id = \(bind: projectID) AND workspace_id = \(bind: scope.workspaceID)
                    RETURNING next_task_number, key
                    """
                ).first()
            else { throw ValidationError(field: "project_id", message: "is not a project of this workspace") }
            task.projectID = projectID
            task.number = try project.int("next_task_number") - 1
            task.key = TaskKey(projectKey: try project.string("key"), number: task.number).description
        }
        if let status = changes.status, status != old.status {
            let last = try await TaskRow.lastPosition(in: status, workspace: scope.workspaceID, excluding: old.id, on: sql)
            try await Claims.place(&task, in: status, at: try Rank.between(last, nil), scope: scope, now: now, on: sql)
        }
        if let flagged = changes.flagged {
            task.agent.flaggedAt = flagged ? (task.agent.flaggedAt ?? now) : nil
            task.agent.flagReason = flagged ? (task.agent.flagReason ?? "held by \(scope.actor.name)") : nil
        }
        return task
    }

    /// Saves a changed task (new version, event); an unchanged one is returned as it was.
    static func commit(
        _ task: TaskItem, replacing old: TaskItem, type: EventType, scope: WorkspaceScope, at now: Date,
        on sql: any SQLDatabase
    ) async throws -> TaskItem {
        let changes = task.changes(since: old)
        guard !changes.isEmpty || task.key != old.key else { return old }
        var saved = task
        saved.version = old.version + 1
        saved.updatedAt = now
        try await TaskRow.save(saved, replacing: old, on: sql)
        if saved.labels != old.labels { try await TaskRow.replaceLabels(of: saved, on: sql, replacing: true) }
        try await EventLog.append(
            EventDraft(
                type: type, taskID: saved.id, actor: scope.actor,
                payload: EventPayload.TaskSnapshot(task: saved, changes: changes)),
            workspace: scope.workspaceID, on: sql, at: now)
        return saved
    }

    /// Deletes the task and all its subtasks; returns their ids.
    static func deleteWithSubtasks(
        _ task: TaskItem, scope: WorkspaceScope, at now: Date, on sql: any SQLDatabase
    ) async throws -> [String] {
        // Subtasks go with their parent (plan §5.6: ON DELETE CASCADE), each with its own event.
        var doomed = [task]
        var frontier = [task.id]
        while !frontier.isEmpty && doomed.count < 10_000 {
            let children = try await sql.raw(
                """
                SELECT \(TaskRow.columns)\(TaskRow.from)
                WHERE t.workspace_id = \(bind: scope.workspaceID) AND t.parent_id IN (\(binds: frontier))
                """
            ).all().map(TaskRow.task(from:))
            doomed += children
            frontier = children.map(\.id)
        }
        for victim in doomed.reversed() {
            try await sql.raw("DELETE FROM tasks WHERE id = \(bind: victim.id)").run()
            try await EventLog.append(
                EventDraft(
                    type: .taskDeleted, taskID: victim.id, actor: scope.actor, payload: EventPayload.TaskSnapshot(task: victim)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
        return doomed.map(\.id)
    }
}

/// Checks on the ids a task points at.
enum Relations {
    /// Keys of the tasks this one waits for (`blocks`) that are not done.
    static func unfinishedBlockers(of taskID: String, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw(
            """
            SELECT b.number, p.key FROM task_dependencies d JOIN tasks b ON b.id = d.depends_on_task_id
            JOIN projects p ON p.id = b.project_id
            WHERE d.task_id = \(bind: taskID) AND d.kind = 'blocks' AND b.status <> 'done'
            """
        ).all().map { TaskKey(projectKey: try $0.string("key"), number: try $0.int("number")).description }
    }

    /// An assignee is an active member of the workspace or one of its workers (a task assigned to a
    /// worker waits for that worker to claim it).
    static func checkAssignee(_ id: String?, scope: WorkspaceScope, on sql: any SQLDatabase) async throws {
        guard let id else { return }
        let found: Bool
        if id.hasPrefix(IDPrefix.user.rawValue + "_") {
            found =
                try await sql.raw(
                    """
                    SELECT 1 AS found FROM workspace_members
                    WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: id) AND status = 'active'
                    """
                ).first() != nil
        } else if id.hasPrefix(IDPrefix.worker.rawValue + "_") {
            found =
                try await sql.raw(
                    "SELECT 1 AS found FROM workers WHERE workspace_id = \(bind: scope.workspaceID) AND id = \(bind: id)"
                ).first() != nil
        } else {
            found = false
        }
        if !found { throw ValidationError(field: "assignee_id", message: "is not a member or worker of this workspace") }
    }

    /// A parent must be another task of the workspace, and not one of the task's own subtasks.
    /// Returns the parent's id (a key is resolved).
    static func checkParent(_ ref: String?, of taskID: String?, scope: WorkspaceScope, on sql: any SQLDatabase)
        async throws -> String?
    {
        guard let ref else { return nil }
        let parentID: String
        do {
            parentID = try await TaskRow.load(ref: ref, scope: scope, on: sql).task.id
        } catch is NotFoundError {
            throw ValidationError(field: "parent_id", message: "is not a task of this workspace")
        }
        guard let taskID else { return parentID }
        var cursor: String? = parentID
        var steps = 0
        while let current = cursor, steps < 100 {
            if current == taskID {
                throw ValidationError(field: "parent_id", message: "would make the task its own ancestor")
            }
            cursor = try await sql.raw("SELECT parent_id FROM tasks WHERE id = \(bind: current)").first()?
                .optionalString("parent_id")
            steps += 1
        }
        return parentID
    }
}
