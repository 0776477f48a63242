import Foundation
import Logging
import TaskinfaCore

/// How `taskinfa worker` was started. Command-line choices win over the worker's configuration
/// on the server, which wins over defaults.
public struct WorkerOptions: Sendable {
    public var server: String
    public var apiKey: String
    /// The file the key was read from, hidden from the agent by the sandbox.
    public var apiKeyFile: String?
    public var workDirectory: String
    public var executor: ExecutorKind?
    public var agentCommand: String?
    public var model: String?
    public var sandboxMode: SandboxMode?
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

    func executor(_ configuration: WorkerConfiguration) throws -> Executor {
        let kind = executor ?? (agentCommand != nil ? .command : configuration.executor)
        return try Executor.make(kind: kind, command: agentCommand ?? configuration.agentCommand, model: model ?? configuration.model)
    }

    func sandbox(_ configuration: WorkerConfiguration) throws -> Sandbox {
        let kind = try Sandbox.resolve(sandboxMode ?? configuration.sandbox)
        return Sandbox(
            kind: kind, shared: sharedPaths, hidden: apiKeyFile.map { [$0] } ?? [],
            workRoot: (workDirectory as NSString).standardizingPath, programs: [taskinfaBinary])
    }

    /// git needs little of the worker's environment: where it lives, who it is, how it reaches remotes.
    var gitEnvironment: [String: String] {
        let keep = ["PATH", "HOME", "LANG", "LC_ALL", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "SSL_CERT_FILE"]
        return ProcessInfo.processInfo.environment.filter { keep.contains($0.key) }
    }
}
