import TaskinfaCore

/// What the heartbeat reports and what it learns, shared between the heartbeat loop and the
/// execution in progress.
actor WorkerState {
    private(set) var status: WorkerStatus = .idle
    private(set) var currentTask: String?
    private(set) var loop: Int?
    private(set) var running: [String] = []
    private(set) var configuration: WorkerConfiguration?
    private(set) var heartbeatInterval: Duration = .seconds(10)
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

    func idle() { if running.isEmpty { status = .idle } }

    /// What the server said: the latest configuration and which executions to stop.
    func apply(configuration: WorkerConfiguration, stop: [String], interval: Int) {
        self.configuration = configuration
        stopRequested.formUnion(stop)
        heartbeatInterval = .seconds(max(1, interval))
    }

    func stop(_ execution: String) { stopRequested.insert(execution) }

    func shouldStop(_ execution: String) -> Bool { stopRequested.contains(execution) }
}
