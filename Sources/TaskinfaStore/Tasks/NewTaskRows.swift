import Foundation
import SQLKit
import TaskinfaCore

/// How new tasks are written: each is checked against the workspace (its parent, its assignee, an
/// agent's claim), takes its project's next number (which also proves the project is in the
/// workspace) and the position after its column's bottom, and goes in with its labels and its
/// `task.created` event.
///
/// On SQLite that is a few statements per task, run in-process. On PostgreSQL each statement is a
/// round trip while the writer holds its workspace's lock, and the creates that arrive together
/// are written together (`WriteBatches.newTasks`): one statement for all those of a project and
/// column — numbers, positions (`taskinfa_positions_after`, migration 15), rows and events.
enum NewTaskRows {
    /// A create as the repository hands it over: the task with everything but its number, key and
    /// position (the store takes those), and the parent as the caller named it.
    struct Request: Sendable {
        var task: TaskItem
        let parentRef: String?
        let scope: WorkspaceScope
        /// An agent creating a subtask of the task it holds: its claim must still stand.
        let heldWork: Bool
    }

    /// Writes the requests of one workspace in the transaction `sql` is in, in their order, and
    /// answers each: the task as stored, or why it was refused (refused ones write nothing).
    static func write(_ requests: [Request], dialect: SQLDialectKind, on sql: any SQLDatabase) async throws
        -> [Result<TaskItem, any Error>]
    {
        var answers: [Result<TaskItem, any Error>?] = Array(repeating: nil, count: requests.count)
        var checked: [(index: Int, request: Request)] = []
        for (index, request) in requests.enumerated() {
            do {
                checked.append((index, try await check(request, on: sql)))
            } catch {
                // Refused alone. Had the database failed under it, the next statement fails too,
                // and the caller writes each request on its own (`WriteBatches.newTasks`).
                answers[index] = .failure(error)
            }
        }
        switch dialect {
        case .sqlite:
            for (index, request) in checked {
                do {
                    answers[index] = .success(try await insertStepByStep(request, on: sql))
                } catch let refusal as ValidationError {
                    answers[index] = .failure(refusal)
                }
            }
        case .postgres:
            // One statement per project and column, in the order each first appears.
            var groups: [[(index: Int, request: Request)]] = []
            for item in checked {
                if let group = groups.firstIndex(where: {
                    $0[0].request.task.projectID == item.request.task.projectID && $0[0].request.task.status == item.request.task.status
                }) {
                    groups[group].append(item)
                } else {
                    groups.append([item])
                }
            }
            for group in groups {
                let placed = try await insertTogether(group.map(\.request), on: sql)
                for (item, answer) in zip(group, placed) { answers[item.index] = answer }
            }
        }
        return answers.map { $0! }
    }

    /// The request with its parent resolved, once its checks pass.
    private static func check(_ request: Request, on sql: any SQLDatabase) async throws -> Request {
        let scope = request.scope
        if request.heldWork {
            guard let parentRef = request.parentRef else {
                throw AccessError.refused("an agent creates only subtasks of the task it works on (parent_id)")
            }
            let parent = try await TaskRow.load(ref: parentRef, scope: scope, on: sql).task
            try await Claims.checkFence(parent, scope: scope, on: sql)
            if request.task.assigneeID != nil {
                throw AccessError.refused("an agent doesn't assign tasks; leave assignee_id out")
            }
        }
        try await Relations.checkAssignee(request.task.assigneeID, scope: scope, on: sql)
        var checked = request
        checked.task.parentID = try await Relations.checkParent(request.parentRef, of: nil, scope: scope, on: sql)
        return checked
    }

    private static func insertStepByStep(_ request: Request, on sql: any SQLDatabase) async throws -> TaskItem {
        var task = request.task
        guard
            let project = try await sql.raw(
                """
                UPDATE projects SET next_task_number = next_task_number + 1
                WHERE id = \(bind: task.projectID) AND workspace_id = \(bind: task.workspaceID)
                RETURNING next_task_number, key,
                    (\(TaskRow.lastPositionQuery(in: task.status, workspace: task.workspaceID, excluding: nil))) AS last_position
                """
            ).first()
        else { throw unknownProject }
        task.number = try project.int("next_task_number") - 1
        task.key = TaskKey(projectKey: try project.string("key"), number: task.number).description
        task.position = try Rank.between(try project.optionalString("last_position"), nil)
        try await sql.runLater(
            """
            INSERT INTO tasks \(insertedColumns)
            VALUES (\(bind: task.id), \(bind: task.workspaceID), \(bind: task.projectID), \(bind: task.number),
                \(bind: task.title), \(bind: task.description), \(bind: task.status.rawValue),
                \(bind: task.status.boardOrder), \(bind: task.priority.rawValue), \(bind: task.priority.urgencyRank),
                \(bind: TaskRow.labelsJSON(task.labels)), \(bind: task.assigneeID), \(bind: task.dueDate?.description),
                \(bind: task.parentID), \(bind: task.position), 1, \(bind: task.createdBy), \(bind: task.createdAt.milliseconds),
                \(bind: task.updatedAt.milliseconds), \(bind: task.startedAt.milliseconds), \(bind: task.completedAt.milliseconds),
                \(bind: task.createdAt.milliseconds))
            """, table: "tasks")
        try await TaskRow.replaceLabels(of: task, on: sql, replacing: false)
        try await EventLog.append(
            createdEvent(task, actor: request.scope.actor), workspace: task.workspaceID, on: sql, at: task.createdAt)
        return task
    }

