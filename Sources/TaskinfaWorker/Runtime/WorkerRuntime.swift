import Foundation
import Logging
import TaskinfaAPI
import TaskinfaCore

/// `taskinfa worker`: heartbeats on its own schedule (also while an agent runs for hours), and
/// claims work with a long poll so a new task starts within moments. One execution at a time.
///
/// Before it takes any work it checks that its host runs what the server's configuration asks and
/// that the agent can start inside the sandbox; when it stops, it signs off, so that what it held
/// goes back to the queue at once.
public struct WorkerRuntime: Sendable {
    let options: WorkerOptions
    let logger: Logger

    public init(options: WorkerOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Why the worker won't start.
    public struct StartRefused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs until the task is cancelled (the command line cancels it on SIGTERM/SIGINT).
    public func run() async throws {
        let api = try WorkerAPI(server: options.server, apiKey: options.apiKey)
        let (workerID, _) = try await api.whoAmI()
        let state = WorkerState()
        let first = try await api.heartbeat(worker: workerID, status: .idle, task: nil, loop: nil, running: [])
        let configuration = WorkerConfiguration(first.worker.configuration)
        await state.apply(configuration: configuration, stop: first.stopExecutionIds, interval: first.heartbeatIntervalSeconds)
        let name = first.worker.name
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        // An agent that can't start here would fail every loop of every task: refuse to start instead.
        if case .success(let (executor, sandbox)) = Result(catching: { try options.agent(for: configuration) }),
            let problem = await agentProblem(executor, sandbox)
        {
            throw StartRefused(description: problem)
        }
        logger.info("worker \(name) (\(workerID)) connected to \(options.server)")
        let runner = ExecutionRunner(api: api, options: options, state: state, workerName: name, logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await heartbeats(api: api, worker: workerID, state: state) }
            group.addTask { try await claims(api: api, worker: workerID, state: state, runner: runner) }
            try await group.next()
            group.cancelAll()
        }
        await signOff(api: api, worker: workerID)
    }

    /// Tells the server the worker stops, so that what it held goes back to the queue now rather
    /// than when its lease runs out. Runs outside the cancelled task, and gives up after a few seconds.
    private func signOff(api: WorkerAPI, worker: String) async {
        let logger = self.logger
        await Task {
            do {
                let quick = try WorkerAPI(server: api.serverURL, apiKey: api.apiKey, timeout: .seconds(5))
                try await quick.disconnect(worker: worker, reason: "its host stopped it")
                logger.info("signed off; the server has what this worker held")
            } catch {
                logger.warning("could not sign off; held work returns when its lease runs out", metadata: ["error": "\(error)"])
            }
        }.value
    }

    private func heartbeats(api: WorkerAPI, worker: String, state: WorkerState) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: await state.heartbeatInterval)
            if Task.isCancelled { break }
            do {
                let reply = try await api.heartbeat(
                    worker: worker, status: await state.status, message: await state.problem, task: await state.currentTask,
                    loop: await state.loop, running: await state.running)
                await state.apply(
                    configuration: WorkerConfiguration(reply.worker.configuration), stop: reply.stopExecutionIds,
                    interval: reply.heartbeatIntervalSeconds)
                for execution in reply.stopExecutionIds {
                    logger.info("the server asked to stop \(execution)")
                }
            } catch {
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func claims(api: WorkerAPI, worker: String, state: WorkerState, runner: ExecutionRunner) async throws {
        var backoff: Duration = .seconds(1)
        var failures = RepeatedFailures()
        /// The configuration whose refusal a task's comment already explains.
        var refusalReported: Int?
        /// The configuration whose agent was seen to start in the sandbox.
        var agentChecked: Int?
        /// Projects whose repositories this host refuses, until when.
        var excluded: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            guard let configuration = await state.configuration else { return }
            let version = await state.configurationVersion
            switch Result(catching: { try options.agent(for: configuration) }) {
            case .failure(let refusal):
                guard refusalReported != version else {
                    // Said once on a task; now wait, in error, for a configuration this host runs.
                    await state.setProblem("\(refusal)")
                    try await waitForAnotherConfiguration(than: version, state: state)
                    continue
                }
            case .success(let (executor, sandbox)):
                if agentChecked != version {
                    if let problem = await agentProblem(executor, sandbox) {
                        logger.error("not taking work: \(problem)")
                        await state.setProblem(problem)
                        try await Task.sleep(for: .seconds(30))
                        continue
                    }
                    agentChecked = version
                }
                await state.setProblem(nil)
            }
            do {
                let now = ContinuousClock.now
                excluded = excluded.filter { $0.value > now }
                guard
                    let claim = try await api.claim(
                        worker: worker, wait: options.claimWait, project: options.projectID, excluding: Array(excluded.keys))
                else { continue }
                backoff = .seconds(1)
                logger.info("claimed \(claim.task.key) (\(claim.execution.kind.rawValue))")
                // A long-polled claim can outlast a configuration change: run with what the server
                // says now (the runner still refuses what this host doesn't allow).
                let ending = await runner.run(claim, configuration: await state.configuration ?? configuration)
                switch ending.cause {
                case .stopping: return
                case .refusedConfiguration:
                    refusalReported = version
                    logger.error("refused the server's configuration: \(ending.reason ?? "")")
                case .refusedRepository(let project):
                    // Another worker may take the project; this one looks again in ten minutes.
                    excluded[project] = ContinuousClock.now + .seconds(600)
                    logger.warning("\(ending.reason ?? "")")
                case .agentCouldNotStart:
                    agentChecked = nil
                case .work:
                    break
                }
                if let pause = failures.record(ending.outcome, reason: ending.reason) {
                    logger.warning("the same failure again; pausing \(pause) before the next task")
                    try await Task.sleep(for: pause)
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("claiming failed; retrying in \(backoff)", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    private func waitForAnotherConfiguration(than version: Int, state: WorkerState) async throws {
        while await state.configurationVersion == version {
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Nil when the agent's programs (and `taskinfa mcp`) start inside the sandbox.
    private func agentProblem(_ executor: Executor, _ sandbox: Sandbox) async -> String? {
        let environment = AgentEnvironment.make(
            inherited: ProcessInfo.processInfo.environment, passing: options.passEnvironment, contract: [:],
            home: sandbox.home)
        let probe = (options.workDirectory as NSString).appendingPathComponent(".taskinfa/preflight")
        return await AgentPreflight.problem(
            programs: executor.startedPrograms + [options.taskinfaBinary], sandbox: sandbox, probeTree: probe,
            environment: environment)
    }
}

/// `taskinfa worker --list-executors`: the presets and whether each CLI is on this machine.
public enum ExecutorCatalog {
    public static func report() -> String {
        var lines = ["executor   program    found                                      MCP tools"]
        for kind in ExecutorKind.allCases {
            let program = Executor.defaultProgram(kind)
            let found = kind == .command ? "(your --agent-command)" : (ProcessRunner.locate(program) ?? "not found")
            let padded = { (text: String, width: Int) in text + String(repeating: " ", count: max(1, width - text.count)) }
            lines.append(
                padded(kind.rawValue, 11) + padded(kind == .command ? "sh -c" : program, 11) + padded(found, 43)
                    + (Executor.supportsMCP(kind) ? "yes" : "no (status line)"))
        }
        let bwrap = ProcessRunner.locate("bwrap")
        lines.append("")
        lines.append("sandbox: " + (bwrap.map { "bubblewrap at \($0) (used by default)" } ?? "bubblewrap not installed: agents run unsandboxed"))
        return lines.joined(separator: "\n")
    }
}
