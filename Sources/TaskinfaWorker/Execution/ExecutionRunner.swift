import Foundation
import Logging
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore

/// Runs one claimed execution end to end: check that this host runs what it asks, prepare the
/// repository and branch, loop the agent under the circuit breakers while shipping its output, then
/// commit, push and report.
struct ExecutionRunner: Sendable {
    let api: WorkerAPI
    let options: WorkerOptions
    let state: WorkerState
    let workerName: String
    let logger: Logger

    /// How an execution ended, for the claim loop to decide what comes next.
    struct Ending: Sendable, Equatable {
        enum Cause: Sendable, Equatable {
            /// The work itself: success, the agent's failure, a breaker.
            case work
            /// The agent could not even start: the host's installation, not the task.
            case agentCouldNotStart
            /// This host won't run the server's configuration (a command line, no sandbox).
            case refusedConfiguration
            /// This host won't clone the project's repository.
            case refusedRepository(projectID: String)
            /// The worker itself is stopping; the server gets what it held back at sign-off.
            case stopping
        }

        var outcome: ExecutionStatus?
        var reason: String?
        var cause: Cause
    }

    func run(_ claim: Components.Schemas.ClaimResult, configuration: WorkerConfiguration) async -> Ending {
        await state.begin(task: claim.task.id, execution: claim.execution.id)
        // A batch of logs gives up after a few seconds: the agent's output waits on it, not on a 90 s timeout.
        let logAPI = (try? WorkerAPI(server: api.serverURL, apiKey: api.apiKey, timeout: .seconds(5))) ?? api
        let shipper = LogShipper(
            api: logAPI, task: claim.task.id, execution: claim.execution.id, token: claim.claimToken, logger: logger)
        let timer = Task { await shipper.runTimer() }
        let ending = await execute(claim, configuration: configuration, shipper: shipper)
        timer.cancel()
        await state.end(failed: ending.outcome != .succeeded && ending.cause != .stopping)
        return ending
    }

