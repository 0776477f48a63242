import Foundation

/// The figures of the analytics page (plan §5.9), each computed by the store in SQL.
public struct AnalyticsReport: Equatable, Sendable {
    public struct Bucket: Equatable, Sendable {
        public var interval: DateInterval
        /// Tasks finished in the bucket (throughput).
        public var done: Int
        public var created: Int
        /// Tasks open at the bucket's end (burndown).
        public var remaining: Int

        public init(interval: DateInterval, done: Int, created: Int, remaining: Int) {
            self.interval = interval
            self.done = done
            self.created = created
            self.remaining = remaining
        }
    }

    public struct CycleTime: Equatable, Sendable {
        public var priority: TaskPriority
        public var count: Int
        public var p50: TimeInterval
        public var p90: TimeInterval

        public init(priority: TaskPriority, count: Int, p50: TimeInterval, p90: TimeInterval) {
            self.priority = priority
            self.count = count
            self.p50 = p50
            self.p90 = p90
        }
    }

    /// Runs of one worker, or of one agent CLI.
    public struct AgentFigures: Equatable, Sendable {
        public var id: String
        public var name: String
        public var runs: Int
        public var succeeded: Int
        public var meanLoops: Double
        public var meanDuration: TimeInterval
        public var retries: Int
        public var inputTokens: Int
        public var outputTokens: Int
        public var costUSD: Double
        public var successRate: Double { AnalyticsRules.successRate(succeeded: succeeded, runs: runs) }

        public init(id: String, name: String, runs: Int, succeeded: Int, meanLoops: Double, meanDuration: TimeInterval, retries: Int, inputTokens: Int, outputTokens: Int, costUSD: Double) {
            self.id = id
            self.name = name
            self.runs = runs
            self.succeeded = succeeded
            self.meanLoops = meanLoops
            self.meanDuration = meanDuration
            self.retries = retries
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.costUSD = costUSD
        }
    }

    public struct StopReason: Equatable, Sendable {
        public var outcome: ExecutionStatus
        public var reason: String
        public var count: Int

        public init(outcome: ExecutionStatus, reason: String, count: Int) {
            self.outcome = outcome
            self.reason = reason
            self.count = count
        }
    }

    public struct Bottleneck: Equatable, Sendable {
        public var taskID: String
        public var key: String
        public var title: String
        public var status: TaskStatus
        public var age: TimeInterval
        public var columnMedian: TimeInterval

        public init(taskID: String, key: String, title: String, status: TaskStatus, age: TimeInterval, columnMedian: TimeInterval) {
            self.taskID = taskID
            self.key = key
            self.title = title
            self.status = status
            self.age = age
            self.columnMedian = columnMedian
        }
    }

    public var period: AnalyticsPeriod
    public var projectID: String?
    public var buckets: [Bucket]
    public var statusCounts: [TaskStatus: Int]
    public var cycleTimes: [CycleTime]
    public var workers: [AgentFigures]
    public var executors: [AgentFigures]
    public var stopReasons: [StopReason]
    public var bottlenecks: [Bottleneck]

    public init(period: AnalyticsPeriod, projectID: String?, buckets: [Bucket], statusCounts: [TaskStatus: Int], cycleTimes: [CycleTime], workers: [AgentFigures], executors: [AgentFigures], stopReasons: [StopReason], bottlenecks: [Bottleneck]) {
        self.period = period
        self.projectID = projectID
        self.buckets = buckets
        self.statusCounts = statusCounts
        self.cycleTimes = cycleTimes
        self.workers = workers
        self.executors = executors
        self.stopReasons = stopReasons
        self.bottlenecks = bottlenecks
    }
}

/// The workspace at a glance: a card per project and the totals.
public struct WorkspaceOverview: Equatable, Sendable {
    public struct LatestEvent: Equatable, Sendable {
        public var type: String
        public var taskKey: String?
        public var actorName: String
        public var at: Date

        public init(type: String, taskKey: String?, actorName: String, at: Date) {
            self.type = type
            self.taskKey = taskKey
            self.actorName = actorName
            self.at = at
        }
    }

    public struct ProjectCard: Equatable, Sendable {
        public var projectID: String
        public var key: String
        public var name: String
        public var counts: [TaskStatus: Int]
        public var running: Int
        public var flagged: Int
        public var latest: LatestEvent?

        public init(projectID: String, key: String, name: String, counts: [TaskStatus: Int], running: Int, flagged: Int, latest: LatestEvent?) {
            self.projectID = projectID
            self.key = key
            self.name = name
            self.counts = counts
            self.running = running
            self.flagged = flagged
            self.latest = latest
        }
    }

    public var projects: [ProjectCard]
    public var workersOnline: Int
    public var workersTotal: Int

    public init(projects: [ProjectCard], workersOnline: Int, workersTotal: Int) {
        self.projects = projects
        self.workersOnline = workersOnline
        self.workersTotal = workersTotal
    }
}
