import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import TaskinfaCore
import TaskinfaWorker

/// `taskinfa worker`: a bot that claims tasks and runs a coding agent on them.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a bot worker: claim tasks, run a coding agent on them, hand the results to review.",
        discussion: """
            The key is the worker's own (create the worker in the workspace; the server shows the exact
            command). The worker's configuration on the server picks the executor preset, the model, the
            limits and the projects; the options below override it. What runs on this machine is this
            machine's decision: the server can't make the worker run a command line (--allow-command),
            a preset pointed at another program, or an agent without the sandbox (--allow-unsandboxed)
            unless allowed here. Any CLI can be plugged in with --executor command --agent-command "…"
            (see the README for the contract it follows).
            """)

    @Option(help: "The Taskinfa server, e.g. https://taskinfa.example.com (env TASKINFA_SERVER_URL).")
    var server: String?

    @Option(help: "The worker's API key (env TASKINFA_API_KEY). Prefer --api-key-file.")
    var apiKey: String?

    @Option(help: "A file holding the worker's API key (hidden from the agent by the sandbox).")
    var apiKeyFile: String?

    @Option(name: .customLong("work-dir"), help: "Where repositories are cloned (env TASKINFA_WORK_DIR).")
    var workDirectory: String?

    @Option(help: "claude, codex, gemini, opencode, aider or command.")
    var executor: String?

    @Option(help: "The command line an agent runs with (for --executor command), or the preset's program path.")
    var agentCommand: String?

    @Option(help: "The model the agent uses.")
    var model: String?

    @Option(help: "auto (bubblewrap when installed), bubblewrap or none.")
    var sandbox: String?

    @Option(name: .customLong("share"), help: "A folder the sandboxed agent may read and write (repeatable), e.g. ~/.claude.")
    var sharedPaths: [String] = []

    @Option(name: .customLong("pass-env"), help: "An environment variable passed to the agent (repeatable).")
    var passEnvironment: [String] = []

    @Option(help: "Only take tasks of this project.")
    var project: String?

    @Option(name: .customLong("allow-executor"), help: "A preset the server may choose (repeatable; default: every preset).")
    var allowedExecutors: [String] = []

    @Option(name: .customLong("allow-command"), help: "A command line the server's agent_command may ask for, exactly (repeatable).")
    var allowedCommands: [String] = []

    @Flag(help: "Let the server's configuration turn the sandbox off (the agent then has this user's full rights).")
    var allowUnsandboxed = false

    @Flag(help: "Clone file:// repositories from this machine's own disk.")
    var allowLocalRepositories = false

    @Option(help: "A JSON file with what the server may choose: {\"executors\": [...], \"commands\": [...], \"allow_unsandboxed\": false, \"allow_local_repositories\": false}.")
    var hostPolicy: String?

    @Flag(help: "List the agent CLIs the worker knows and whether each is installed, then exit.")
    var listExecutors = false

    func run() async throws {
        if listExecutors {
            print(ExecutorCatalog.report())
            return
        }
        let environment = ProcessInfo.processInfo.environment
        guard let server = server ?? environment["TASKINFA_SERVER_URL"] else {
            throw ValidationError("--server is required (or TASKINFA_SERVER_URL)")
        }
        var key = apiKey ?? environment["TASKINFA_API_KEY"]
        if let apiKeyFile {
            key = try String(contentsOfFile: apiKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let key, !key.isEmpty else { throw ValidationError("an API key is required: --api-key-file, --api-key or TASKINFA_API_KEY") }
        var options = WorkerOptions(
            server: server, apiKey: key,
            workDirectory: (workDirectory ?? environment["TASKINFA_WORK_DIR"] ?? "./taskinfa-work").absolutePath,
            taskinfaBinary: Self.currentBinary())
        options.apiKeyFile = apiKeyFile?.absolutePath
        if let executor { options.pinned.executor = try Self.executor(executor, option: "--executor") }
        options.pinned.agentCommand = agentCommand
        options.model = model
        var policy = HostPolicy(
            executors: allowedExecutors.isEmpty ? nil : try allowedExecutors.map { try Self.executor($0, option: "--allow-executor") },
            commands: allowedCommands, allowUnsandboxed: allowUnsandboxed, allowLocalRepositories: allowLocalRepositories)
        if let hostPolicy {
            let data = try Data(contentsOf: URL(fileURLWithPath: hostPolicy.absolutePath))
            do {
                policy = policy.merged(with: try JSONDecoder().decode(HostPolicy.self, from: data))
            } catch {
                throw ValidationError("--host-policy \(hostPolicy) is not a host policy: \(error)")
            }
        }
        options.hostPolicy = policy
        if let sandbox {
            guard let mode = SandboxMode(rawValue: sandbox) else {
                throw ValidationError("--sandbox must be auto, bubblewrap or none")
            }
            if mode == .none {
                FileHandle.standardError.write(
                    Data("warning: --sandbox none: the agent runs with this user's full rights\n".utf8))
            }
            options.pinned.sandbox = mode
        }
        options.sharedPaths = sharedPaths.map(\.absolutePath)
        options.passEnvironment = passEnvironment
        options.projectID = project
        var logger = Logger(label: "taskinfa.worker")
        logger.logLevel = .info
        let runtime = WorkerRuntime(options: options, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [WorkerService(runtime: runtime)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func executor(_ name: String, option: String) throws -> ExecutorKind {
        guard let kind = ExecutorKind(rawValue: name) else {
            throw ValidationError("\(option) must be one of \(ExecutorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// This executable, which agents run as `taskinfa mcp`.
    static func currentBinary() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0].absolutePath
    }
}

/// The worker as a service: SIGTERM stops claiming and stops the agent (its task returns to the
/// queue when its lease lapses).
struct WorkerService: Service {
    let runtime: WorkerRuntime

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await runtime.run()
        }
    }
}

extension String {
    var absolutePath: String {
        let expanded = (self as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded) as NSString)
            .standardizingPath
    }
}
