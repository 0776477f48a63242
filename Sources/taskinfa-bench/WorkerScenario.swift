import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The worker side: claims per second with many workers at once (and a check that no task went to
/// two of them), how fast a waiting worker gets a new task, what the worker process itself costs
/// per loop, and its memory while an agent floods it with output.
struct WorkerScenario: Sendable {
    let binary: String
    let databaseURL: String?
    let name: String
    let clients: Int

    func run(into report: inout Report) async throws {
        let server = try ServerUnderTest(binary: binary, databaseURL: databaseURL)
        defer { server.stop() }
        try await withHTTPClient(connections: 256) { http in
            try await measure(into: &report, server: server, http: http)
        }
    }

    private func measure(into report: inout Report, server: ServerUnderTest, http: HTTPClient) async throws {
        var signedIn = Client(http: http, base: "http://127.0.0.1:\(server.port)")
        let (workspace, project, cookie) = try await Scenario.signUp(&signedIn)
        let admin = signedIn
        if report.ceiling.isNaN {
            report.ceiling = try await admin.load(clients: clients, duration: .seconds(5)) { _, _ in
                try await admin.request(.GET, "/healthz").0 == 200
            }.rate
        }

        for workers in [16, 64] {
            let keys = try await makeWorkers(admin, workspace: workspace, cookie: cookie, count: workers, prefix: "c\(workers)-")
            let tasks = 3_000
            try await Scenario.fill(admin, workspace: workspace, project: project, count: tasks, status: "todo", clients: 32)
            let claimed = ClaimLedger()
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (workerID, key) in keys {
                    group.addTask {
                        let worker = Client(http: http, base: admin.base, bearer: key)
                        while true {
                            let (status, body) = try await worker.request(.POST, "/api/v1/workers/\(workerID)/claim?wait=0")
                            guard status == 200, let task = ((body as? [String: Any])?["task"] as? [String: Any])?["id"] as? String
                            else { return }
                            await claimed.add(task)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = (ContinuousClock.now - started).milliseconds / 1000
            let (total, distinct) = await claimed.counts
            report.add("claims/s, \(workers) workers racing", Double(total) / elapsed, "/s", ratio: true, target: workers == 64 ? ">= 500 /s" : "")
            report.add("tasks claimed twice, \(workers) workers", Double(total - distinct), "", target: "0")
        }

        // A worker waiting in a long poll: from the create request to the claim answer.
        let (waiterID, waiterKey) = try require(try await makeWorkers(admin, workspace: workspace, cookie: cookie, count: 1, prefix: "wait-").first)
        let waiter = Client(http: http, base: admin.base, bearer: waiterKey)
        var latency = Samples()
        for index in 0..<200 {
            async let claim = waiter.request(.POST, "/api/v1/workers/\(waiterID)/claim?wait=20")
            try await Task.sleep(for: .milliseconds(20))
            let sent = ContinuousClock.now
            let (created, _) = try await admin.request(
                .POST, "/api/v1/workspaces/\(workspace)/tasks",
                json: ["project_id": project, "title": "waited for \(index)", "status": "todo", "priority": "urgent"])
            guard created == 201 else { throw BenchError.unexpected("create answered \(created)") }
            let (status, _) = try await claim
            guard status == 200 else { throw BenchError.unexpected("waiting claim answered \(status)") }
            latency.add((ContinuousClock.now - sent).milliseconds)
        }
        report.add("task created → waiting worker's claim, p50", latency.percentile(50), "ms")
        report.add("task created → waiting worker's claim, p99", latency.percentile(99), "ms", target: "< 100 ms")
    }

    /// The worker process on a server of its own: the thousands of claims above hold leases that
    /// the reaper later returns to the queue, and that work would be measured too.
    func runWorkerProcess(into report: inout Report) async throws {
        let server = try ServerUnderTest(binary: binary, databaseURL: databaseURL)
        defer { server.stop() }
        try await withHTTPClient(connections: 16) { http in
            var signedIn = Client(http: http, base: "http://127.0.0.1:\(server.port)")
            let (workspace, _, cookie) = try await Scenario.signUp(&signedIn)
            try await workerProcessFigures(into: &report, admin: signedIn, workspace: workspace, cookie: cookie)
        }
    }

    /// Runs a real `taskinfa worker`: loop overhead from two executions that differ only in their
    /// number of (instant) agent loops, and peak memory while an agent prints a flood of lines.
    private func workerProcessFigures(into report: inout Report, admin: Client, workspace: String, cookie: String)
        async throws
    {
        let (_, projectBody) = try await admin.request(
            .POST, "/api/v1/workspaces/\(workspace)/projects", json: ["name": "Loops", "key": "LOOP"])
        guard let project = (projectBody as? [String: Any])?["id"] as? String else { throw BenchError.unexpected("no project") }
        func execution(loops: Int, agent: String) async throws -> (duration: Double, peakMB: Double, peakAnonymousMB: Double) {
            let configuration: [String: Any] = [
                "executor": "command", "agent_command": agent, "max_loops": loops, "no_progress_limit": 100,
                "error_limit": 100, "allowed_project_ids": [project],
            ]
            let (workerID, key) = try await makeWorker(
                admin, workspace: workspace, cookie: cookie, name: "loops-\(loops)-\(UUID().uuidString.prefix(4))",
                configuration: configuration)
            _ = workerID
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-worker-\(UUID().uuidString)").path
            let (_, taskBody) = try await admin.request(
                .POST, "/api/v1/workspaces/\(workspace)/tasks", json: ["project_id": project, "title": "loops \(loops)", "status": "todo"])
            guard let taskID = (taskBody as? [String: Any])?["id"] as? String else { throw BenchError.unexpected("no task") }
            let worker = Process()
            worker.executableURL = URL(fileURLWithPath: binary)
            // The worker's own machine allows this exact command, unsandboxed: the server can't.
            worker.arguments = [
                "worker", "--server", admin.base, "--work-dir", folder, "--sandbox", "none", "--allow-unsandboxed",
                "--allow-command", agent,
            ]
            worker.environment = ProcessInfo.processInfo.environment.merging(["TASKINFA_API_KEY": key]) { _, new in new }
            // What the worker says goes to a file, read back if it never finishes.
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let log = folder + "/worker.log"
            guard FileManager.default.createFile(atPath: log, contents: nil) else {
                throw BenchError.unexpected("could not create \(log)")
            }
            let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            worker.standardOutput = logHandle
            worker.standardError = logHandle
            try worker.run()
            defer {
                worker.terminate()
                worker.waitUntilExit()
                try? FileManager.default.removeItem(atPath: folder)
            }
            var peak = 0.0
            var peakAnonymous = 0.0
            let deadline = ContinuousClock.now + .seconds(300)
            while ContinuousClock.now < deadline {
                peak = max(peak, ServerUnderTest.residentMegabytes(of: worker.processIdentifier))
                peakAnonymous = max(peakAnonymous, ServerUnderTest.anonymousMegabytes(of: worker.processIdentifier))
                let (_, body) = try await admin.request(.GET, "/api/v1/tasks/\(taskID)/executions")
                if let run = ((body as? [String: Any])?["executions"] as? [[String: Any]])?.first,
                    let started = run["started_at"] as? String, let finished = run["finished_at"] as? String,
                    let start = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(started),
                    let end = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(finished)
                {
                    return (end.timeIntervalSince(start) * 1000, peak, peakAnonymous)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let said = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw BenchError.unexpected("the worker never finished \(taskID); it said:\n\(said ?? "")")
        }
        let instant = "echo working"
        let one = try await execution(loops: 1, agent: instant)
        let many = try await execution(loops: 21, agent: instant)
        report.add("worker overhead per agent loop (git status, prompt, logs)", (many.duration - one.duration) / 20, "ms", target: "< 50 ms")
        report.add("execution set-up and wrap-up (clone/branch, commit, report)", one.duration, "ms")
        let flood = try await execution(loops: 1, agent: "seq 1 400000; sleep 1; echo 'TASKINFA_STATUS: complete flooded'")
        report.add("worker peak memory, agent printing 400k lines", flood.peakMB, "MB", target: "< 40 MB")
        report.add("  of which private (heap, stacks; not the shared binary)", flood.peakAnonymousMB, "MB")
    }

    private func makeWorkers(_ admin: Client, workspace: String, cookie: String, count: Int, prefix: String) async throws
        -> [(String, String)]
    {
        var result: [(String, String)] = []
        for index in 0..<count {
            result.append(
                try await makeWorker(
                    admin, workspace: workspace, cookie: cookie, name: "\(prefix)\(index)",
                    configuration: ["executor": "command", "agent_command": "true"]))
        }
        return result
    }

    private func makeWorker(
        _ admin: Client, workspace: String, cookie: String, name: String, configuration: [String: Any]
    ) async throws -> (String, String) {
        var request = HTTPClientRequest(url: admin.base + "/api/v1/workspaces/\(workspace)/workers")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Cookie", value: cookie)
        request.headers.add(name: "X-CSRF-Token", value: Scenario.csrfToken(cookie: cookie))
        request.body = .bytes(
            ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["name": name, "configuration": configuration])))
        let response = try await admin.http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let secret = object["secret"] as? String, let id = (object["worker"] as? [String: Any])?["id"] as? String
        else { throw BenchError.unexpected("could not create a worker: \(String(buffer: body))") }
        return (id, secret)
    }
}

actor ClaimLedger {
    private var all: [String] = []

    func add(_ task: String) { all.append(task) }

    var counts: (Int, Int) { (all.count, Set(all).count) }
}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw BenchError.unexpected("missing value") }
    return value
}

/// Only the worker side's claim race and long-poll latency, on a fresh server:
/// `taskinfa-bench claims --database postgres`.
struct Claims: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure claims with many racing workers, and a waiting worker's latency.")

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let url = try await server.freshDatabaseURL(server.database)
        var report = Report(name: server.database)
        try await WorkerScenario(binary: server.binaryPath, databaseURL: url, name: server.database, clients: 32).run(into: &report)
        report.print()
    }
}
