import Foundation
import SQLKit
import TaskinfaCore

/// "This task depends on that one" edges. A `blocks` edge keeps the task out of the agents' queue
/// until the other task is done; cycles of blocking edges are refused.
public struct DependencyRepository: Sendable {
    let store: Store

    public struct Edge: Sendable, Equatable {
        public var task: TaskItem
        public var other: TaskItem
        public var kind: DependencyKind
        public var createdAt: Date
    }

    public func add(_ scope: WorkspaceScope, taskRef: String, dependsOn otherRef: String, kind: DependencyKind) async throws
        -> Edge
    {
        try scope.requireInSomeProject(.updateTask)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            try scope.require(.updateTask, inProject: task.projectID)
            try await Claims.checkFence(task, scope: scope, on: sql)
            let other: TaskItem
            do {
                other = try await TaskRow.load(ref: otherRef, scope: scope, on: sql).task
            } catch is NotFoundError {
                throw ValidationError(field: "depends_on_task_id", message: "is not a task of this workspace")
            }
            if other.id == task.id {
                throw ValidationError(field: "depends_on_task_id", message: "must be another task")
            }
            if kind == .blocks {
                let rows = try await sql.raw(
                    """
                    SELECT task_id, depends_on_task_id FROM task_dependencies
                    WHERE workspace_id = \(bind: scope.workspaceID) AND kind = 'blocks'
                    """
                ).all()
                var edges: [String: [String]] = [:]
                for row in rows { edges[try row.string("task_id"), default: []].append(try row.string("depends_on_task_id")) }
                if DependencyGraph.wouldCycle(adding: task.id, dependsOn: other.id, edges: edges) {
                    throw ValidationError(
                        field: "depends_on_task_id", message: "would create a cycle: \(other.key) already depends on \(task.key)")
                }
            }
            do {
                try await sql.raw(
                    """
                    INSERT INTO task_dependencies (task_id, depends_on_task_id, workspace_id, kind, created_by, created_at)
                    VALUES (\(bind: task.id), \(bind: other.id), \(bind: scope.workspaceID), \(bind: kind.rawValue),
                            \(bind: scope.actor.id), \(bind: now.milliseconds))
                    """
                ).run()
            } catch where ConstraintViolation.isUnique(error) {
                throw ConflictError("\(task.key) already depends on \(other.key)", field: "depends_on_task_id")
            }
            try await EventLog.append(
                EventDraft(
                    type: .dependencyAdded, taskID: task.id, actor: scope.actor,
                    payload: EventPayload.DependencySnapshot(taskID: task.id, dependsOnTaskID: other.id, kind: kind)),
                workspace: scope.workspaceID, on: sql, at: now)
            return Edge(task: task, other: other, kind: kind, createdAt: now)
        }
    }

    /// What the task depends on, and what depends on it.
    public func list(_ scope: WorkspaceScope, taskRef: String) async throws -> (dependsOn: [Edge], dependents: [Edge]) {
        try await store.database.read { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            func edges(_ condition: SQLQueryString, otherColumn: String) async throws -> [Edge] {
                let rows = try await sql.raw(
                    "SELECT * FROM task_dependencies WHERE workspace_id = \(bind: scope.workspaceID) AND " + condition
                        + " ORDER BY created_at"
                ).all()
                var result: [Edge] = []
                for row in rows {
                    let other = try await TaskRow.load(try row.string(otherColumn), scope: scope, on: sql)
                    result.append(
                        Edge(
                            task: task, other: other, kind: DependencyKind(rawValue: try row.string("kind")) ?? .relatesTo,
                            createdAt: try row.date("created_at")))
                }
                return result
            }
            return (
                try await edges("task_id = \(bind: task.id)", otherColumn: "depends_on_task_id"),
                try await edges("depends_on_task_id = \(bind: task.id)", otherColumn: "task_id")
            )
        }
    }

    public func remove(_ scope: WorkspaceScope, taskRef: String, dependsOn otherRef: String) async throws {
        try scope.requireInSomeProject(.updateTask)
        let now = store.now()
        try await store.database.write(workspace: scope.workspaceID) { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            try scope.require(.updateTask, inProject: task.projectID)
            try await Claims.checkFence(task, scope: scope, on: sql)
            let otherID = (try? await TaskRow.resolve(otherRef, scope: scope, on: sql)) ?? otherRef
            guard
                let row = try await sql.raw(
                    """
                    DELETE FROM task_dependencies WHERE task_id = \(bind: task.id) AND depends_on_task_id = \(bind: otherID)
                    RETURNING kind
                    """
                ).first()
            else { throw NotFoundError("dependency", id: otherRef) }
            try await EventLog.append(
                EventDraft(
                    type: .dependencyRemoved, taskID: task.id, actor: scope.actor,
                    payload: EventPayload.DependencySnapshot(
                        taskID: task.id, dependsOnTaskID: otherID,
                        kind: DependencyKind(rawValue: try row.string("kind")) ?? .relatesTo)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
    }
}
