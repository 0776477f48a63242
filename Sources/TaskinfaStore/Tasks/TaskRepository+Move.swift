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
        switch placement {
        case .bottom:
            let last = try await TaskRow.lastPosition(in: status, workspace: scope.workspaceID, excluding: id, on: sql)
            return try Rank.between(last, nil)
        case .before(let ref):
            let anchor = try await reference(ref, field: "before_id", in: status, moving: id, neighbour: .above, scope: scope, on: sql)
            return try Rank.between(anchor.neighbour, anchor.position)
        case .after(let ref):
            let anchor = try await reference(ref, field: "after_id", in: status, moving: id, neighbour: .below, scope: scope, on: sql)
            return try Rank.between(anchor.position, anchor.neighbour)
        case .between(let afterRef, let beforeRef):
            let lower = try await reference(afterRef, field: "after_id", in: status, moving: id, neighbour: .below, scope: scope, on: sql)
            let upper = try await reference(beforeRef, field: "before_id", in: status, moving: id, neighbour: nil, scope: scope, on: sql)
            // The client saw these two next to each other; if that is no longer so, say so.
            guard lower.neighbour == upper.position, lower.position < upper.position else {
                throw ConflictError("after_id and before_id are no longer next to each other; reload the column")
            }
            return try Rank.between(lower.position, upper.position)
        }
    }

    /// Which neighbour of a reference task a placement needs: the card right above it or right below.
    private enum Side {
        case above
        case below
    }

    /// The task a placement names (`field`), which must be another task of the target column: its
    /// position, and the position of its neighbour on `side` in that column (leaving out the task
    /// moved; nil at the column's end). One statement, so that a move holds its workspace's lock
    /// for one round trip fewer on PostgreSQL.
    private static func reference(
        _ ref: String, field: String, in status: TaskStatus, moving id: String, neighbour side: Side?, scope: WorkspaceScope,
        on sql: any SQLDatabase
    ) async throws -> (position: String, neighbour: String?) {
        let refID: String
        do {
            refID = try await TaskRow.resolve(ref, scope: scope, on: sql)
        } catch is NotFoundError {
            throw ValidationError(field: field, message: "is not a task of this workspace")
        }
        if refID == id { throw ValidationError(field: field, message: "must be another task than the one moved") }
        let order: SQLQueryString? =
            switch side {
            case .above?: "(n.position < r.position OR (n.position = r.position AND n.id < r.id)) ORDER BY n.position DESC, n.id DESC"
            case .below?: "(n.position > r.position OR (n.position = r.position AND n.id > r.id)) ORDER BY n.position, n.id"
            case nil: nil
            }
        let neighbour: SQLQueryString =
            order.map { order in
                """
                (SELECT n.position FROM tasks n
                 WHERE n.workspace_id = \(bind: scope.workspaceID) AND n.status_order = \(literal: status.boardOrder)
                   AND n.id <> \(bind: id) AND \(order) LIMIT 1)
                """
            } ?? "NULL"
        guard
            let row = try await sql.raw(
                """
                SELECT r.position, r.status, \(neighbour) AS neighbour FROM tasks r
                WHERE r.id = \(bind: refID) AND r.workspace_id = \(bind: scope.workspaceID)
                """
            ).first()
        else { throw ValidationError(field: field, message: "is not a task of this workspace") }
        guard try row.string("status") == status.rawValue else {
            throw ValidationError(field: field, message: "is not in the target column (\(status.rawValue))")
        }
        return (try row.string("position"), try row.optionalString("neighbour"))
    }
}
