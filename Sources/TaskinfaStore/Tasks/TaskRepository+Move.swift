import Foundation
import SQLKit
import TaskinfaCore

extension TaskRepository {
    /// Changes a task's column and/or place in one step. The task lands right before or after the
    /// reference task (which must be in the target column), or at the bottom; only its own row
    /// gets a new position key.
    public func move(
        _ scope: WorkspaceScope, _ ref: String, to status: TaskStatus, placement: Placement, expectedVersion: Int?
    ) async throws -> TaskItem {
        try scope.requireInSomeProject(.updateTask)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let old = try await Self.loadForChange(ref, expectedVersion: expectedVersion, scope: scope, on: sql)
            var task = old
            let position = try await Self.position(for: placement, in: status, moving: old.id, scope: scope, on: sql)
            try await Claims.place(&task, in: status, at: position, scope: scope, now: now, on: sql)
            return try await Self.commit(task, replacing: old, type: .taskMoved, scope: scope, at: now, on: sql)
        }
    }

    /// The position key for a placement in a column, never equal to a neighbour's.
    static func position(
        for placement: Placement, in status: TaskStatus, moving id: String, scope: WorkspaceScope,
        on sql: any SQLDatabase
    ) async throws -> String {
        func reference(_ ref: String, field: String) async throws -> (id: String, position: String) {
            let refID: String
            do {
                refID = try await TaskRow.resolve(ref, scope: scope, on: sql)
            } catch is NotFoundError {
                throw ValidationError(field: field, message: "is not a task of this workspace")
            }
            if refID == id { throw ValidationError(field: field, message: "must be another task than the one moved") }
            guard
                let row = try await sql.raw(
                    """
                    SELECT position, status FROM tasks WHERE id = \(bind: refID) AND workspace_id = \(bind: scope.workspaceID)
                    """
                ).first()
            else { throw ValidationError(field: field, message: "is not a task of this workspace") }
            guard try row.string("status") == status.rawValue else {
                throw ValidationError(field: field, message: "is not in the target column (\(status.rawValue))")
            }
            return (refID, try row.string("position"))
        }
        func neighbour(of anchor: (id: String, position: String), above: Bool) async throws -> String? {
            let comparison: SQLQueryString =
                above
                ? "(position < \(bind: anchor.position) OR (position = \(bind: anchor.position) AND id < \(bind: anchor.id))) ORDER BY position DESC, id DESC"
                : "(position > \(bind: anchor.position) OR (position = \(bind: anchor.position) AND id > \(bind: anchor.id))) ORDER BY position, id"
            return try await sql.raw(
                """
                SELECT position FROM tasks
                WHERE workspace_id = \(bind: scope.workspaceID) AND status_order = \(literal: status.boardOrder)
                  AND id <> \(bind: id) AND \(comparison) LIMIT 1
                """
            ).first()?.string("position")
        }

        switch placement {
        case .bottom:
            let last = try await TaskRow.lastPosition(in: status, workspace: scope.workspaceID, excluding: id, on: sql)
            return try Rank.between(last, nil)
        case .before(let ref):
            let anchor = try await reference(ref, field: "before_id")
            return try Rank.between(try await neighbour(of: anchor, above: true), anchor.position)
        case .after(let ref):
            let anchor = try await reference(ref, field: "after_id")
            return try Rank.between(anchor.position, try await neighbour(of: anchor, above: false))
        case .between(let afterRef, let beforeRef):
            let lower = try await reference(afterRef, field: "after_id")
            let upper = try await reference(beforeRef, field: "before_id")
            // The client saw these two next to each other; if that is no longer so, say so.
            guard try await neighbour(of: lower, above: false) == upper.position, lower.position < upper.position else {
                throw ConflictError("after_id and before_id are no longer next to each other; reload the column")
            }
            return try Rank.between(lower.position, upper.position)
        }
    }
}
