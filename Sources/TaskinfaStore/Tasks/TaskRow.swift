import Foundation
import SQLKit
import TaskinfaCore

/// How a task row is read: the columns every task query selects (with the project key that makes
/// the human key) and the mapping to `TaskItem`.
enum TaskRow {
    static let columns: SQLQueryString = """
        t.id, t.workspace_id, t.project_id, t.number, t.title, t.description, t.status, t.priority, t.labels,
        t.assignee_id, t.due_date, t.parent_id, t.position, t.version, t.created_by, t.created_at, t.updated_at,
        t.started_at, t.completed_at, t.claimed_by, t.execution_id, t.failed_attempts, t.flagged_at, t.flag_reason,
        t.branch_name, t.commit_sha, t.awaiting_reply_since, p.key AS project_key
        """

    /// The card's counts, as correlated subqueries over indexed columns (a page of cards costs a
    /// few index probes per card). Always integers, so both dialects read them alike.
    static let summaryColumns: SQLQueryString = """
        , (SELECT COUNT(*) FROM comments sc WHERE sc.task_id = t.id) AS summary_comments,
        (SELECT COUNT(*) FROM tasks ss WHERE ss.parent_id = t.id) AS summary_subtasks,
        (SELECT COUNT(*) FROM tasks ss WHERE ss.parent_id = t.id AND ss.status = 'done') AS summary_subtasks_done,
        CASE WHEN EXISTS (SELECT 1 FROM task_dependencies sd JOIN tasks sb ON sb.id = sd.depends_on_task_id
            WHERE sd.task_id = t.id AND sd.kind = 'blocks' AND sb.status <> 'done') THEN 1 ELSE 0 END AS summary_blocked
        """

    /// A task read with its summary columns.
    static func taskWithSummary(from row: any SQLRow) throws -> TaskItem {
        var task = try task(from: row)
        task.summary = TaskSummary(
            comments: try row.int("summary_comments"), subtasks: try row.int("summary_subtasks"),
            subtasksDone: try row.int("summary_subtasks_done"), blocked: try row.int("summary_blocked") != 0)
        return task
    }

    /// Every task read joins its project for the key.
    static let projectJoin: SQLQueryString = " JOIN projects p ON p.id = t.project_id "
    static let from: SQLQueryString = " FROM tasks t" + projectJoin

