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
        guard
            let row = try await sql.raw(
                """
                UPDATE workspaces SET event_sequence = event_sequence + 1 WHERE id = \(bind: workspace)
                RETURNING event_sequence
                """
            ).first()
        else { throw NotFoundError("workspace", id: workspace) }
        let sequence = try row.int64("event_sequence")
        try await sql.raw(
            """
            INSERT INTO events (workspace_id, sequence, type, task_id, actor_type, actor_id, actor_name, data, created_at)
            VALUES (\(bind: workspace), \(bind: sequence), \(bind: draft.type.rawValue), \(bind: draft.taskID),
                    \(bind: draft.actor.type.rawValue), \(bind: draft.actor.id), \(bind: draft.actor.name),
                    \(bind: String(decoding: draft.data, as: UTF8.self)), \(bind: now.milliseconds))
            """
        ).run()
        return sequence
    }
}
