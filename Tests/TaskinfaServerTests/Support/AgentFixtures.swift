import Foundation
import NIOHTTP1
import TaskinfaCore
import Testing

/// A real `taskinfa worker` process.
final class WorkerProcess: @unchecked Sendable {
    let process: Spawned
    let log: String

    static var testAgent: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("taskinfa-test-agent").path
    }

    init(server: Int, keyFile: String, workDirectory: String, extra: [String] = [], environment: [String: String] = [:]) throws {
        log = workDirectory + ".log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process = try Spawned(
            ServerProcess.binary.path,
            ["worker", "--server", "http://127.0.0.1:\(server)", "--api-key-file", keyFile, "--work-dir", workDirectory] + extra,
            environment: env, outputFile: log)
    }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func kill(_ signal: Int32) { process.signal(signal) }
}

/// A board on a real server, with a project whose repository is a local bare git remote.
struct AgentBoard: Sendable {
    let server: ServerProcess
    let http: HTTP
    let cookie: String
    let workspace: String
    let project: String
    let remote: String
    let root: String

    static func start(lease: Int = 3, withRepository: Bool = true, serverOptions: [String] = []) async throws -> AgentBoard {
        let root = try TestDatabase.temporaryDirectory()
        let server = try await ServerProcess(
            dataDirectory: root + "/data", databaseURL: try await TestDatabase.make(),
            extra: ["--lease-seconds", String(lease), "--heartbeat-seconds", "1"] + serverOptions)
        let http = HTTP(port: server.port)
        let signup = try await http.call(.POST, "/api/v1/auth/signup", json: ["email": "e2e@example.com", "password": "mauve kettle orbit"])
        let cookie = String(try #require(signup.headers["Set-Cookie"].first?.split(separator: ";").first?.split(separator: "=").last))
        let workspace = try #require(signup.json["workspace"]?["id"]?.string)
        let remote = root + "/remote.git"
        var projectBody: [String: JSONValue] = ["name": "Web", "key": "WEB"]
        if withRepository {
            try await Git.run(["init", "--quiet", "--bare", "-b", "main", remote], in: root)
            let seed = root + "/seed"
            try await Git.run(["clone", "--quiet", remote, seed], in: root)
            try "# Test repo\n".write(toFile: seed + "/README.md", atomically: true, encoding: .utf8)
            try "Agents: keep it simple.\n".write(toFile: seed + "/AGENTS.md", atomically: true, encoding: .utf8)
            try await Git.run(["add", "."], in: seed)
            try await Git.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed"], in: seed)
            try await Git.run(["push", "--quiet", "origin", "HEAD:main"], in: seed)
            projectBody["repository_url"] = .string("file://" + remote)
        }
        let project = try await http.call(.POST, "/api/v1/workspaces/\(workspace)/projects", json: .object(projectBody), cookie: cookie)
        return AgentBoard(
            server: server, http: http, cookie: cookie, workspace: workspace, project: try #require(project.json["id"]?.string),
            remote: remote, root: root)
    }

    /// Creates a worker through the API (with its configuration) and writes its key to a file.
    func worker(_ name: String, configuration: JSONValue) async throws -> (id: String, keyFile: String) {
        let reply = try await http.call(
            .POST, "/api/v1/workspaces/\(workspace)/workers", json: ["name": .string(name), "configuration": configuration],
            cookie: cookie)
        let secret = try #require(reply.json["secret"]?.string, "\(reply.json)")
        let keyFile = root + "/\(name).key"
        try secret.write(toFile: keyFile, atomically: true, encoding: .utf8)
        return (try #require(reply.json["worker"]?["id"]?.string), keyFile)
    }

    /// Starts a worker process running the test agent in `mode`: the server's configuration asks for
    /// the command line, and the worker's host allows exactly that one (and the local test remote).
    func start(_ name: String, mode: String, configuration: [String: JSONValue] = [:], extra: [String] = [],
        environment: [String: String] = [:]) async throws -> WorkerProcess
    {
        let command = "\(WorkerProcess.testAgent) \(mode)"
        var config = configuration
        config["executor"] = "command"
        config["agent_command"] = .string(command)
        let (_, keyFile) = try await worker(name, configuration: .object(config))
        return try WorkerProcess(
            server: server.port, keyFile: keyFile, workDirectory: root + "/work-\(name)",
            extra: ["--allow-command", command, "--allow-local-repositories"] + extra, environment: environment)
    }

    @discardableResult
    func task(_ title: String, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["project_id": .string(project), "title": .string(title), "status": "todo"]
        body.merge(extra) { _, new in new }
        let reply = try await http.call(.POST, "/api/v1/workspaces/\(workspace)/tasks", json: .object(body), cookie: cookie)
        try #require(reply.status == 201, "\(reply.json)")
        return reply.json
    }

    func get(_ path: String) async throws -> JSONValue {
        try await http.call(.GET, "/api/v1" + path, cookie: cookie).json
    }

    /// Polls the task until `condition` holds (or fails the test after `timeout`).
    @discardableResult
    func waitFor(
        _ key: String, timeout: Duration = .seconds(60), _ what: String,
        _ condition: @Sendable (JSONValue) -> Bool
    ) async throws -> JSONValue {
        try await poll("/tasks/\(key)", timeout: timeout, "\(key) never reached: \(what)", condition)
    }

    /// Reads `path` every 200 ms until `condition` holds; records `failure` and the last answer after `timeout`.
    func poll(
        _ path: String, timeout: Duration, _ failure: String, _ condition: @Sendable (JSONValue) -> Bool
    ) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        var seen = JSONValue.null
        while ContinuousClock.now < deadline {
            seen = try await get(path)
            if condition(seen) { return seen }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("\(failure); last seen \(seen)")
        return seen
    }

    func comments(_ key: String) async throws -> [JSONValue] {
        try await get("/tasks/\(key)/comments?limit=200")["comments"]?.array ?? []
    }

    func executions(_ key: String) async throws -> [JSONValue] {
        try await get("/tasks/\(key)/executions")["executions"]?.array ?? []
    }
}

enum Git {
    @discardableResult
    static func run(_ arguments: [String], in directory: String) async throws -> String {
        let output = NSTemporaryDirectory() + "git-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let git = try Spawned("/usr/bin/env", ["git"] + arguments, directory: directory, outputFile: output)
        guard let status = await git.waitForExit(timeout: .seconds(120)) else { throw GitFailure(text: "git \(arguments) did not finish") }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw GitFailure(text: text) }
        return text
    }

    struct GitFailure: Error { let text: String }
}
