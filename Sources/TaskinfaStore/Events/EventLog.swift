import Foundation
import SQLKit
import TaskinfaCore

/// Appends domain events inside the writing transaction. The workspace's counter gives each event
/// the next sequence number; writers of one workspace are serialised (see `Database.write`), so
/// sequences commit in order and without gaps, which is what makes `Last-Event-ID` resumption exact.
enum EventLog {
    /// One statement: the next sequence comes from the workspace's counter, and a trigger moves
    /// the counter on (migration 3). Nobody reads it back, so on PostgreSQL it goes with the
    /// write's other queued statements (`runLater`). A workspace that no longer exists gets no
    /// event; every write that appends one holds that workspace's lock and has read its rows.
    static func append(_ draft: EventDraft, workspace: String, on sql: any SQLDatabase, at now: Date) async throws {
        try await sql.runLater(
            """
            INSERT INTO events (workspace_id, sequence, type, task_id, actor_type, actor_id, actor_name, data, created_at)
            SELECT id, event_sequence + 1, \(bind: draft.type.rawValue), \(bind: draft.taskID),
                   \(bind: draft.actor.type.rawValue), \(bind: draft.actor.id), \(bind: draft.actor.name),
                   \(bind: String(decoding: draft.data, as: UTF8.self)), \(bind: now.milliseconds)
            FROM workspaces WHERE id = \(bind: workspace)
            """, table: "events")
    }
}