    /// Tasks of one project and column, in one statement: `numbered` takes the project's next
    /// numbers and finds the column's bottom, `placed` gives each request (a row of the `$items`
    /// document, by its ordinal) its number, key and position, and the inserts read from it. An
    /// unknown project numbers nothing, so nothing is written and no row comes back.
    private static func insertTogether(_ requests: [Request], on sql: any SQLDatabase) async throws
        -> [Result<TaskItem, any Error>]
    {
        let first = requests[0].task
        var items: [String] = []
        for (ordinal, request) in requests.enumerated() {
            let task = request.task
            let actor = request.scope.actor
            let fields: [String: JSONValue] = [
                "ordinal": .number(Double(ordinal + 1)), "id": .string(task.id), "title": .string(task.title),
                "description": task.description.map(JSONValue.string) ?? .null, "priority": .string(task.priority.rawValue),
                "priority_rank": .number(Double(task.priority.urgencyRank)), "labels": .string(TaskRow.labelsJSON(task.labels)),
                "label_keys": .array(TaskRow.labelKeys(task.labels).map(JSONValue.string)),
                "assignee_id": task.assigneeID.map(JSONValue.string) ?? .null,
                "due_date": task.dueDate.map { .string($0.description) } ?? .null,
                "parent_id": task.parentID.map(JSONValue.string) ?? .null, "created_by": .string(task.createdBy),
                "created_at": .number(Double(task.createdAt.milliseconds)),
                "started_at": task.startedAt.map { .number(Double($0.milliseconds)) } ?? .null,
                "completed_at": task.completedAt.map { .number(Double($0.milliseconds)) } ?? .null,
                "actor_type": .string(actor.type.rawValue), "actor_id": .string(actor.id), "actor_name": .string(actor.name),
            ]
            // The event's payload goes in as the JSON it already is; SQL sets its number, key and position.
            let payload = String(decoding: try createdEvent(task, actor: actor).data, as: UTF8.self)
            items.append(String(JSONValue.object(fields).jsonText.dropLast()) + #","payload":"# + payload + "}")
        }
        let rows = try await sql.raw(
            """
            WITH numbered AS (
                UPDATE projects SET next_task_number = next_task_number + \(bind: requests.count)
                WHERE id = \(bind: first.projectID) AND workspace_id = \(bind: first.workspaceID)
                RETURNING next_task_number - \(bind: requests.count) AS first_number, key,
                    (\(TaskRow.lastPositionQuery(in: first.status, workspace: first.workspaceID, excluding: nil))) AS bottom
            ), placed AS (
                SELECT item.*, numbered.first_number + item.ordinal - 1 AS number,
                    numbered.key || '-' || (numbered.first_number + item.ordinal - 1) AS task_key, slot.position
                FROM numbered
                CROSS JOIN jsonb_to_recordset(\(bind: "[" + items.joined(separator: ",") + "]")::jsonb) AS item(
                    ordinal bigint, id text, title text, description text, priority text, priority_rank bigint, labels text,
                    label_keys jsonb, assignee_id text, due_date text, parent_id text, created_by text, created_at bigint,
                    started_at bigint, completed_at bigint, actor_type text, actor_id text, actor_name text, payload jsonb)
                JOIN taskinfa_positions_after(numbered.bottom, \(bind: requests.count)) WITH ORDINALITY AS slot(position, ordinal)
                    ON slot.ordinal = item.ordinal
            ), new_tasks AS (
                INSERT INTO tasks \(insertedColumns)
                SELECT id, \(bind: first.workspaceID), \(bind: first.projectID), number, title, description,
                    \(bind: first.status.rawValue), \(bind: first.status.boardOrder), priority, priority_rank, labels,
                    assignee_id, due_date, parent_id, position, 1, created_by, created_at, created_at, started_at,
                    completed_at, created_at
                FROM placed ORDER BY ordinal
            ), new_labels AS (
                INSERT INTO task_labels (task_id, workspace_id, label)
                SELECT placed.id, \(bind: first.workspaceID), label
                FROM placed CROSS JOIN jsonb_array_elements_text(placed.label_keys) AS label
            ), new_events AS (
                INSERT INTO events (workspace_id, sequence, type, task_id, actor_type, actor_id, actor_name, data, created_at)
                SELECT workspaces.id, workspaces.event_sequence + placed.ordinal, \(bind: EventType.taskCreated.rawValue),
                    placed.id, placed.actor_type, placed.actor_id, placed.actor_name,
                    jsonb_set(jsonb_set(jsonb_set(placed.payload, '{task,number}', to_jsonb(placed.number)),
                        '{task,key}', to_jsonb(placed.task_key)), '{task,position}', to_jsonb(placed.position))::text,
                    placed.created_at
                FROM workspaces, placed WHERE workspaces.id = \(bind: first.workspaceID) ORDER BY placed.ordinal
            )
            SELECT ordinal, number, task_key, position FROM placed ORDER BY ordinal
            """
        ).all()
        guard rows.count == requests.count else { return requests.map { _ in .failure(unknownProject) } }
        return try zip(requests, rows).map { request, row in
            var task = request.task
            task.number = try row.int("number")
            task.key = try row.string("task_key")
            task.position = try row.string("position")
            return .success(task)
        }
    }

    /// The columns a new task's row is written with, in the order both inserts give them.
    private static let insertedColumns: SQLQueryString = """
        (id, workspace_id, project_id, number, title, description, status, status_order, priority, priority_rank, labels,
         assignee_id, due_date, parent_id, position, version, created_by, created_at, updated_at, started_at, completed_at,
         entered_status_at)
        """

    private static var unknownProject: ValidationError {
        ValidationError(field: "project_id", message: "is not a project of this workspace")
    }

    private static func createdEvent(_ task: TaskItem, actor: Actor) throws -> EventDraft {
        try EventDraft(type: .taskCreated, taskID: task.id, actor: actor, payload: EventPayload.TaskSnapshot(task: task))
    }
}
