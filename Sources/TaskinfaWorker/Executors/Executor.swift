import Foundation
import TaskinfaCore

/// How one agent CLI is driven through the generic contract: the command line, what it reads the
/// prompt from, how its MCP server is configured, and where its output says what it cost.
/// Facts per CLI: `reference/agent-clis.md`.
struct Executor: Sendable {
    let kind: ExecutorKind
    /// The program (`claude`, …) or, for `command`, the user's command line run by `sh -c`.
    let program: String
    let model: String?

    /// What one loop runs.
    struct Invocation: Sendable {
        var command: [String]
        /// The prompt goes to the command's standard input (it is always in the prompt file too).
        var promptOnStandardInput: Bool
        var environment: [String: String]
        /// Files to write before the loop (path → contents), e.g. the MCP configuration.
        var files: [String: String]
        /// The program a shell command line starts, which the sandbox must keep runnable.
        var starts: [String] = []
    }

    /// Everything an invocation needs to know.
    struct LoopContext: Sendable {
        var prompt: String
        var promptFile: String
        /// The worker's files for the agent, read-only to it (MCP configuration).
        var controlDirectory: String
        /// The agent CLI's own state for this execution, writable by it (Codex's home).
        var stateDirectory: String
        var workTree: String
        /// How the agent reaches the Taskinfa tools: `taskinfa mcp` with these arguments and environment.
        var mcpCommand: [String]
        var mcpEnvironment: [String: String]
        var runningAsRoot: Bool
    }

    static func make(kind: ExecutorKind, command: String?, model: String?) throws -> Executor {
        if kind == .command {
            guard let command, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ExecutorError.missingCommand
            }
            return Executor(kind: kind, program: command, model: model)
        }
        return Executor(kind: kind, program: command ?? Self.defaultProgram(kind), model: model)
    }

    static func defaultProgram(_ kind: ExecutorKind) -> String {
        switch kind {
        case .claude: "claude"
        case .codex: "codex"
        case .gemini: "gemini"
        case .opencode: "opencode"
        case .aider: "aider"
        case .command: "sh"
        }
    }

    /// Whether the CLI can use the Taskinfa MCP tools (the others report through the status line).
    static func supportsMCP(_ kind: ExecutorKind) -> Bool {
        [.claude, .codex, .opencode, .command].contains(kind)
    }

    func invocation(_ context: LoopContext) -> Invocation {
        var environment: [String: String] = [:]
        var files: [String: String] = [:]
        let mcpServer: [String: Any] = ["command": context.mcpCommand[0], "args": Array(context.mcpCommand.dropFirst()), "env": context.mcpEnvironment]
        switch kind {
        case .claude:
            let config = (context.controlDirectory as NSString).appendingPathComponent("mcp.json")
            files[config] = Self.json(["mcpServers": ["taskinfa": mcpServer]])
            if context.runningAsRoot { environment["IS_SANDBOX"] = "1" }
            var command = [
                program, "-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions",
                "--mcp-config", config, "--strict-mcp-config",
            ]
            if let model { command += ["--model", model] }
            return Invocation(command: command, promptOnStandardInput: true, environment: environment, files: files)
        case .codex:
            let home = (context.stateDirectory as NSString).appendingPathComponent("codex-home")
            var toml = "[mcp_servers.taskinfa]\ncommand = \(Self.tomlString(context.mcpCommand[0]))\n"
            toml += "args = [\(context.mcpCommand.dropFirst().map(Self.tomlString).joined(separator: ", "))]\n"
            toml += "[mcp_servers.taskinfa.env]\n"
            for (key, value) in context.mcpEnvironment.sorted(by: { $0.key < $1.key }) { toml += "\(key) = \(Self.tomlString(value))\n" }
            files[(home as NSString).appendingPathComponent("config.toml")] = toml
            environment["CODEX_HOME"] = home
            var command = [program, "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check"]
            if let model { command += ["-m", model] }
            command.append("-")
            return Invocation(command: command, promptOnStandardInput: true, environment: environment, files: files)
        case .gemini:
            environment["GEMINI_CLI_TRUST_WORKSPACE"] = "true"
            var command = [program, "-p", context.prompt, "--yolo", "-o", "stream-json"]
            if let model { command += ["-m", model] }
            return Invocation(command: command, promptOnStandardInput: false, environment: environment, files: files)
        case .opencode:
            let local: [String: Any] = [
                "type": "local", "command": context.mcpCommand, "environment": context.mcpEnvironment,
            ]
            environment["OPENCODE_CONFIG_CONTENT"] = Self.json(["mcp": ["taskinfa": local]])
            environment["PWD"] = context.workTree
            var command = [program, "run", "--format", "json", "--dangerously-skip-permissions", "--dir", context.workTree]
            if let model { command += ["--model", model] }
            return Invocation(command: command, promptOnStandardInput: true, environment: environment, files: files)
        case .aider:
            var command = [program, "--message-file", context.promptFile, "--yes-always", "--no-pretty", "--no-stream", "--no-auto-commits"]
            if let model { command += ["--model", model] }
            return Invocation(command: command, promptOnStandardInput: false, environment: environment, files: files)
        case .command:
            // The generic contract: prompt on stdin and in TASKINFA_PROMPT_FILE; the MCP server is
            // described in TASKINFA_MCP_CONFIG for agents that can use one.
            let config = (context.controlDirectory as NSString).appendingPathComponent("mcp.json")
            files[config] = Self.json(["mcpServers": ["taskinfa": mcpServer]])
            environment["TASKINFA_MCP_CONFIG"] = config
            return Invocation(
                command: ["/bin/sh", "-c", program], promptOnStandardInput: true, environment: environment, files: files,
                starts: startedPrograms)
        }
    }

    /// The programs a loop starts, which must be runnable inside the sandbox: the preset's CLI, or
    /// the first program of a command line (the sandbox can only keep that one visible; what it runs
    /// in turn is its business).
    var startedPrograms: [String] {
        guard kind == .command else { return [program] }
        let first = program.split(whereSeparator: \.isWhitespace).first.map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return first.map { [$0] } ?? []
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func tomlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    enum ExecutorError: Error, CustomStringConvertible {
        case missingCommand

        var description: String {
            "the command executor needs a command line (--agent-command or the worker's agent_command)"
        }
    }
}