    static func task(from row: any SQLRow) throws -> TaskItem {
        let labels = Self.labels(fromJSON: try row.string("labels"))
        let number = try row.int("number")
        let projectKey = try row.string("project_key")
        var task = TaskItem(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), projectID: try row.string("project_id"),
            number: number, key: TaskKey(projectKey: projectKey, number: number).description,
            title: try row.string("title"), description: try row.optionalString("description"),
            status: try TaskStatus.parse(row.string("status")), priority: try TaskPriority.parse(row.string("priority")),
            labels: labels, assigneeID: try row.optionalString("assignee_id"),
            dueDate: try row.optionalString("due_date").flatMap(CalendarDate.init),
            parentID: try row.optionalString("parent_id"), position: try row.string("position"),
            version: try row.int("version"), createdBy: try row.string("created_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            startedAt: try row.optionalDate("started_at"), completedAt: try row.optionalDate("completed_at"))
        task.agent = AgentState(
            claimedBy: try row.optionalString("claimed_by"), executionID: try row.optionalString("execution_id"),
            failedAttempts: try row.int("failed_attempts"), flaggedAt: try row.optionalDate("flagged_at"),
            flagReason: try row.optionalString("flag_reason"), branch: try row.optionalString("branch_name"),
            commit: try row.optionalString("commit_sha"), awaitingReplySince: try row.optionalDate("awaiting_reply_since"))
        return task
    }

    /// Labels are stored as a JSON array of strings (read and written without Codable: a page of
    /// cards reads one per card).
    static func labelsJSON(_ labels: [String]) -> String {
        JSONValue.array(labels.map(JSONValue.string)).jsonText
    }

    /// The labels as `task_labels` keeps them: lower-cased, each once, sorted.
    static func labelKeys(_ labels: [String]) -> [String] {
        Array(Set(labels.map { $0.lowercased() })).sorted()
    }

    static func labels(fromJSON text: String) -> [String] {
        guard case .array(let items)? = JSONValue(parsing: Array(text.utf8)) else { return [] }
        return items.compactMap { if case .string(let label) = $0 { label } else { nil } }
    }

    /// Loads one task of the scope's workspace by id, or throws `NotFoundError`.
    static func load(_ id: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> TaskItem {
        guard
            let row = try await sql.raw(
                "SELECT \(columns)\(from)WHERE t.id = \(bind: id) AND t.workspace_id = \(bind: scope.workspaceID)"
            ).first()
        else { throw NotFoundError("task", id: id) }
        return try task(from: row)
    }

    /// The task `ref` (an id or a human key) names in the scope's workspace, found and read in one
    /// statement, with `alongside` — more columns, which may refer to the task as `t` — read at the
    /// same moment. Throws `NotFoundError` if there is none.
    static func load(
        ref: String, alongside extra: SQLQueryString = "", scope: WorkspaceScope, on sql: any SQLDatabase
    ) async throws -> (task: TaskItem, row: any SQLRow) {
        guard
            let row = try await sql.raw("SELECT \(columns)\(extra)\(from)WHERE \(matching(ref, alias: "t", scope: scope))").first()
        else { throw NotFoundError("task", id: ref) }
        return (try task(from: row), row)
    }

    /// A condition on the task `alias` (of table `tasks`) that holds for the task `ref` names in
    /// the scope's workspace: by id, or by its project's key and its number.
    static func matching(_ ref: String, alias: String, scope: WorkspaceScope) -> SQLQueryString {
        guard let key = TaskKey(ref) else {
            return "\(unsafeRaw: alias).id = \(bind: ref) AND \(unsafeRaw: alias).workspace_id = \(bind: scope.workspaceID)"
        }
        return """
            \(unsafeRaw: alias).workspace_id = \(bind: scope.workspaceID) AND \(unsafeRaw: alias).number = \(bind: key.number)
            AND \(unsafeRaw: alias).project_id = (SELECT id FROM projects WHERE workspace_id = \(bind: scope.workspaceID) AND key = \(bind: key.projectKey))
            """
    }

    /// A task id from an id or a human key (`WEB-42`), inside the scope's workspace. An id is taken
    /// as it is (whoever reads the task checks it is there).
    static func resolve(_ ref: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> String {
        guard TaskKey(ref) != nil else { return ref }
        guard let row = try await sql.raw("SELECT t.id FROM tasks t WHERE \(matching(ref, alias: "t", scope: scope))").first()
        else { throw NotFoundError("task", id: ref) }
        return try row.string("id")
    }

    /// Writes the columns of `task` that differ from `old`, the row it was read as, with its new
    /// version and time. Only what changed is written: a move must not re-index the task's text
    /// (the search triggers fire on any write to title, labels or description, changed or not)
    /// nor touch the indexes of columns it left alone. Every caller read the task in the same
    /// transaction, holding its workspace's write lock, so the row is still at `old.version` (the
    /// condition stays as a guard); nobody reads the statement back, so it may wait (`runLater`).
    static func save(_ task: TaskItem, replacing old: TaskItem, on sql: any SQLDatabase) async throws {
        var assignments: [SQLQueryString] = [
            "version = \(bind: task.version)", "updated_at = \(bind: task.updatedAt.milliseconds)",
        ]
        func set<Value: Equatable & Encodable & Sendable>(_ column: String, _ path: KeyPath<TaskItem, Value>) {
            if task[keyPath: path] != old[keyPath: path] { assignments.append("\(ident: column) = \(bind: task[keyPath: path])") }
        }
        set("project_id", \.projectID)
        set("number", \.number)
        set("title", \.title)
        set("description", \.description)
        if task.status != old.status {
            assignments.append("status = \(bind: task.status.rawValue), status_order = \(bind: task.status.boardOrder)")
        }
        if task.priority != old.priority {
            assignments.append("priority = \(bind: task.priority.rawValue), priority_rank = \(bind: task.priority.urgencyRank)")
        }
        if task.labels != old.labels { assignments.append("labels = \(bind: labelsJSON(task.labels))") }
        set("assignee_id", \.assigneeID)
        if task.dueDate != old.dueDate { assignments.append("due_date = \(bind: task.dueDate?.description)") }
        set("parent_id", \.parentID)
        set("position", \.position)
        if task.startedAt != old.startedAt { assignments.append("started_at = \(bind: task.startedAt.milliseconds)") }
        if task.completedAt != old.completedAt { assignments.append("completed_at = \(bind: task.completedAt.milliseconds)") }
        set("claimed_by", \.agent.claimedBy)
        set("execution_id", \.agent.executionID)
        set("failed_attempts", \.agent.failedAttempts)
        if task.agent.flaggedAt != old.agent.flaggedAt {
            assignments.append("flagged_at = \(bind: task.agent.flaggedAt.milliseconds)")
        }
        set("flag_reason", \.agent.flagReason)
        set("branch_name", \.agent.branch)
        set("commit_sha", \.agent.commit)
        if task.agent.awaitingReplySince != old.agent.awaitingReplySince {
            assignments.append("awaiting_reply_since = \(bind: task.agent.awaitingReplySince.milliseconds)")
        }
        try await sql.runLater(
            """
            UPDATE tasks SET \(SQLList(assignments, separator: SQLRaw(", ")))
            WHERE id = \(bind: task.id) AND version = \(bind: old.version)
            """, table: "tasks")
    }

    static func replaceLabels(of task: TaskItem, on sql: any SQLDatabase, replacing: Bool) async throws {
        if replacing { try await sql.runLater("DELETE FROM task_labels WHERE task_id = \(bind: task.id)", table: "task_labels") }
        let lowered = labelKeys(task.labels)
        guard !lowered.isEmpty else { return }
        var values: [SQLQueryString] = []
        for label in lowered {
            values.append("(\(bind: task.id), \(bind: task.workspaceID), \(bind: label))")
        }
        try await sql.runLater(
            "INSERT INTO task_labels (task_id, workspace_id, label) VALUES \(SQLList(values, separator: SQLRaw(", ")))",
            table: "task_labels")
    }

    /// The key of the bottom of a column (nil if empty), ignoring `excluding`.
    static func lastPosition(
        in status: TaskStatus, workspace: String, excluding: String?, on sql: any SQLDatabase
    ) async throws -> String? {
        try await sql.raw(lastPositionQuery(in: status, workspace: workspace, excluding: excluding)).first()?
            .optionalString("position")
    }

    /// The query `lastPosition` runs, for use as a subquery.
    static func lastPositionQuery(in status: TaskStatus, workspace: String, excluding: String?) -> SQLQueryString {
        lastPositionQuery(in: status, workspace: workspace, excludingID: "\(bind: excluding ?? "")")
    }

    /// The same with the task left out given as SQL: a bind, or a column of an enclosing query
    /// (`t.id`, the moved task in `TaskRepository.placementColumns`).
    static func lastPositionQuery(in status: TaskStatus, workspace: String, excludingID excluded: SQLQueryString) -> SQLQueryString {
        """
        SELECT position FROM tasks
        WHERE workspace_id = \(bind: workspace) AND status_order = \(literal: status.boardOrder)
          AND id <> \(excluded)
        ORDER BY position DESC, id DESC LIMIT 1
        """
    }

    /// The key of the top of a column (nil if empty), ignoring `excluding`.
    static func firstPosition(
        in status: TaskStatus, workspace: String, excluding: String?, on sql: any SQLDatabase
    ) async throws -> String? {
        try await sql.raw(
            """
            SELECT position FROM tasks
            WHERE workspace_id = \(bind: workspace) AND status_order = \(literal: status.boardOrder)
              AND id <> \(bind: excluding ?? "")
            ORDER BY position, id LIMIT 1
            """
        ).first()?.string("position")
    }
}