    /// The execution's steps.
    private func execute(_ claim: Components.Schemas.ClaimResult, configuration: WorkerConfiguration, shipper: LogShipper)
        async -> Ending
    {
        let task = claim.task
        let executionID = claim.execution.id
        let kind = claim.execution.kind.domain

        let executor: Executor
        let sandbox: Sandbox
        do {
            (executor, sandbox) = try options.agent(for: configuration)
        } catch {
            let reason = "The worker \(workerName) won't run this: \(error)."
            await report(.released, reason: reason, claim: claim, shipper: shipper)
            return Ending(outcome: .released, reason: reason, cause: .refusedConfiguration)
        }
        let project = ProjectInfo(
            key: claim.project.key, name: claim.project.name, repositoryURL: claim.project.repositoryUrl ?? nil,
            defaultBranch: claim.project.defaultBranch)
        let repository: RepositoryURL?
        let branch: String
        do {
            repository = try project.repositoryURL.map { try RepositoryURL.parse($0) }
            if let repository, let refusal = options.hostPolicy.check(repository: repository) { throw refusal }
            _ = try ProjectRules.branch(project.defaultBranch)
            branch = try ProjectRules.branch(
                task.agent?.branch ?? nil ?? BranchName.forTask(key: task.key, title: task.title), field: "branch")
        } catch {
            let reason = "The worker \(workerName) won't work on this project's repository: \(error)."
            await report(.released, reason: reason, claim: claim, shipper: shipper)
            return Ending(outcome: .released, reason: reason, cause: .refusedRepository(projectID: claim.project.id))
        }
        await shipper.system(
            "\(workerName) took \(task.key) (\(kind.rawValue), attempt \(claim.execution.attempt)); agent: \(executor.kind.rawValue), sandbox: \(sandbox.kind == .none ? "none" : "bubblewrap")")

        let folders = options.folders(forProject: project.key)
        let workspace: GitWorkspace
        do {
            workspace = try await GitWorkspace.prepare(
                folders: folders, repository: repository, defaultBranch: project.defaultBranch, branch: branch,
                environment: options.gitEnvironment, allowsLocalTransport: options.hostPolicy.allowLocalRepositories)
            // The agent CLI's state starts empty for every execution; the control folder is rewritten.
            for folder in [folders.stateDirectory, folders.controlDirectory] {
                if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
                try WorkerFiles.makeFolders(folder, under: folders.root)
            }
        } catch {
            return await fail("could not prepare the repository: \(error)", claim: claim, shipper: shipper)
        }
        await shipper.system("work tree \(workspace.directory) on branch \(branch)")

        let context: AgentPrompt.Context
        let question: Comment?
        do {
            let comments = try await api.comments(task: task.id).map(Comment.init)
            let executions = try await api.executions(task: task.id).filter { $0.id != executionID && $0.kind == .task }
            let earlier = executions.filter { $0.status != .running && $0.status != .succeeded }
                .map { "\($0.status.rawValue): \(($0.reason ?? nil) ?? "no reason recorded")" }
            let lastSuccess = executions.last { $0.status == .succeeded }?.finishedAt ?? nil
            let reviewed = comments.last { $0.kind == .humanMessage && $0.author.type == .user }.map { message in
                lastSuccess.map { message.createdAt >= $0 } ?? false
            } ?? false
            context = AgentPrompt.Context(
                task: TaskItem(task), project: Project(claim.project), comments: comments, earlierAttempts: earlier,
                repositoryInstructions: workspace.agentInstructions(), branch: branch, loop: 1,
                changesRequested: kind == .task && reviewed)
            question = comments.last { $0.kind == .humanMessage && $0.author.type == .user }
        } catch {
            return await fail("could not read the task's context: \(error)", claim: claim, shipper: shipper)
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
                return await fail(
                    "the agent could not start: \(error)", cause: .agentCouldNotStart, claim: claim, shipper: shipper,
                    breaker: breaker, output: output)
            }
            let result = await loopOutput.value
            output.merge(result)
            if Task.isCancelled {
                // The worker itself is stopping: its sign-off gives the task back.
                logger.info("worker stopping; \(task.key) goes back with the sign-off")
                return Ending(outcome: nil, reason: nil, cause: .stopping)
            }
            if await shipper.claimLost {
                logger.warning("lost the claim on \(task.key); stopping without a report")
                return Ending(outcome: nil, reason: "the claim was lost", cause: .work)
            }
            if await state.shouldStop(executionID) || outcome == .cancelled {
                let reason = "stopped at a person's request"
                await report(.cancelled, reason: reason, claim: claim, shipper: shipper, breaker: breaker, output: output)
                return Ending(outcome: .cancelled, reason: reason, cause: .work)
            }
            if let failure = StartFailure.check(outcome, result, command: executor.program) {
                // Looping again won't fix a missing program: stop now and say which and why.
                return await fail(
                    failure, cause: .agentCouldNotStart, claim: claim, shipper: shipper, breaker: breaker, output: output)
            }
            // The agent may have removed or replaced the tree's pointer to its repository.
            try? workspace.pointTreeAtRepository()
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
                return Ending(outcome: .blocked, reason: reason, cause: .work)
            case .stop(let reason):
                return await fail(reason, claim: claim, shipper: shipper, breaker: breaker, output: output)
            }
        }
    }

    /// Reports a failure and says how the execution ended.
    private func fail(
        _ reason: String, cause: Ending.Cause = .work, claim: Components.Schemas.ClaimResult, shipper: LogShipper,
        breaker: LoopBreaker? = nil, output: AgentOutput = AgentOutput()
    ) async -> Ending {
        await report(.failed, reason: reason, claim: claim, shipper: shipper, breaker: breaker, output: output)
        return Ending(outcome: .failed, reason: reason, cause: cause)
    }

    /// One run of the agent process, stopped early when a person cancels.
    private func runLoop(
        prompt: String, loop: Int, claim: Components.Schemas.ClaimResult, executor: Executor, sandbox: Sandbox,
        workspace: GitWorkspace, timeout: Duration, shipper: LogShipper, output: Box<AgentOutput>
    ) async throws -> ProcessRunner.Outcome {
        let folders = workspace.folders
        let promptFile = (folders.controlDirectory as NSString).appendingPathComponent("prompt.md")
        try WorkerFiles.write(prompt, to: promptFile, under: folders.root)
        // The agent gets a key of its own, good for this execution only — never the worker's.
        let contract: [String: String] = [
            "TASKINFA_SERVER_URL": api.serverURL, "TASKINFA_API_KEY": claim.agentKey, "TASKINFA_TASK_ID": claim.task.id,
            "TASKINFA_TASK_KEY": claim.task.key, "TASKINFA_EXECUTION_ID": claim.execution.id, "TASKINFA_LOOP": String(loop),
            "TASKINFA_PROMPT_FILE": promptFile, "TASKINFA_WORK_TREE": workspace.directory,
        ]
        let mcpEnvironment = contract.filter { $0.key != "TASKINFA_PROMPT_FILE" && $0.key != "TASKINFA_LOOP" }
        let invocation = executor.invocation(
            .init(
                prompt: prompt, promptFile: promptFile, controlDirectory: folders.controlDirectory,
                stateDirectory: folders.stateDirectory, workTree: workspace.directory,
                mcpCommand: [options.taskinfaBinary, "mcp", "--server", api.serverURL], mcpEnvironment: mcpEnvironment,
                runningAsRoot: getuid() == 0))
        for (path, contents) in invocation.files {
            try WorkerFiles.write(contents, to: path, under: folders.root)
        }
        var environment = AgentEnvironment.make(
            inherited: ProcessInfo.processInfo.environment, passing: options.passEnvironment, contract: contract,
            home: sandbox.home)
        environment.merge(invocation.environment) { _, new in new }
        let wrapped = sandbox.wrap(
            invocation.command, alsoRunning: invocation.starts, workTree: workspace.directory,
            readable: [folders.gitDirectory, folders.controlDirectory], writable: [folders.stateDirectory],
            environment: environment)
        let command = ProcessRunner.Command(
            executable: wrapped.executable, arguments: wrapped.arguments,
            environment: sandbox.kind == .none ? environment : ["PATH": environment["PATH"] ?? "/usr/bin:/bin"],
            workingDirectory: workspace.directory, standardInputFile: invocation.promptOnStandardInput ? promptFile : nil)
        let executionID = claim.execution.id
        return try await withThrowingTaskGroup(of: ProcessRunner.Outcome.self) { group in
            group.addTask {
                try await ProcessRunner.stream(command, timeout: timeout) { stream, line in
                    await output.update { $0.take(line, fromStandardError: stream == .stderr) }
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
    ) async -> Ending {
        var commit: String?
        var files: [String] = []
        var diff: ExecutionDiff?
        var notes: [String] = []
        if kind == .task || changed {
            let message = "\(claim.task.key): \(claim.task.title)\n\n\(summary ?? "Work by \(workerName).")\n\nTaskinfa-Execution: \(claim.execution.id)"
            do {
                commit = try await workspace.commitAll(message: message, author: "Taskinfa worker \(workerName)")
                files = await workspace.changedFiles(since: project.defaultBranch)
                if kind == .task { diff = await workspace.reviewDiff(since: project.defaultBranch) }
            } catch {
                return await fail(
                    "could not commit the work: \(error)", claim: claim, shipper: shipper, breaker: breaker, output: output)
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
        let taken = await report(
            .succeeded, reason: nil, summary: text, claim: claim, shipper: shipper, breaker: breaker, output: output,
            branch: kind == .task ? branch : nil, commit: commit, files: files, diff: diff)
        return Ending(outcome: taken ? .succeeded : nil, reason: taken ? nil : "the server did not take the report", cause: .work)
    }

    /// Reports the outcome; true when the server took it.
    @discardableResult
    private func report(
        _ outcome: ExecutionStatus, reason: String?, summary: String? = nil, claim: Components.Schemas.ClaimResult,
        shipper: LogShipper, breaker: LoopBreaker? = nil, output: AgentOutput = AgentOutput(), branch: String? = nil,
        commit: String? = nil, files: [String] = [], diff: ExecutionDiff? = nil
    ) async -> Bool {
        if let reason { await shipper.system("stopping: \(reason)") }
        await shipper.flush()
        let report = ExecutionReport(
            outcome: outcome, reason: reason, summary: summary, loops: breaker?.loops ?? 0, errors: breaker?.errors ?? 0,
            filesChanged: files, inputTokens: output.inputTokens, outputTokens: output.outputTokens,
            costUSD: output.costUSD, branch: branch, commit: commit, diff: diff, commands: output.commands)
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
        commands += other.commands.prefix(max(0, Self.maxCommands - commands.count))
    }
}
