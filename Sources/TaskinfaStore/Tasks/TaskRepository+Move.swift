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
            // The task and what its placement needs (the reference tasks and their neighbours, or
            // the column's bottom) in one statement: one round trip under the lock on PostgreSQL.
            let (old, row) = try await Self.loadForChange(
                ref, expectedVersion: expectedVersion, alongside: Self.placementColumns(placement, in: status, scope: scope),
                scope: scope, on: sql)
            var task = old
            let position = try Self.position(for: placement, in: status, moving: old.id, from: row)
            try await Claims.place(&task, in: status, at: position, scope: scope, now: now, on: sql)
            return try await Self.commit(task, replacing: old, type: .taskMoved, scope: scope, at: now, on: sql)
        }
    }

    /// The position key for a placement in a column, never equal to a neighbour's, from the
    /// columns `placementColumns` read.
    static func position(for placement: Placement, in status: TaskStatus, moving id: String, from row: any SQLRow) throws -> String {
        switch placement {
        case .bottom:
            return try Rank.between(try row.optionalString("bottom_position"), nil)
        case .before:
            let anchor = try reference(.before, in: status, moving: id, from: row)
            return try Rank.between(anchor.neighbour, anchor.position)
        case .after:
            let anchor = try reference(.after, in: status, moving: id, from: row)
            return try Rank.between(anchor.position, anchor.neighbour)
        case .between:
            let lower = try reference(.after, in: status, moving: id, from: row)
            let upper = try reference(.before, in: status, moving: id, from: row)
            // The client saw these two next to each other; if that is no longer so, say so.
            guard lower.neighbour == upper.position, lower.position < upper.position else {
                throw ConflictError("after_id and before_id are no longer next to each other; reload the column")
            }
            return try Rank.between(lower.position, upper.position)
        }
    }

    /// A task a placement names: `before_id` (the card goes right above it, so its neighbour above
    /// matters) or `after_id` (right below it: its neighbour below). Also the columns' prefix.
    private enum Reference: String {
        case before
        case after

        var field: String { rawValue + "_id" }
    }

    /// The columns a placement needs, read beside the moved task `t`: the column's bottom, or for
    /// each reference task its id, status, position and neighbour (`after_neighbour` only where a
    /// placement after it needs one), leaving the moved task out.
    static func placementColumns(_ placement: Placement, in status: TaskStatus, scope: WorkspaceScope) -> SQLQueryString {
        let column: SQLQueryString = "n.workspace_id = \(bind: scope.workspaceID) AND n.status_order = \(literal: status.boardOrder) AND n.id <> t.id"
        switch placement {
        case .bottom:
            return ", (\(TaskRow.lastPositionQuery(in: status, workspace: scope.workspaceID, excludingID: "t.id"))) AS bottom_position"
        case .before(let ref):
            return referenceColumns(.before, ref, neighbourIn: column, scope: scope)
        case .after(let ref):
            return referenceColumns(.after, ref, neighbourIn: column, scope: scope)
        case .between(let after, let before):
            return referenceColumns(.after, after, neighbourIn: column, scope: scope)
                + referenceColumns(.before, before, neighbourIn: nil, scope: scope)
        }
    }

    private static func referenceColumns(
        _ reference: Reference, _ ref: String, neighbourIn column: SQLQueryString?, scope: WorkspaceScope
    ) -> SQLQueryString {
        let found = TaskRow.matching(ref, alias: "r", scope: scope)
        let prefix = reference.rawValue
        var columns: SQLQueryString = """
            , (SELECT r.id FROM tasks r WHERE \(found)) AS \(unsafeRaw: prefix)_id,
            (SELECT r.status FROM tasks r WHERE \(found)) AS \(unsafeRaw: prefix)_status,
            (SELECT r.position FROM tasks r WHERE \(found)) AS \(unsafeRaw: prefix)_position
            """
        if let column {
            let side: SQLQueryString =
                switch reference {
                case .before: "(n.position < r.position OR (n.position = r.position AND n.id < r.id)) ORDER BY n.position DESC, n.id DESC"
                case .after: "(n.position > r.position OR (n.position = r.position AND n.id > r.id)) ORDER BY n.position, n.id"
                }
            columns += ", (SELECT n.position FROM tasks r, tasks n WHERE \(found) AND \(column) AND \(side) LIMIT 1) AS \(unsafeRaw: prefix)_neighbour"
        }
        return columns
    }

    /// A reference task as `placementColumns` read it, checked: another task, in the target column.
    private static func reference(_ reference: Reference, in status: TaskStatus, moving id: String, from row: any SQLRow) throws
        -> (position: String, neighbour: String?)
    {
        let prefix = reference.rawValue
        guard let refID = try row.optionalString(prefix + "_id") else {
            throw ValidationError(field: reference.field, message: "is not a task of this workspace")
        }
        if refID == id { throw ValidationError(field: reference.field, message: "must be another task than the one moved") }
        guard try row.string(prefix + "_status") == status.rawValue else {
            throw ValidationError(field: reference.field, message: "is not in the target column (\(status.rawValue))")
        }
        let neighbour = row.contains(column: prefix + "_neighbour") ? try row.optionalString(prefix + "_neighbour") : nil
        return (try row.string(prefix + "_position"), neighbour)
    }
}
