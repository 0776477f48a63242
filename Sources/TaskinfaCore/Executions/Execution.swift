import Foundation

/// One attempt of a worker at a task (or at answering a message on it), from claim to finish.
public struct Execution: Codable, Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var taskID: String
    public var workerID: String
    public var kind: ExecutionKind
    public var status: ExecutionStatus
    /// Which attempt at the task this is (1 = first).
    public var attempt: Int
    public var leaseExpiresAt: Date
    public var startedAt: Date
    public var finishedAt: Date?
    public var loops: Int
    public var errors: Int
    public var filesChanged: [String]
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    public var branch: String?
    public var commit: String?
    public var summary: String?
    /// Why it stopped (a breaker, the agent's reason, a lease expiry).
    public var reason: String?
    public var cancelRequestedAt: Date?
    /// The agent said it is done (MCP `complete_execution`); the worker wraps up after the loop.
    public var completionRequestedAt: Date?
    public var completionSummary: String?
    /// The agent CLI and model the worker was configured with when it claimed the work.
    public var executor: String?
    public var model: String?

    public init(
        id: String, workspaceID: String, taskID: String, workerID: String, kind: ExecutionKind, status: ExecutionStatus,
        attempt: Int, leaseExpiresAt: Date, startedAt: Date, finishedAt: Date? = nil, loops: Int = 0, errors: Int = 0,
        filesChanged: [String] = [], inputTokens: Int? = nil, outputTokens: Int? = nil, costUSD: Double? = nil,
        branch: String? = nil, commit: String? = nil, summary: String? = nil, reason: String? = nil,
        cancelRequestedAt: Date? = nil, completionRequestedAt: Date? = nil, completionSummary: String? = nil,
        executor: String? = nil, model: String? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.taskID = taskID
        self.workerID = workerID
        self.kind = kind
        self.status = status
        self.attempt = attempt
        self.leaseExpiresAt = leaseExpiresAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.loops = loops
        self.errors = errors
        self.filesChanged = filesChanged
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.branch = branch
        self.commit = commit
        self.summary = summary
        self.reason = reason
        self.cancelRequestedAt = cancelRequestedAt
        self.completionRequestedAt = completionRequestedAt
        self.completionSummary = completionSummary
        self.executor = executor
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, status, attempt, loops, errors, branch, commit, summary, reason
        case workspaceID = "workspace_id"
        case taskID = "task_id"
        case workerID = "worker_id"
        case leaseExpiresAt = "lease_expires_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case filesChanged = "files_changed"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
        case cancelRequestedAt = "cancel_requested_at"
        case completionRequestedAt = "completion_requested_at"
        case completionSummary = "completion_summary"
        case executor, model
    }
}

/// What a worker reports when an execution ends.
public struct ExecutionReport: Equatable, Sendable {
    public var outcome: ExecutionStatus
    public var reason: String?
    public var summary: String?
    public var loops: Int
    public var errors: Int
    public var filesChanged: [String]
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    public var branch: String?
    public var commit: String?
    /// The work's patch for review (successful task executions).
    public var diff: ExecutionDiff?
    /// The shell commands the agent ran, for the audit log.
    public var commands: [String]

    public init(
        outcome: ExecutionStatus, reason: String? = nil, summary: String? = nil, loops: Int = 0, errors: Int = 0,
        filesChanged: [String] = [], inputTokens: Int? = nil, outputTokens: Int? = nil, costUSD: Double? = nil,
        branch: String? = nil, commit: String? = nil, diff: ExecutionDiff? = nil, commands: [String] = []
    ) {
        self.diff = diff
        self.commands = commands
        self.outcome = outcome
        self.reason = reason
        self.summary = summary
        self.loops = loops
        self.errors = errors
        self.filesChanged = filesChanged
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.branch = branch
        self.commit = commit
    }

    /// Checks the figures; a worker can't report an execution as still running.
    public func validated() throws -> ExecutionReport {
        var validator = Validator()
        if outcome == .running || outcome == .expired {
            validator.fail("outcome", "must be succeeded, failed, blocked, cancelled or released")
        }
        if loops < 0 { validator.fail("loops", "must not be negative") }
        if errors < 0 { validator.fail("errors", "must not be negative") }
        if filesChanged.count > 10_000 { validator.fail("files_changed", "must list at most 10000 files") }
        if commands.count > 2000 { validator.fail("commands", "must list at most 2000 commands") }
        if let costUSD, costUSD < 0 { validator.fail("cost_usd", "must not be negative") }
        var clean = self
        clean.reason = validator.check { try TextRules.body(reason, field: "reason", maxLength: 5000) } ?? nil
        clean.summary = validator.check { try TextRules.body(summary, field: "summary", maxLength: 20_000) } ?? nil
        if let branch { clean.branch = validator.check { try ProjectRules.branch(branch, field: "branch") } }
        if let commit, commit.count > 64 || !commit.allSatisfy(\.isHexDigit) {
            validator.fail("commit", "must be a commit hash")
        }
        if let diff { clean.diff = validator.check { try diff.validated() } }
        try validator.throwIfInvalid()
        return clean
    }
}

public enum ExecutionKind: String, Codable, CaseIterable, Sendable {
    /// Do the task: code, commit, hand it to review.
    case task
    /// Answer a person's `human_message` on the task, in the same repository context.
    case reply
}

public enum ExecutionStatus: String, Codable, CaseIterable, Sendable {
    case running
    case succeeded
    case failed
    case blocked
    case cancelled
    /// The worker stopped renewing its lease.
    case expired
    /// The worker gave the work back without holding it against the task: it was stopped, or its
    /// host does not allow what the work needs (a command line, a repository). No attempt counts.
    case released

    public var isFinal: Bool { self != .running }
}

/// How long a claim holds without a heartbeat. Heartbeats come every 10 s by default, so a lease of
/// 45 s survives a few lost heartbeats but returns a dead worker's task within a minute.
public struct LeasePolicy: Sendable, Equatable {
    public var duration: TimeInterval
    public var heartbeatInterval: TimeInterval
    /// A worker silent for this long shows as offline.
    public var offlineAfter: TimeInterval

    public init(duration: TimeInterval = 45, heartbeatInterval: TimeInterval = 10, offlineAfter: TimeInterval = 30) {
        self.duration = duration
        self.heartbeatInterval = heartbeatInterval
        self.offlineAfter = offlineAfter
    }

    public func expiry(from now: Date) -> Date { now.addingTimeInterval(duration) }
}
