import Foundation
import NIOHTTP1
import TaskinfaCore
import Testing

/// The worker's host against what the server and the agent ask of it, with real `taskinfa serve`
/// and `taskinfa worker` processes: nothing the agent plants runs in the worker's own git, the host
/// refuses a command line or an unsandboxed run it did not allow, a worker that stops is never
/// handed work and gives back what it held.
@Suite(.serialized) struct WorkerHostEndToEndTests {
    static let bubblewrap = FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap")

    @Test(.enabled(if: bubblewrap))
    func nothingTheAgentPlantsInTheRepositoryRunsInTheWorkersGit() async throws {
        let board = try await AgentBoard.start()
        let markers = board.root + "/markers"
        try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        var configuration = AgentEndToEndTests.limits
        configuration["sandbox"] = "bubblewrap"
        let worker = try await board.start(
            "planter", mode: "plant", configuration: configuration, extra: ["--pass-env", "PLANT_MARKERS"],
            environment: ["PLANT_MARKERS": markers])
        defer { worker.kill(SIGTERM) }

        // Twice in the same project: the second execution starts from the git directory the first
        // agent's traps sat beside, and from a rebuilt work tree.
        for key in ["WEB-1", "WEB-2"] {
            try await board.task("Plant traps for \(key)")
            let task = try await board.waitFor(key, "review") { $0["status"]?.string == "review" }
            let commit = try #require(task["agent"]?["commit"]?.string, "\(worker.output)")
            let branch = try #require(task["agent"]?["branch"]?.string)
            let remote = try await Git.run(["ls-remote", board.remote, "refs/heads/\(branch)"], in: board.root)
            #expect(remote.hasPrefix(commit), "the branch was not pushed")
            let files = try await Git.run(["--git-dir", board.remote, "show", "--name-only", "--format=%s", commit], in: board.root)
            #expect(files.contains("\(key).txt"), "\(files)")
            let summary = try await board.comments(key).last?["body"]?.string ?? ""
            #expect(summary.contains("gitdir-write:denied"), "the agent wrote into the repository's git directory: \(summary)")
            let ran = try FileManager.default.contentsOfDirectory(atPath: markers)
            #expect(ran.isEmpty, "the worker's git ran what the agent planted: \(ran.sorted())")
        }
    }

    @Test(arguments: [
        ("a command line", ["agent_command": "echo from the server"] as [String: JSONValue], [String](), "--allow-command"),
        ("no sandbox", ["sandbox": "none"], ["--allow-command"], "--allow-unsandboxed"),
    ])
    func whatTheHostDidNotAllowIsRefusedAndTheTaskGoesBack(
        _ what: String, _ asked: [String: JSONValue], _ allowing: [String], _ fix: String
    ) async throws {
        let board = try await AgentBoard.start(lease: 30)
        let allowed = "\(WorkerProcess.testAgent) quick"
        var configuration = AgentEndToEndTests.limits
        configuration["executor"] = "command"
        configuration["agent_command"] = .string(allowed)
        configuration.merge(asked) { _, new in new }
        let (id, keyFile) = try await board.worker("guarded", configuration: .object(configuration))
        let extra = ["--allow-local-repositories"] + (allowing.isEmpty ? [] : ["--allow-command", allowed])
        let worker = try WorkerProcess(
            server: board.server.port, keyFile: keyFile, workDirectory: board.root + "/work-guarded", extra: extra)
        defer { worker.kill(SIGTERM) }
        try await board.task("Try \(what)")

        let comment = try await waitForComment(board, "WEB-1", containing: fix)
        #expect(comment?["author"]?["type"]?.string == "bot", "\(worker.output)")
        let task = try await board.get("/tasks/WEB-1")
        #expect(task["status"]?.string == "todo")
        #expect(task["agent"]?["failed_attempts"]?.int == 0)
        #expect(try await board.executions("WEB-1").map { $0["status"]?.string } == ["released"])
        let shown = try await board.waitForWorker(id, "in error, saying why") {
            $0["status"]?.string == "error" && $0["status_message"]?.string?.contains(fix) == true
        }
        #expect(shown["status"]?.string == "error")
        // It says so once and waits for another configuration instead of taking the task again.
        try await Task.sleep(for: .seconds(3))
        #expect(try await board.executions("WEB-1").count == 1)
        #expect(try await board.comments("WEB-1").filter { $0["body"]?.string?.contains(fix) == true }.count == 1)
        // Fixed on the server (back to what the host allows), the task runs.
        var fixed = AgentEndToEndTests.limits
        fixed["executor"] = "command"
        fixed["agent_command"] = .string(allowed)
        fixed["sandbox"] = "auto"
        if allowing.isEmpty {
            let patched = try await board.http.call(
                .PATCH, "/api/v1/workers/\(id)", json: ["configuration": .object(fixed)], cookie: board.cookie)
            #expect(patched.status == 200)
            // This host never allowed the server's command line, whatever the server says.
            try await Task.sleep(for: .seconds(3))
            #expect(try await board.get("/tasks/WEB-1")["status"]?.string == "todo")
        } else {
            let patched = try await board.http.call(
                .PATCH, "/api/v1/workers/\(id)", json: ["configuration": .object(fixed)], cookie: board.cookie)
            #expect(patched.status == 200)
            try await board.waitFor("WEB-1", "review once allowed") { $0["status"]?.string == "review" }
        }
    }

