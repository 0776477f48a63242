import Foundation
import Logging
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore

/// Runs one claimed execution end to end: prepare the repository and branch, loop the agent under
/// the circuit breakers while shipping its output, then commit, push and report.
struct ExecutionRunner: Sendable {
    let api: WorkerAPI
    let options: WorkerOptions
    let state: WorkerState
    let workerName: String
    let logger: Logger

    func run(_ claim: Components.Schemas.ClaimResult, configuration: WorkerConfiguration) async {
        await state.begin(task: claim.task.id, execution: claim.execution.id)
        // A batch of logs gives up after a few seconds: the agent's output waits on it, not on a 90 s timeout.
        let logAPI = (try? WorkerAPI(server: api.serverURL, apiKey: api.apiKey, timeout: .seconds(5))) ?? api
        let shipper = LogShipper(
            api: logAPI, task: claim.task.id, execution: claim.execution.id, token: claim.claimToken, logger: logger)
        let timer = Task { await shipper.runTimer() }
        let succeeded = await execute(claim, configuration: configuration, shipper: shipper)
        timer.cancel()
        await state.end(failed: !succeeded)
    }

    /// The execution's steps; true when it ended in success.
    private func execute(_ claim: Components.Schemas.ClaimResult, configuration: WorkerConfiguration, shipper: LogShipper)
        async -> Bool
    {
        let task = claim.task
        let executionID = claim.execution.id
        let kind = claim.execution.kind.domain

        let project = ProjectInfo(
            key: claim.project.key, name: claim.project.name, repositoryURL: claim.project.repositoryUrl ?? nil,
            defaultBranch: claim.project.defaultBranch)
        let branch = task.agent?.branch ?? nil ?? BranchName.forTask(key: task.key, title: task.title)
        let executor: Executor
        let sandbox: Sandbox
        do {
            executor = try options.executor(configuration)
            sandbox = try options.sandbox(configuration)
        } catch {
            await report(.failed, reason: "the worker can't run the agent: \(error)", claim: claim, shipper: shipper)
            return false
        }
        await shipper.system(
            "\(workerName) took \(task.key) (\(kind.rawValue), attempt \(claim.execution.attempt)); agent: \(executor.kind.rawValue), sandbox: \(sandbox.kind == .none ? "none" : "bubblewrap")")

        let workspace: GitWorkspace
        do {
            workspace = try await GitWorkspace.prepare(
                root: options.workDirectory, project: project, branch: branch, environment: options.gitEnvironment)
            try FileManager.default.createDirectory(atPath: workspace.controlDirectory, withIntermediateDirectories: true)
        } catch {
            await report(.failed, reason: "could not prepare the repository: \(error)", claim: claim, shipper: shipper)
            return false
        }
        await shipper.system("work tree \(workspace.directory) on branch \(branch)")

        let context: AgentPrompt.Context
        let question: Comment?
        do {
            let comments = try await api.comments(task: task.id).map(Comment.init)
            let earlier = try await api.executions(task: task.id)
                .filter { $0.id != executionID && $0.kind == .task && $0.status != .running && $0.status != .succeeded }
                .map { "\($0.status.rawValue): \(($0.reason ?? nil) ?? "no reason recorded")" }
            context = AgentPrompt.Context(
                task: TaskItem(task), project: Project(claim.project), comments: comments, earlierAttempts: earlier,
                repositoryInstructions: workspace.agentInstructions(), branch: branch, loop: 1)
            question = comments.last { $0.kind == .humanMessage && $0.author.type == .user }
        } catch {
            await report(.failed, reason: "could not read the task's context: \(error)", claim: claim, shipper: shipper)
            return false
        }

        var breaker = LoopBreaker(limits: .init(configuration))
        var output = AgentOutput()
        let started = ContinuousClock.now
        var baseline = (try? await workspace.fingerprint()) ?? ""
        let firstFingerprint = baseline
        loop: while true {
            let loopNumber = breaker.loops + 1
            await state.setLoop(loopNumber)
            var loopContext = context
            loopContext.loop = loopNumber
            let boundary = AgentPrompt.boundary(for: AgentPrompt.taskData(loopContext), random: .live)
            let prompt =
                kind == .reply && question != nil
                ? AgentPrompt.forReply(loopContext, message: question!, boundary: boundary)
                : AgentPrompt.forTask(loopContext, boundary: boundary)
            await shipper.system("loop \(loopNumber) starts", loop: loopNumber)
            let loopOutput = Box(AgentOutput())
            let outcome: ProcessRunner.Outcome
            do {
                outcome = try await runLoop(
                    prompt: prompt, loop: loopNumber, claim: claim, executor: executor, sandbox: sandbox,
                    workspace: workspace, timeout: .seconds(configuration.loopTimeoutSeconds), shipper: shipper,
                    output: loopOutput)
            } catch {
                await report(.failed, reason: "could not start the agent: \(error)", claim: claim, shipper: shipper)
                return false
            }
            let result = await loopOutput.value
            output.merge(result)
            if Task.isCancelled {
                // The worker itself is stopping: its lease will lapse and the task go back to the queue.
                logger.info("worker stopping; leaving \(task.key) to its lease")
                return false
            }
            if await shipper.claimLost {
                logger.warning("lost the claim on \(task.key); stopping without a report")
                return false
            }
            if await state.shouldStop(executionID) || outcome == .cancelled {
                await report(
                    .cancelled, reason: "stopped at a person's request", claim: claim, shipper: shipper,
                    breaker: breaker, output: output)
                return false
            }
            let fingerprint = (try? await workspace.fingerprint()) ?? baseline
            let progressed = fingerprint != baseline
            baseline = fingerprint
            var completed = false
            var summary: String?
            var blockedReason: String?
            switch result.status {
            case .complete(let text)?:
                completed = true
                summary = text
            case .blocked(let reason)?:
                blockedReason = reason
            case nil:
                break
            }
            if !completed, let execution = try? await api.execution(task: task.id, id: executionID),
                execution.completionRequestedAt != nil
            {
                completed = true
                summary = (execution.completionSummary ?? nil) ?? summary
            }
            let loopFailed = !outcome.succeeded && !completed
            await shipper.system(
                "loop \(loopNumber) ended: \(outcome.description)\(progressed ? ", work tree changed" : ", no change")",
                loop: loopNumber)
            let decision = breaker.record(
                .init(failed: loopFailed, progressed: progressed, completed: completed, summary: summary, blockedReason: blockedReason),
                elapsed: (ContinuousClock.now - started).seconds)
            switch decision {
            case .continueLooping:
                continue loop
            case .complete(let summary):
                return await wrapUp(
                    claim: claim, kind: kind, workspace: workspace, branch: branch, project: project, summary: summary,
                    changed: baseline != firstFingerprint, breaker: breaker, output: output, shipper: shipper)
            case .blocked(let reason):
                await report(.blocked, reason: reason, claim: claim, shipper: shipper, breaker: breaker, output: output)
                return false
            case .stop(let reason):
                await report(.failed, reason: reason, claim: claim, shipper: shipper, breaker: breaker, output: output)
                return false
            }
        }
    }

