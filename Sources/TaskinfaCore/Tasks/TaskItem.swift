import Foundation

/// A task on the board. (Named `TaskItem` so it never shadows Swift's `Task`.)
/// Its JSON form is the API's `Task` schema, and it is what task events carry.
public struct TaskItem: Codable, Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var projectID: String
    public var number: Int
    /// The human key, `WEB-42`: the project's current key and the task's number in it.
    public var key: String
    public var title: String
    public var description: String?
    public var status: TaskStatus
    public var priority: TaskPriority
    public var labels: [String]
    public var assigneeID: String?
    public var dueDate: CalendarDate?
    public var parentID: String?
    /// Order inside the column: compare as byte strings (see `Rank`).
    public var position: String
    /// Optimistic-concurrency version, the task's ETag; bumped by every change.
    public var version: Int
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var completedAt: Date?
    /// The agent side (read-only through the API): the worker holding the claim and its execution.
    public var agent = AgentState()
    /// Counts around the task, when the read asked for them (not part of the task's history).
    public var summary: TaskSummary?

    public init(
        id: String, workspaceID: String, projectID: String, number: Int, key: String, title: String,
        description: String?, status: TaskStatus, priority: TaskPriority, labels: [String], assigneeID: String?,
        dueDate: CalendarDate?, parentID: String?, position: String, version: Int, createdBy: String,
        createdAt: Date, updatedAt: Date, startedAt: Date?, completedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.projectID = projectID
        self.number = number
        self.key = key
        self.title = title
        self.description = description
        self.status = status
        self.priority = priority
        self.labels = labels
        self.assigneeID = assigneeID
        self.dueDate = dueDate
        self.parentID = parentID
        self.position = position
        self.version = version
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, number, key, title, description, status, priority, labels, position, version
        case workspaceID = "workspace_id"
        case projectID = "project_id"
        case assigneeID = "assignee_id"
        case dueDate = "due_date"
        case parentID = "parent_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case agent
    }

    public var lifecycle: TaskLifecycle {
        get { TaskLifecycle(startedAt: startedAt, completedAt: completedAt) }
        set {
            startedAt = newValue.startedAt
            completedAt = newValue.completedAt
        }
    }

    /// The ETag of this version (RFC 9110 §8.8.3, strong).
    public var etag: String { "\"\(version)\"" }
}

/// A task's state on the agent side: who works on it now, how earlier attempts went, where the work is.
public struct AgentState: Codable, Equatable, Sendable {
    public var claimedBy: String?
    public var executionID: String?
    public var failedAttempts: Int
    /// Out of the queue until a person looks at it (retries used up, agent blocked, cancelled).
    public var flaggedAt: Date?
    public var flagReason: String?
    public var branch: String?
    public var commit: String?
    /// A person asked the agent something that has no answer yet.
    public var awaitingReplySince: Date?

    public init(
        claimedBy: String? = nil, executionID: String? = nil, failedAttempts: Int = 0, flaggedAt: Date? = nil,
        flagReason: String? = nil, branch: String? = nil, commit: String? = nil, awaitingReplySince: Date? = nil
    ) {
        self.claimedBy = claimedBy
        self.executionID = executionID
        self.failedAttempts = failedAttempts
        self.flaggedAt = flaggedAt
        self.flagReason = flagReason
        self.branch = branch
        self.commit = commit
        self.awaitingReplySince = awaitingReplySince
    }

    enum CodingKeys: String, CodingKey {
        case branch, commit
        case claimedBy = "claimed_by"
        case executionID = "execution_id"
        case failedAttempts = "failed_attempts"
        case flaggedAt = "flagged_at"
        case flagReason = "flag_reason"
        case awaitingReplySince = "awaiting_reply_since"
    }
}
