import Foundation

/// A bot worker: a `taskinfa worker` process somewhere, known to the workspace by its API key.
public struct Worker: Codable, Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var specializations: [String]
    public var configuration: WorkerConfiguration
    /// What the worker last reported.
    public var reportedStatus: WorkerStatus
    /// The worker's own words about its state, when it is in error (what its host refused, why the
    /// agent can't start).
    public var statusMessage: String?
    public var currentTaskID: String?
    public var currentLoop: Int?
    public var lastHeartbeatAt: Date?
    public var tasksSucceeded: Int
    public var tasksFailed: Int
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    /// A disabled worker keeps its key and heartbeat but is given no work.
    public var disabledAt: Date?

    public init(
        id: String, workspaceID: String, name: String, specializations: [String], configuration: WorkerConfiguration,
        reportedStatus: WorkerStatus, statusMessage: String? = nil, currentTaskID: String?, currentLoop: Int?,
        lastHeartbeatAt: Date?, tasksSucceeded: Int, tasksFailed: Int, createdBy: String, createdAt: Date, updatedAt: Date,
        disabledAt: Date? = nil
    ) {
        self.disabledAt = disabledAt
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.specializations = specializations
        self.configuration = configuration
        self.reportedStatus = reportedStatus
        self.statusMessage = statusMessage
        self.currentTaskID = currentTaskID
        self.currentLoop = currentLoop
        self.lastHeartbeatAt = lastHeartbeatAt
        self.tasksSucceeded = tasksSucceeded
        self.tasksFailed = tasksFailed
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Offline when it never spoke or has been silent for longer than `offlineAfter`; otherwise
    /// what it reported.
    public func status(at now: Date, offlineAfter: TimeInterval) -> WorkerStatus {
        guard let last = lastHeartbeatAt, now.timeIntervalSince(last) <= offlineAfter else { return .offline }
        return reportedStatus
    }

    public var actor: Actor { Actor(type: .bot, id: id, name: name) }

    enum CodingKeys: String, CodingKey {
        case id, name, specializations, configuration
        case workspaceID = "workspace_id"
        case reportedStatus = "reported_status"
        case statusMessage = "status_message"
        case currentTaskID = "current_task_id"
        case currentLoop = "current_loop"
        case lastHeartbeatAt = "last_heartbeat_at"
        case tasksSucceeded = "tasks_succeeded"
        case tasksFailed = "tasks_failed"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
        case updatedAt = "updated_at"
    }

    public static func validName(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "name", maxLength: 100)
    }

    public static func validSpecializations(_ raw: [String]) throws -> [String] {
        try TaskRules.labels(raw, field: "specializations")
    }

    /// What a worker may say about its state in a heartbeat.
    public static func validStatusMessage(_ raw: String?) throws -> String? {
        try TextRules.body(raw, field: "message", maxLength: 2000)
    }
}

public enum WorkerStatus: String, Codable, CaseIterable, Sendable {
    case idle
    case working
    case error
    case offline
}
