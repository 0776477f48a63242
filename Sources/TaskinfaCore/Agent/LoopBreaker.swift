import Foundation

/// The circuit breakers of the agent loop (plan §5.3, original §7.1 — whose no-progress detector
/// never fired): each loop's result goes in, and out comes "go on" or "stop, because …".
public struct LoopBreaker: Sendable, Equatable {
    public struct Limits: Sendable, Equatable {
        public var maxLoops: Int
        public var noProgressLimit: Int
        public var errorLimit: Int
        public var taskTimeout: TimeInterval

        public init(maxLoops: Int, noProgressLimit: Int, errorLimit: Int, taskTimeout: TimeInterval) {
            self.maxLoops = maxLoops
            self.noProgressLimit = noProgressLimit
            self.errorLimit = errorLimit
            self.taskTimeout = taskTimeout
        }

        public init(_ configuration: WorkerConfiguration) {
            self.init(
                maxLoops: configuration.maxLoops, noProgressLimit: configuration.noProgressLimit,
                errorLimit: configuration.errorLimit, taskTimeout: TimeInterval(configuration.taskTimeoutSeconds))
        }
    }

    /// What one loop of the agent came to.
    public struct LoopResult: Sendable, Equatable {
        /// The process failed: non-zero exit, killed, or over the per-loop time limit.
        public var failed: Bool
        /// The work tree differs from how the previous loop left it.
        public var progressed: Bool
        /// The agent said it is done (status line or MCP tool), with an optional summary.
        public var completed: Bool
        public var summary: String?
        /// The agent said it can't go on without a person.
        public var blockedReason: String?

        public init(failed: Bool, progressed: Bool, completed: Bool, summary: String? = nil, blockedReason: String? = nil) {
            self.failed = failed
            self.progressed = progressed
            self.completed = completed
            self.summary = summary
            self.blockedReason = blockedReason
        }
    }

    public enum Decision: Sendable, Equatable {
        case continueLooping
        case complete(summary: String?)
        case blocked(reason: String)
        /// A breaker tripped; the reason names it.
        case stop(reason: String)
    }

    public let limits: Limits
    public private(set) var loops = 0
    public private(set) var errors = 0
    public private(set) var loopsWithoutProgress = 0

    public init(limits: Limits) {
        self.limits = limits
    }

    public mutating func record(_ result: LoopResult, elapsed: TimeInterval) -> Decision {
        loops += 1
        if result.failed { errors += 1 }
        loopsWithoutProgress = result.progressed ? 0 : loopsWithoutProgress + 1
        if let reason = result.blockedReason { return .blocked(reason: reason) }
        // A finishing loop that also failed still counts as done if it said so: the status line
        // is the agent's word, the exit code may be a wrapper's.
        if result.completed { return .complete(summary: result.summary) }
        if errors >= limits.errorLimit {
            return .stop(reason: "error breaker: \(errors) failed loops (limit \(limits.errorLimit))")
        }
        if loopsWithoutProgress >= limits.noProgressLimit {
            return .stop(
                reason: "no-progress breaker: \(loopsWithoutProgress) loops in a row left the work tree unchanged (limit \(limits.noProgressLimit))")
        }
        if loops >= limits.maxLoops {
            return .stop(reason: "loop limit: \(loops) loops without the agent finishing (limit \(limits.maxLoops))")
        }
        if elapsed >= limits.taskTimeout {
            return .stop(reason: "time limit: the task ran for \(Int(elapsed)) s (limit \(Int(limits.taskTimeout)) s)")
        }
        return .continueLooping
    }
}
