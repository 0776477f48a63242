import Foundation
import SQLKit
import TaskinfaCore

/// Appends domain events inside the writing transaction. The workspace's counter gives each event
/// the next sequence number; writers of one workspace are serialised (see `Database.write`), so
/// sequences commit in order and without gaps, which is what makes `Last-Event-ID` resumption exact.
enum EventLog {
    @discardableResult
    static func append(
        _ draft: EventDraft, workspace: String, on sql: any SQLDatabase, at now: Date
    ) async throws -> Int64 {
        // One statement: the next sequence comes from the workspace's counter, and a trigger moves
        // the counter on (migration 3).
        guard
            let row = try await sql.raw(
                """
                INSERT INTO events (workspace_id, sequence, type, task_id, actor_type, actor_id, actor_name, data, created_at)
                SELECT id, event_sequence + 1, \(bind: draft.type.rawValue), \(bind: draft.taskID),
                       \(bind: draft.actor.type.rawValue), \(bind: draft.actor.id), \(bind: draft.actor.name),
                       \(bind: String(decoding: draft.data, as: UTF8.self)), \(bind: now.milliseconds)
                FROM workspaces WHERE id = \(bind: workspace)
                RETURNING sequence
                """
            ).first()
        else { throw NotFoundError("workspace", id: workspace) }
        return try row.int64("sequence")
    }
}
