import Foundation
import Logging
import TaskinfaAPI
import TaskinfaCore

/// `taskinfa worker`: heartbeats on its own schedule (also while an agent runs for hours), and
/// claims work with a long poll so a new task starts within moments. One execution at a time.
public struct WorkerRuntime: Sendable {
    let options: WorkerOptions
    let logger: Logger

    public init(options: WorkerOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Runs until the task is cancelled (the command line cancels it on SIGTERM/SIGINT).
    public func run() async throws {
        let api = try WorkerAPI(server: options.server, apiKey: options.apiKey)
        let (workerID, _) = try await api.whoAmI()
        let state = WorkerState()
        let first = try await api.heartbeat(worker: workerID, status: .idle, task: nil, loop: nil, running: [])
        await state.apply(
            configuration: WorkerConfiguration(first.worker.configuration), stop: first.stopExecutionIds,
            interval: first.heartbeatIntervalSeconds)
        let name = first.worker.name
        logger.info("worker \(name) (\(workerID)) connected to \(options.server)")
        let runner = ExecutionRunner(api: api, options: options, state: state, workerName: name, logger: logger)
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await heartbeats(api: api, worker: workerID, state: state) }
            group.addTask { try await claims(api: api, worker: workerID, state: state, runner: runner) }
            try await group.next()
            group.cancelAll()
        }
    }

    private func heartbeats(api: WorkerAPI, worker: String, state: WorkerState) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: await state.heartbeatInterval)
            if Task.isCancelled { break }
            do {
                let reply = try await api.heartbeat(
                    worker: worker, status: await state.status, task: await state.currentTask, loop: await state.loop,
                    running: await state.running)
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
        while !Task.isCancelled {
            do {
                guard let claim = try await api.claim(worker: worker, wait: options.claimWait, project: options.projectID)
                else { continue }
                backoff = .seconds(1)
                guard let configuration = await state.configuration else { continue }
                logger.info("claimed \(claim.task.key) (\(claim.execution.kind.rawValue))")
                await runner.run(claim, configuration: configuration)
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