    @Test func aStoppedWaitingWorkerIsNeverHandedTheNextTask() async throws {
        let board = try await AgentBoard.start(lease: 30)
        let stopping = try await board.start("stopping", mode: "quick", configuration: AgentEndToEndTests.limits)
        let staying = try await board.start("staying", mode: "quick", configuration: AgentEndToEndTests.limits)
        defer { staying.kill(SIGTERM) }
        let workers = try await board.get("/workspaces/\(board.workspace)/workers")["workers"]?.array ?? []
        let ids = Dictionary(uniqueKeysWithValues: workers.compactMap { w in w["name"]?.string.map { ($0, w["id"]?.string ?? "") } })
        for name in ["stopping", "staying"] {
            try await board.waitForWorker(ids[name]!, "idle and waiting") { $0["status"]?.string == "idle" }
        }
        // Both are waiting in their claim's long poll; one is stopped there.
        try await Task.sleep(for: .milliseconds(500))
        stopping.kill(SIGTERM)
        #expect(await stopping.waitForExit(timeout: .seconds(10)) == 0, "\(stopping.output)")
        // It said goodbye: offline at once, not after its lease.
        #expect(try await board.get("/workers/\(ids["stopping"]!)")["status"]?.string == "offline")

        for index in 1...3 {
            let created = ContinuousClock.now
            try await board.task("After the stop \(index)")
            let task = try await board.waitFor("WEB-\(index)", timeout: .seconds(10), "claimed") {
                $0["agent"]?["claimed_by"]?.string != nil || $0["status"]?.string == "review"
            }
            let waited = ContinuousClock.now - created
            #expect(waited < .seconds(2), "claimed after \(waited)")
            let executions = try await board.executions("WEB-\(index)")
            #expect(executions.map { $0["worker_id"]?.string } == [ids["staying"]], "\(task)")
            try await board.waitFor("WEB-\(index)", "review") { $0["status"]?.string == "review" }
        }
    }

    @Test func aWorkerStoppedMidTaskGivesItBackAtOnce() async throws {
        let board = try await AgentBoard.start(lease: 60)
        let worker = try await board.start("busy", mode: "slow", configuration: AgentEndToEndTests.limits)
        try await board.task("Interrupted")
        try await board.waitFor("WEB-1", "claimed") { $0["agent"]?["claimed_by"]?.string != nil }
        try await Task.sleep(for: .milliseconds(800))
        let stopped = ContinuousClock.now
        worker.kill(SIGTERM)
        #expect(await worker.waitForExit(timeout: .seconds(15)) == 0, "\(worker.output)")
        let task = try await board.waitFor("WEB-1", timeout: .seconds(5), "back in To Do") {
            $0["status"]?.string == "todo" && $0["agent"]?["claimed_by"] == nil
        }
        #expect(ContinuousClock.now - stopped < .seconds(15), "the task waited for its 60 s lease")
        #expect(task["agent"]?["failed_attempts"]?.int == 0)
        #expect(try await board.executions("WEB-1").map { $0["status"]?.string } == ["released"])
    }

    @Test(.enabled(if: bubblewrap))
    func anAgentTheSandboxCannotRunIsRefusedAtStartWithTheFix() async throws {
        let board = try await AgentBoard.start(withRepository: false)
        // The agent's own folder stays visible in the sandbox, but its interpreter sits elsewhere
        // under /tmp, which the sandbox hides (as `node` from a version manager in the home folder).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)").path
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-\(UUID().uuidString)").path
        for path in [folder, runtime] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(
            atPath: URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path, toPath: runtime + "/interpreter")
        let script = folder + "/agent"
        try "#!\(runtime)/interpreter\necho TASKINFA_STATUS: complete\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let (_, keyFile) = try await board.worker("hidden", configuration: [:])
        let worker = try WorkerProcess(
            server: board.server.port, keyFile: keyFile, workDirectory: board.root + "/work-hidden",
            extra: ["--executor", "command", "--agent-command", script, "--sandbox", "bubblewrap"])
        let status = await worker.waitForExit(timeout: .seconds(30))
        #expect(status != nil && status != 0, "the worker started with an agent its sandbox can't run")
        #expect(worker.output.contains("--share \(runtime)"), "\(worker.output)")
        // With the folder shared, the same agent starts.
        let shared = try WorkerProcess(
            server: board.server.port, keyFile: keyFile, workDirectory: board.root + "/work-shared",
            extra: ["--executor", "command", "--agent-command", script, "--sandbox", "bubblewrap", "--share", runtime])
        defer { shared.kill(SIGTERM) }
        try await Task.sleep(for: .seconds(3))
        #expect(shared.process.isRunning, "\(shared.output)")
    }

    private func waitForComment(_ board: AgentBoard, _ key: String, containing text: String) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let found = try await board.comments(key).first(where: { $0["body"]?.string?.contains(text) == true }) { return found }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("no comment on \(key) mentions \(text): \(try await board.comments(key))")
        return nil
    }
}

extension WorkerProcess {
    /// The exit status, or nil if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Int32? {
        await process.waitForExit(timeout: timeout)
    }
}

extension AgentBoard {
    /// Polls the worker until `condition` holds (or fails the test after `timeout`).
    @discardableResult
    func waitForWorker(
        _ id: String, timeout: Duration = .seconds(30), _ what: String, _ condition: @Sendable (JSONValue) -> Bool
    ) async throws -> JSONValue {
        try await poll("/workers/\(id)", timeout: timeout, "worker \(id) never was \(what)", condition)
    }
}
