import Foundation
import SQLKit
import TaskinfaCore

public struct CommentRepository: Sendable {
    let store: Store
    public static let maxPageSize = 200

    /// Adds a comment by the scope's actor (viewers may comment too).
    public func create(
        _ scope: WorkspaceScope, taskRef: String, kind: CommentKind, body: String, loopNumber: Int?
    ) async throws -> Comment {
        try scope.require(.comment)
        if scope.isWorker && kind == .humanMessage {
            throw ValidationError(field: "type", message: "human_message is a person's message to the agents; an agent can't post one")
        }
        let now = store.now()
        let id = store.random.id(.comment)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            // Any task: bots comment on the whole board, as a bot (never a person's message).
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            let comment = Comment(
                id: id, workspaceID: scope.workspaceID, taskID: task.id, author: scope.actor, kind: kind, body: body,
                loopNumber: loopNumber, createdAt: now)
            try await Self.insert(comment, taskKey: task.key, on: sql)
            // A person's question to the agent waits for a worker to answer it (see `claim`).
            if kind == .humanMessage {
                try await sql.raw(
                    """
                    UPDATE tasks SET awaiting_reply_since = COALESCE(awaiting_reply_since, \(bind: now.milliseconds))
                    WHERE id = \(bind: task.id)
                    """
                ).run()
            }
            return comment
        }
    }

    /// Writes a comment and its event (also used for the comments the server writes itself).
    static func insert(_ comment: Comment, taskKey: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO comments (id, workspace_id, task_id, author_type, author_id, author_name, type, body,
                                  loop_number, created_at, reply_to)
            VALUES (\(bind: comment.id), \(bind: comment.workspaceID), \(bind: comment.taskID),
                    \(bind: comment.author.type.rawValue), \(bind: comment.author.id), \(bind: comment.author.name),
                    \(bind: comment.kind.rawValue), \(bind: comment.body), \(bind: comment.loopNumber),
                    \(bind: comment.createdAt.milliseconds), \(bind: comment.replyTo))
            """
        ).run()
        try await EventLog.append(
            EventDraft(
                type: .commentCreated, taskID: comment.taskID, actor: comment.author,
                payload: EventPayload.CommentAdded(comment: comment, taskKey: taskKey)),
            workspace: comment.workspaceID, on: sql, at: comment.createdAt)
    }

    /// A task's comments, oldest first, paged by (created_at, id).
    public func list(_ scope: WorkspaceScope, taskRef: String, limit: Int, cursor: PageCursor?) async throws -> Page<Comment> {
        try await store.database.read { sql in
            let task = try await TaskRow.load(ref: taskRef, scope: scope, on: sql).task
            var query: SQLQueryString =
                "SELECT * FROM comments WHERE task_id = \(bind: task.id) AND workspace_id = \(bind: scope.workspaceID)"
            if let cursor, cursor.values.count == 2, case .int(let at) = cursor.values[0], case .string(let id) = cursor.values[1] {
                query += " AND (created_at > \(bind: at) OR (created_at = \(bind: at) AND id > \(bind: id)))"
            }
            query += " ORDER BY created_at, id LIMIT \(literal: limit + 1)"
            let rows = try await sql.raw(query).all()
            let comments = try rows.prefix(limit).map(Self.comment(from:))
            let next = rows.count > limit ? comments.last.map {
                PageCursor(sort: "created_at", direction: "asc", values: [.int($0.createdAt.milliseconds), .string($0.id)]).encoded()
            } : nil
            return Page(items: comments, nextCursor: next)
        }
    }

    static func comment(from row: any SQLRow) throws -> Comment {
        Comment(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), taskID: try row.string("task_id"),
            author: Actor(
                type: Actor.Kind(rawValue: try row.string("author_type")) ?? .user, id: try row.string("author_id"),
                name: try row.string("author_name")),
            kind: try CommentKind.parse(row.string("type")), body: try row.string("body"),
            loopNumber: try row.optionalInt("loop_number"), createdAt: try row.date("created_at"),
            replyTo: try row.optionalString("reply_to"))
    }
}
