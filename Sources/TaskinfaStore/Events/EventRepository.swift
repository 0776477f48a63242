import Foundation
import SQLKit
import TaskinfaCore

/// Reads the event log: the stream's catch-up, `?since=`, and the activity feeds.
public struct EventRepository: Sendable {
    let store: Store
    public static let maxPageSize = 500

    /// Events after `sequence`, oldest first.
    public func after(_ sequence: Int64, workspace: String, limit: Int) async throws -> [StoredEvent] {
        try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT * FROM events WHERE workspace_id = \(bind: workspace) AND sequence > \(bind: sequence)
                ORDER BY sequence LIMIT \(literal: limit)
                """
            ).all().map(Self.event(from:))
        }
    }

    /// The newest sequence number of the workspace (0 before its first event).
    public func latestSequence(workspace: String) async throws -> Int64 {
        try await store.database.read { sql in
            try await sql.raw("SELECT event_sequence FROM workspaces WHERE id = \(bind: workspace)").first()?
                .int64("event_sequence") ?? 0
        }
    }

    /// What happened in the workspace (or to one task), newest first, paged by sequence.
    public func activity(
        _ scope: WorkspaceScope, taskRef: String?, before: Int64?, limit: Int
    ) async throws -> Page<StoredEvent> {
        try await store.database.read { sql in
            var query: SQLQueryString = "SELECT * FROM events WHERE workspace_id = \(bind: scope.workspaceID)"
            if let taskRef {
                // A deleted task keeps its history: fall back to the raw id when it no longer resolves.
                let id = (try? await TaskRow.resolve(taskRef, scope: scope, on: sql)) ?? taskRef
                let exists = try await sql.raw(
                    "SELECT 1 AS found FROM events WHERE workspace_id = \(bind: scope.workspaceID) AND task_id = \(bind: id) LIMIT 1"
                ).first() != nil
                if !exists { throw NotFoundError("task", id: taskRef) }
                query += " AND task_id = \(bind: id)"
            }
            if let before { query += " AND sequence < \(bind: before)" }
            query += " ORDER BY sequence DESC LIMIT \(literal: limit + 1)"
            let rows = try await sql.raw(query).all()
            let events = try rows.prefix(limit).map(Self.event(from:))
            let next = rows.count > limit ? events.last.map {
                PageCursor(sort: "sequence", direction: "desc", values: [.int($0.sequence)]).encoded()
            } : nil
            return Page(items: events, nextCursor: next)
        }
    }

    static func event(from row: any SQLRow) throws -> StoredEvent {
        StoredEvent(
            workspaceID: try row.string("workspace_id"), sequence: try row.int64("sequence"), type: try row.string("type"),
            taskID: try row.optionalString("task_id"),
            actor: Actor(
                type: Actor.Kind(rawValue: try row.string("actor_type")) ?? .system, id: try row.string("actor_id"),
                name: try row.string("actor_name")),
            data: try row.string("data"), createdAt: try row.date("created_at"))
    }
}
