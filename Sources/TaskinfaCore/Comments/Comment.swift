import Foundation

/// The original's comment types (§6.7). `human_message` asks an agent to answer ("Send to AI").
public enum CommentKind: String, Codable, CaseIterable, Sendable {
    case comment
    case progress
    case question
    case summary
    case error
    case humanMessage = "human_message"

    public static func parse(_ raw: String, field: String = "type") throws -> CommentKind {
        guard let kind = CommentKind(rawValue: raw) else {
            throw ValidationError(
                field: field, message: "must be one of comment, progress, question, summary, error, human_message")
        }
        return kind
    }
}

/// A comment on a task. Its author is always the authenticated caller, never a request field
/// (the original took it from the body, §10.4 #7).
public struct Comment: Codable, Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var taskID: String
    public var author: Actor
    public var kind: CommentKind
    public var body: String
    public var loopNumber: Int?
    public var createdAt: Date
    /// The person's message this answers (a bot's reply to "Send to AI").
    public var replyTo: String?

    public init(
        id: String, workspaceID: String, taskID: String, author: Actor, kind: CommentKind, body: String,
        loopNumber: Int?, createdAt: Date, replyTo: String? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.taskID = taskID
        self.author = author
        self.kind = kind
        self.body = body
        self.loopNumber = loopNumber
        self.createdAt = createdAt
        self.replyTo = replyTo
    }

    enum CodingKeys: String, CodingKey {
        case id, author, body
        case kind = "type"
        case workspaceID = "workspace_id"
        case taskID = "task_id"
        case loopNumber = "loop_number"
        case createdAt = "created_at"
        case replyTo = "reply_to"
    }

    public static let maxBodyLength = 20_000

    public static func validBody(_ raw: String) throws -> String {
        try TextRules.requiredBody(raw, field: "body", maxLength: maxBodyLength)
    }

    public static func validLoopNumber(_ raw: Int?) throws -> Int? {
        guard let raw else { return nil }
        guard (0...100_000).contains(raw) else {
            throw ValidationError(field: "loop_number", message: "must be between 0 and 100000")
        }
        return raw
    }
}
