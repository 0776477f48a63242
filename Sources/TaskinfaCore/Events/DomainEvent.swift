import Foundation

/// The kinds of domain events. Every mutation appends one in its own transaction; the event
/// stream, the activity feeds (and later webhooks and automation) all read them.
public enum EventType: String, Codable, CaseIterable, Sendable {
    case taskCreated = "task.created"
    case taskUpdated = "task.updated"
    case taskMoved = "task.moved"
    case taskDeleted = "task.deleted"
    case commentCreated = "comment.created"
    case projectCreated = "project.created"
    case projectUpdated = "project.updated"
    case projectDeleted = "project.deleted"
    case workspaceCreated = "workspace.created"
    case workspaceUpdated = "workspace.updated"
    case memberJoined = "member.joined"
    case apiKeyCreated = "api_key.created"
    case apiKeyUpdated = "api_key.updated"
    case apiKeyRevoked = "api_key.revoked"
    case workerCreated = "worker.created"
    case workerUpdated = "worker.updated"
    case workerDeleted = "worker.deleted"
    case executionStarted = "execution.started"
    case executionUpdated = "execution.updated"
    case executionFinished = "execution.finished"
    case dependencyAdded = "dependency.added"
    case dependencyRemoved = "dependency.removed"
}

/// An event about to be appended: its payload is already JSON.
public struct EventDraft: Sendable {
    public var type: EventType
    public var taskID: String?
    public var actor: Actor
    public var data: Data

    public init<Payload: Encodable>(type: EventType, taskID: String? = nil, actor: Actor, payload: Payload) throws {
        self.type = type
        self.taskID = taskID
        self.actor = actor
        self.data = try JSONText.encode(payload)
    }
}

/// An appended event. `sequence` counts up per workspace without gaps; it is the SSE event id.
public struct StoredEvent: Equatable, Sendable {
    public var workspaceID: String
    public var sequence: Int64
    public var type: String
    public var taskID: String?
    public var actor: Actor
    /// The payload as stored: a JSON object.
    public var data: String
    public var createdAt: Date

    public init(
        workspaceID: String, sequence: Int64, type: String, taskID: String?, actor: Actor, data: String,
        createdAt: Date
    ) {
        self.workspaceID = workspaceID
        self.sequence = sequence
        self.type = type
        self.taskID = taskID
        self.actor = actor
        self.data = data
        self.createdAt = createdAt
    }
}
