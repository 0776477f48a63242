import Foundation
import Logging
import TaskinfaCore

/// How `taskinfa worker` was started. What the host said on its command line (or in its policy
/// file) wins over the worker's configuration on the server, which chooses only among what the host
/// allows (`HostPolicy`).
public struct WorkerOptions: Sendable {
    public var server: String
    public var apiKey: String
    /// The file the key was read from, hidden from the agent by the sandbox.
    public var apiKeyFile: String?
    public var workDirectory: String
    /// The host's own choices (`--executor`, `--agent-command`, `--sandbox`).
    public var pinned = HostPolicy.Pinned()
    /// What the host lets the server choose.
    public var hostPolicy = HostPolicy()
    public var model: String?
    /// Extra folders the agent may read and write (an agent CLI's own state, e.g. ~/.claude).
    public var sharedPaths: [String] = []
    /// Extra environment variables passed to the agent.
    public var passEnvironment: [String] = []
    public var projectID: String?
    /// Seconds a claim waits for work before asking again.
    public var claimWait: Int = 25
    /// This binary, which the agent runs as `taskinfa mcp`.
    public var taskinfaBinary: String

    public init(server: String, apiKey: String, workDirectory: String, taskinfaBinary: String) {
        self.server = server
        self.apiKey = apiKey
        self.workDirectory = workDirectory
        self.taskinfaBinary = taskinfaBinary
    }

    /// The agent and the sandbox for a configuration, or why this host won't run it.
    func agent(for configuration: WorkerConfiguration) throws -> (Executor, Sandbox) {
        let decision = try hostPolicy.decide(configuration, pinned: pinned).get()
        let executor = try Executor.make(
            kind: decision.executor, command: decision.command, model: model ?? configuration.model)
        return (executor, try sandbox(decision.sandbox))
    }

    func sandbox(_ mode: SandboxMode) throws -> Sandbox {
        Sandbox(
            kind: try Sandbox.resolve(mode), shared: sharedPaths, hidden: apiKeyFile.map { [$0] } ?? [],
            workRoot: (workDirectory as NSString).standardizingPath, programs: [taskinfaBinary])
    }

    func folders(forProject key: String) -> ProjectFolders {
        ProjectFolders(workRoot: (workDirectory as NSString).standardizingPath, key: key)
    }

    /// git needs little of the worker's environment: where it lives, who it is, how it reaches remotes.
    var gitEnvironment: [String: String] {
        let keep = ["PATH", "HOME", "LANG", "LC_ALL", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "SSL_CERT_FILE"]
        return ProcessInfo.processInfo.environment.filter { keep.contains($0.key) }
    }
}