    /// One run of the agent process, stopped early when a person cancels.
    private func runLoop(
        prompt: String, loop: Int, claim: Components.Schemas.ClaimResult, executor: Executor, sandbox: Sandbox,
        workspace: GitWorkspace, timeout: Duration, shipper: LogShipper, output: Box<AgentOutput>
    ) async throws -> ProcessRunner.Outcome {
        let promptFile = (workspace.controlDirectory as NSString).appendingPathComponent("prompt.md")
        try prompt.write(toFile: promptFile, atomically: true, encoding: .utf8)
        let contract: [String: String] = [
            "TASKINFA_SERVER_URL": api.serverURL, "TASKINFA_API_KEY": api.apiKey, "TASKINFA_TASK_ID": claim.task.id,
            "TASKINFA_TASK_KEY": claim.task.key, "TASKINFA_EXECUTION_ID": claim.execution.id, "TASKINFA_LOOP": String(loop),
            "TASKINFA_PROMPT_FILE": promptFile, "TASKINFA_CLAIM_TOKEN": claim.claimToken,
            "TASKINFA_WORK_TREE": workspace.directory,
        ]
        let mcpEnvironment = contract.filter { $0.key != "TASKINFA_PROMPT_FILE" && $0.key != "TASKINFA_LOOP" }
        let invocation = executor.invocation(
            .init(
                prompt: prompt, promptFile: promptFile, controlDirectory: workspace.controlDirectory,
                workTree: workspace.directory, mcpCommand: [options.taskinfaBinary, "mcp", "--server", api.serverURL],
                mcpEnvironment: mcpEnvironment, runningAsRoot: getuid() == 0))
        for (path, contents) in invocation.files {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        var environment = AgentEnvironment.make(
            inherited: ProcessInfo.processInfo.environment, passing: options.passEnvironment, contract: contract,
            home: sandbox.home)
        environment.merge(invocation.environment) { _, new in new }
        let wrapped = sandbox.wrap(
            invocation.command, alsoRunning: invocation.starts, workTree: workspace.directory, environment: environment)
        let command = ProcessRunner.Command(
            executable: wrapped.executable, arguments: wrapped.arguments,
            environment: sandbox.kind == .none ? environment : ["PATH": environment["PATH"] ?? "/usr/bin:/bin"],
            workingDirectory: workspace.directory, standardInputFile: invocation.promptOnStandardInput ? promptFile : nil)
        let executionID = claim.execution.id
        return try await withThrowingTaskGroup(of: ProcessRunner.Outcome.self) { group in
            group.addTask {
                try await ProcessRunner.stream(command, timeout: timeout) { stream, line in
                    await output.update { $0.read(line) }
                    await shipper.add(stream.rawValue, loop: loop, line)
                }
            }
            group.addTask {
                // A person pressed stop, or the claim is gone: end the agent now, not at the next loop.
                while !Task.isCancelled {
                    let lost = await shipper.claimLost
                    if await state.shouldStop(executionID) || lost { return .cancelled }
                    try await Task.sleep(for: .milliseconds(250))
                }
                return .cancelled
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    }

    /// The agent said it is done: commit, push, hand the task to review (or post the answer).
    private func wrapUp(
        claim: Components.Schemas.ClaimResult, kind: ExecutionKind, workspace: GitWorkspace, branch: String,
        project: ProjectInfo, summary: String?, changed: Bool, breaker: LoopBreaker, output: AgentOutput,
        shipper: LogShipper
    ) async -> Bool {
        var commit: String?
        var files: [String] = []
        var notes: [String] = []
        if kind == .task || changed {
            let message = "\(claim.task.key): \(claim.task.title)\n\n\(summary ?? "Work by \(workerName).")\n\nTaskinfa-Execution: \(claim.execution.id)"
            do {
                commit = try await workspace.commitAll(message: message, author: "Taskinfa worker \(workerName)")
                files = await workspace.changedFiles(since: project.defaultBranch)
            } catch {
                await report(
                    .failed, reason: "could not commit the work: \(error)", claim: claim, shipper: shipper, breaker: breaker,
                    output: output)
                return false
            }
            if project.repositoryURL != nil, commit != nil {
                switch await workspace.push(branch: branch) {
                case .success:
                    await shipper.system("pushed \(branch)")
                    notes.append("Branch \(branch) pushed.")
                case .failure(let error):
                    await shipper.system("the remote refused the push: \(error)")
                    notes.append("The remote refused the push (\(error.detail)); the commit is on the worker's clone.")
                }
            }
        }
        let text = ([summary ?? "Done."] + notes).joined(separator: "\n\n")
        return await report(
            .succeeded, reason: nil, summary: text, claim: claim, shipper: shipper, breaker: breaker, output: output,
            branch: kind == .task ? branch : nil, commit: commit, files: files)
    }

    /// Reports the outcome; true when the server took it.
    @discardableResult
    private func report(
        _ outcome: ExecutionStatus, reason: String?, summary: String? = nil, claim: Components.Schemas.ClaimResult,
        shipper: LogShipper, breaker: LoopBreaker? = nil, output: AgentOutput = AgentOutput(), branch: String? = nil,
        commit: String? = nil, files: [String] = []
    ) async -> Bool {
        if let reason { await shipper.system("stopping: \(reason)") }
        await shipper.flush()
        let report = ExecutionReport(
            outcome: outcome, reason: reason, summary: summary, loops: breaker?.loops ?? 0, errors: breaker?.errors ?? 0,
            filesChanged: files, inputTokens: output.inputTokens, outputTokens: output.outputTokens,
            costUSD: output.costUSD, branch: branch, commit: commit)
        do {
            _ = try await api.finish(task: claim.task.id, execution: claim.execution.id, token: claim.claimToken, report: report)
            logger.info("finished \(claim.task.key): \(outcome.rawValue)\(reason.map { " (\($0))" } ?? "")")
            return outcome == .succeeded
        } catch {
            logger.warning("could not report \(claim.task.key) as \(outcome.rawValue)", metadata: ["error": "\(error)"])
            return false
        }
    }
}

/// A value several tasks update in turn.
actor Box<Value: Sendable> {
    private(set) var value: Value

    init(_ value: Value) { self.value = value }

    func update(_ change: @Sendable (inout Value) -> Void) { change(&value) }
}

extension Duration {
    var seconds: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension AgentOutput {
    mutating func merge(_ other: AgentOutput) {
        if let status = other.status { self.status = status }
        if let value = other.inputTokens { inputTokens = (inputTokens ?? 0) + value }
        if let value = other.outputTokens { outputTokens = (outputTokens ?? 0) + value }
        if let value = other.costUSD { costUSD = (costUSD ?? 0) + value }
    }
}
