/// How a worker runs its agent: edited through the API, delivered to the running worker with each
/// heartbeat answer. Field names are the API's.
public struct WorkerConfiguration: Codable, Equatable, Sendable {
    /// Which agent CLI drives the work (`command` = any CLI through the generic contract).
    public var executor: ExecutorKind
    /// For `command`, the command line; for presets, an optional override of the CLI's path.
    public var agentCommand: String?
    public var model: String?
    public var maxLoops: Int
    /// Loops in a row whose work tree did not change before the worker gives up.
    public var noProgressLimit: Int
    /// Failed loops (non-zero exit, timeout) before the worker gives up.
    public var errorLimit: Int
    public var loopTimeoutSeconds: Int
    public var taskTimeoutSeconds: Int
    /// Failed attempts after which a task stays out of the queue, flagged for a person.
    public var retryLimit: Int
    /// Projects the worker takes tasks from; empty = all projects of the workspace.
    public var allowedProjectIDs: [String]
    public var sandbox: SandboxMode

    public init(
        executor: ExecutorKind = .command, agentCommand: String? = nil, model: String? = nil, maxLoops: Int = 50,
        noProgressLimit: Int = 3, errorLimit: Int = 5, loopTimeoutSeconds: Int = 1800, taskTimeoutSeconds: Int = 4 * 3600,
        retryLimit: Int = 3, allowedProjectIDs: [String] = [], sandbox: SandboxMode = .auto
    ) {
        self.executor = executor
        self.agentCommand = agentCommand
        self.model = model
        self.maxLoops = maxLoops
        self.noProgressLimit = noProgressLimit
        self.errorLimit = errorLimit
        self.loopTimeoutSeconds = loopTimeoutSeconds
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.retryLimit = retryLimit
        self.allowedProjectIDs = allowedProjectIDs
        self.sandbox = sandbox
    }

    enum CodingKeys: String, CodingKey {
        case executor, model, sandbox
        case agentCommand = "agent_command"
        case maxLoops = "max_loops"
        case noProgressLimit = "no_progress_limit"
        case errorLimit = "error_limit"
        case loopTimeoutSeconds = "loop_timeout_seconds"
        case taskTimeoutSeconds = "task_timeout_seconds"
        case retryLimit = "retry_limit"
        case allowedProjectIDs = "allowed_project_ids"
    }

    /// Checks every limit, naming bad fields under `prefix` (`configuration.max_loops`).
    public func validated(prefix: String = "configuration") throws -> WorkerConfiguration {
        var validator = Validator()
        func range(_ value: Int, _ bounds: ClosedRange<Int>, _ name: String) {
            if !bounds.contains(value) {
                validator.fail("\(prefix).\(name)", "must be between \(bounds.lowerBound) and \(bounds.upperBound)")
            }
        }
        range(maxLoops, 1...500, "max_loops")
        range(noProgressLimit, 1...100, "no_progress_limit")
        range(errorLimit, 1...100, "error_limit")
        range(loopTimeoutSeconds, 5...86_400, "loop_timeout_seconds")
        range(taskTimeoutSeconds, 10...7 * 86_400, "task_timeout_seconds")
        range(retryLimit, 1...50, "retry_limit")
        var clean = self
        if let command = agentCommand {
            clean.agentCommand = validator.check { try TextRules.line(command, field: "\(prefix).agent_command", maxLength: 2000) }
        }
        if executor == .command && (clean.agentCommand ?? nil) == nil {
            validator.fail("\(prefix).agent_command", "is required when the executor is command")
        }
        if let model {
            clean.model = validator.check { try TextRules.line(model, field: "\(prefix).model", maxLength: 200) }
        }
        if allowedProjectIDs.count > 200 { validator.fail("\(prefix).allowed_project_ids", "must hold at most 200 ids") }
        for (index, id) in allowedProjectIDs.enumerated() where !id.hasPrefix("prj_") || id.count > 64 {
            validator.fail("\(prefix).allowed_project_ids[\(index)]", "must be a project id (prj_…)")
        }
        try validator.throwIfInvalid()
        return clean
    }
}

/// The agent CLIs the worker knows how to drive (`reference/agent-clis.md`); `command` is any other.
public enum ExecutorKind: String, Codable, CaseIterable, Sendable {
    case claude
    case codex
    case gemini
    case opencode
    case aider
    case command
}

public enum SandboxMode: String, Codable, CaseIterable, Sendable {
    /// bubblewrap when it is installed (Linux), otherwise none with a warning.
    case auto
    case bubblewrap
    case none
}
