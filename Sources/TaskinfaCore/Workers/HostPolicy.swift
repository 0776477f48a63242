/// What the person who runs `taskinfa worker` on a machine lets the server ask of it. The server's
/// worker configuration chooses among what the host allows — the executor preset, the model, the
/// limits, the breakers, the projects — but a command line to run, a preset pointed at another
/// program, or turning the sandbox off is the host's decision: any workspace admin can edit the
/// configuration, and none of them should be able to run a shell command on someone else's machine.
public struct HostPolicy: Codable, Equatable, Sendable {
    /// Presets the server may pick; nil = every preset (each runs its well-known CLI).
    public var executors: [ExecutorKind]?
    /// Command lines the server may ask for (`agent_command`), exactly as written.
    public var commands: [String]
    /// Whether the server may turn the sandbox off.
    public var allowUnsandboxed: Bool
    /// Whether the worker clones `file://` repositories (its own disk).
    public var allowLocalRepositories: Bool

    public init(
        executors: [ExecutorKind]? = nil, commands: [String] = [], allowUnsandboxed: Bool = false,
        allowLocalRepositories: Bool = false
    ) {
        self.executors = executors
        self.commands = commands
        self.allowUnsandboxed = allowUnsandboxed
        self.allowLocalRepositories = allowLocalRepositories
    }

    enum CodingKeys: String, CodingKey {
        case executors, commands
        case allowUnsandboxed = "allow_unsandboxed"
        case allowLocalRepositories = "allow_local_repositories"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        executors = try container.decodeIfPresent([ExecutorKind].self, forKey: .executors)
        commands = try container.decodeIfPresent([String].self, forKey: .commands) ?? []
        allowUnsandboxed = try container.decodeIfPresent(Bool.self, forKey: .allowUnsandboxed) ?? false
        allowLocalRepositories = try container.decodeIfPresent(Bool.self, forKey: .allowLocalRepositories) ?? false
    }

    /// Both policies' allowances together (the command line's and the local file's).
    public func merged(with other: HostPolicy) -> HostPolicy {
        let executors: [ExecutorKind]? =
            switch (self.executors, other.executors) {
            case (nil, nil): nil
            case (let some?, nil), (nil, let some?): some
            case (let a?, let b?): a + b.filter { !a.contains($0) }
            }
        return HostPolicy(
            executors: executors, commands: commands + other.commands.filter { !commands.contains($0) },
            allowUnsandboxed: allowUnsandboxed || other.allowUnsandboxed,
            allowLocalRepositories: allowLocalRepositories || other.allowLocalRepositories)
    }

    /// What the host itself said on the command line; it wins over the server's configuration.
    public struct Pinned: Equatable, Sendable {
        public var executor: ExecutorKind?
        public var agentCommand: String?
        public var sandbox: SandboxMode?

        public init(executor: ExecutorKind? = nil, agentCommand: String? = nil, sandbox: SandboxMode? = nil) {
            self.executor = executor
            self.agentCommand = agentCommand
            self.sandbox = sandbox
        }
    }

    /// What the worker runs: the executor, its command (a command line, or a preset's program; nil
    /// for the preset's own CLI) and the sandbox mode.
    public struct Decision: Equatable, Sendable {
        public var executor: ExecutorKind
        public var command: String?
        public var sandbox: SandboxMode
    }

    /// Why a host won't run what the server asked, with the field and the fix.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var fix: String

        public var description: String { "\(reason) (\(field)); \(fix)" }
    }

    /// Applies the host's choices and allowances to the server's configuration.
    public func decide(_ configuration: WorkerConfiguration, pinned: Pinned) -> Result<Decision, Refusal> {
        let executor = pinned.executor ?? (pinned.agentCommand != nil ? .command : configuration.executor)
        let command: String?
        if let own = pinned.agentCommand {
            command = own
        } else if let asked = configuration.agentCommand {
            guard commands.contains(asked) else {
                return .failure(
                    Refusal(
                        field: "configuration.agent_command",
                        reason: "the server asks this worker to run the command line `\(asked)`, which its host hasn't allowed",
                        fix: "the person running the worker can allow it with --allow-command '\(asked)' (or in the --host-policy file)"))
            }
            command = asked
        } else {
            command = nil
        }
        if pinned.executor == nil, pinned.agentCommand == nil, executor != .command,
            let executors, !executors.contains(executor)
        {
            return .failure(
                Refusal(
                    field: "configuration.executor",
                    reason: "the server asks for the \(executor.rawValue) executor, which this worker's host doesn't allow (it allows \(executors.map(\.rawValue).joined(separator: ", ")))",
                    fix: "pick an allowed executor, or the host can add --allow-executor \(executor.rawValue)"))
        }
        let sandbox = pinned.sandbox ?? configuration.sandbox
        if pinned.sandbox == nil, sandbox == .none, !allowUnsandboxed {
            return .failure(
                Refusal(
                    field: "configuration.sandbox",
                    reason: "the server asks this worker to run its agent without a sandbox, with the full rights of the worker's user, which its host hasn't allowed",
                    fix: "use auto or bubblewrap, or the host can allow it with --allow-unsandboxed"))
        }
        return .success(Decision(executor: executor, command: command, sandbox: sandbox))
    }

    /// Whether the worker clones from this repository URL, and if not, why and how to allow it.
    public func check(repository: RepositoryURL) -> Refusal? {
        switch repository.transport {
        case .https, .ssh:
            return nil
        case .local:
            return allowLocalRepositories
                ? nil
                : Refusal(
                    field: "repository_url",
                    reason: "the project's repository `\(repository.text)` is on this machine's own disk, which this worker doesn't clone by default",
                    fix: "use an https or ssh URL, or the host can allow local repositories with --allow-local-repositories")
        case .http, .git:
            return Refusal(
                field: "repository_url",
                reason: "the project's repository `\(repository.text)` uses \(repository.transport.rawValue)://, which is neither encrypted nor authenticated: anyone on the way could change the code the agent works on",
                fix: "use an https or ssh URL")
        }
    }
}
