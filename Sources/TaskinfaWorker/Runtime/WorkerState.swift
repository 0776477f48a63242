import TaskinfaCore

/// What the heartbeat reports and what it learns, shared between the heartbeat loop, the claim loop
/// and the execution in progress.
actor WorkerState {
    private(set) var status: WorkerStatus = .idle
    private(set) var currentTask: String?
    private(set) var loop: Int?
    private(set) var running: [String] = []
    private(set) var configuration: WorkerConfiguration?
    /// Bumped whenever the server sends a different configuration.
    private(set) var configurationVersion = 0
    private(set) var heartbeatInterval: Duration = .seconds(10)
    /// Why the worker takes no work right now (a configuration its host refuses, an agent that can't
    /// start); reported with the heartbeat so the people watching see it.
    private(set) var problem: String?
    private var stopRequested: Set<String> = []

    func begin(task: String, execution: String) {
        status = .working
        currentTask = task
        loop = 0
        running = [execution]
    }

    func setLoop(_ loop: Int) { self.loop = loop }

    func end(failed: Bool) {
        status = failed ? .error : .idle
        currentTask = nil
        loop = nil
        running = []
    }

    func setProblem(_ problem: String?) {
        self.problem = problem
        if running.isEmpty { status = problem == nil ? .idle : .error }
    }

    /// What the server said: the latest configuration and which executions to stop.
    func apply(configuration: WorkerConfiguration, stop: [String], interval: Int) {
        if configuration != self.configuration { configurationVersion += 1 }
        self.configuration = configuration
        stopRequested.formUnion(stop)
        heartbeatInterval = .seconds(max(1, interval))
    }

    func stop(_ execution: String) { stopRequested.insert(execution) }

    func shouldStop(_ execution: String) -> Bool { stopRequested.contains(execution) }
}
