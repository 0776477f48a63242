import Foundation
import Testing

@testable import TaskinfaCore
@testable import TaskinfaWorker

@Suite struct ExecutorTests {
    func context(_ root: String = "/work/web") -> Executor.LoopContext {
        Executor.LoopContext(
            prompt: "Do the task", promptFile: root + "/.taskinfa/control/prompt.md", controlDirectory: root + "/.taskinfa/control",
            stateDirectory: root + "/.taskinfa/state", workTree: root, mcpCommand: ["/usr/local/bin/taskinfa", "mcp", "--server", "http://h:1"],
            mcpEnvironment: ["TASKINFA_API_KEY": "tk_x", "TASKINFA_CLAIM_TOKEN": "c"], runningAsRoot: true)
    }

    @Test func claudeRunsNonInteractivelyWithTheTaskinfaTools() throws {
        let invocation = try Executor.make(kind: .claude, command: nil, model: "opus").invocation(context())
        #expect(invocation.command.prefix(2) == ["claude", "-p"])
        for flag in ["--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions", "--strict-mcp-config", "--model", "opus"] {
            #expect(invocation.command.contains(flag), "missing \(flag)")
        }
        #expect(invocation.promptOnStandardInput)
        #expect(invocation.environment["IS_SANDBOX"] == "1")
        let config = try #require(invocation.files["/work/web/.taskinfa/control/mcp.json"])
        #expect(config.contains("\"taskinfa\"") && config.contains("TASKINFA_CLAIM_TOKEN"))
    }

    @Test func codexGetsAPrivateHomeWithTheMCPServer() throws {
        let invocation = try Executor.make(kind: .codex, command: nil, model: nil).invocation(context())
        #expect(invocation.command == ["codex", "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check", "-"])
        #expect(invocation.environment["CODEX_HOME"] == "/work/web/.taskinfa/state/codex-home")
        let toml = try #require(invocation.files["/work/web/.taskinfa/state/codex-home/config.toml"])
        #expect(toml.contains("[mcp_servers.taskinfa]") && toml.contains("command = \"/usr/local/bin/taskinfa\""))
    }

    @Test func theOtherPresetsAndTheGenericContract() throws {
        let gemini = try Executor.make(kind: .gemini, command: nil, model: nil).invocation(context())
        #expect(gemini.command.contains("--yolo") && gemini.environment["GEMINI_CLI_TRUST_WORKSPACE"] == "true")
        let opencode = try Executor.make(kind: .opencode, command: nil, model: nil).invocation(context())
        #expect(opencode.environment["OPENCODE_CONFIG_CONTENT"]?.contains("\"local\"") == true)
        let aider = try Executor.make(kind: .aider, command: nil, model: nil).invocation(context())
        #expect(aider.command.contains("--message-file") && aider.command.contains("/work/web/.taskinfa/control/prompt.md"))
        let generic = try Executor.make(kind: .command, command: "my-agent --fast", model: nil).invocation(context())
        #expect(generic.command == ["/bin/sh", "-c", "my-agent --fast"])
        #expect(generic.starts == ["my-agent"])
        #expect(generic.promptOnStandardInput)
        #expect(generic.environment["TASKINFA_MCP_CONFIG"] == "/work/web/.taskinfa/control/mcp.json")
        #expect(throws: Executor.ExecutorError.self) { try Executor.make(kind: .command, command: nil, model: nil) }
    }

    @Test func usageAndCostAreReadFromEachCLIsOutput() {
        var claude = AgentOutput()
        claude.read(#"{"type":"assistant","message":{"content":[{"type":"text","text":"TASKINFA_STATUS: complete did it"}]}}"#)
        claude.read(#"{"type":"result","is_error":false,"usage":{"input_tokens":120,"output_tokens":30},"total_cost_usd":0.04}"#)
        #expect(claude.status == .complete(summary: "did it"))
        #expect(claude.inputTokens == 120 && claude.outputTokens == 30 && claude.costUSD == 0.04 && claude.sawResult)
        var codex = AgentOutput()
        codex.read(#"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":5}}"#)
        codex.read(#"{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}"#)
        #expect(codex.inputTokens == 11 && codex.outputTokens == 6 && codex.costUSD == nil)
        var opencode = AgentOutput()
        opencode.read(#"{"type":"step_finish","part":{"tokens":{"input":7,"output":3},"cost":0.01}}"#)
        #expect(opencode.inputTokens == 7 && opencode.costUSD == 0.01)
        var plain = AgentOutput()
        plain.read("not json at all {")
        #expect(plain.inputTokens == nil && plain.status == nil)
    }
}

@Suite struct SandboxTests {
    /// A command line may start with what the shell itself runs (`cd sub && agent`, `echo`), and a
    /// program that isn't anywhere is still named.
    @Test func theAgentCheckAcceptsShellBuiltinsAndNamesWhatIsMissing() async {
        let sandbox = Sandbox(kind: .none)
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)").path
        let environment = ["PATH": "/usr/bin:/bin"]
        #expect(await AgentPreflight.problem(programs: ["echo", "cd", "sh"], sandbox: sandbox, probeTree: probe, environment: environment) == nil)
        let missing = await AgentPreflight.problem(
            programs: ["no-such-agent-cli"], sandbox: sandbox, probeTree: probe, environment: environment)
        #expect(missing?.contains("`no-such-agent-cli` is not there") == true)
    }

    @Test func bubblewrapConfinesTheAgentToItsWorkTree() {
        let sandbox = Sandbox(
            kind: .bubblewrap(path: "/usr/bin/bwrap"), shared: [], hidden: ["/etc/hostname"], workRoot: "/srv/work",
            home: "/home/bot")
        let (executable, arguments) = sandbox.wrap(["agent", "--go"], workTree: "/srv/work/web", environment: ["A": "1"])
        #expect(executable == "/usr/bin/bwrap")
        let joined = arguments.joined(separator: " ")
        #expect(joined.contains("--ro-bind / /"))
        #expect(joined.contains("--tmpfs /tmp"))
        #expect(joined.contains("--tmpfs /home/bot"))
        #expect(joined.contains("--tmpfs /srv/work"))
        #expect(joined.contains("--bind /srv/work/web /srv/work/web"))
        #expect(joined.contains("--ro-bind /dev/null /etc/hostname"))
        #expect(joined.contains("--clearenv --setenv A 1"))
        #expect(joined.contains("--unshare-pid") && joined.contains("--die-with-parent"))
        #expect(arguments.suffix(3) == ["--", "agent", "--go"])
        // The work tree is mounted after the folders that hide it.
        #expect(joined.range(of: "--tmpfs /srv/work")!.lowerBound < joined.range(of: "--bind /srv/work/web")!.lowerBound)
    }

    @Test func programsInHiddenFoldersStayRunnable() {
        let sandbox = Sandbox(
            kind: .bubblewrap(path: "/usr/bin/bwrap"), workRoot: "/srv/work", home: "/home/bot",
            programs: ["/tmp/build/taskinfa", "/usr/local/bin/taskinfa"])
        // Folders under /tmp or home come back read-only; a program right in home shows only itself;
        // programs outside the hidden folders need nothing.
        #expect(sandbox.programFolders(["/home/bot/.local/bin/claude", "/home/bot/agent", "/usr/bin/git", "/tmp/build/taskinfa"])
            == ["/home/bot/.local/bin", "/home/bot/agent", "/tmp/build"])
        let joined = sandbox.wrap(["/bin/sh", "-c", "/tmp/agent/run"], alsoRunning: ["/tmp/agent/run"], workTree: "/srv/work/web", environment: [:])
            .arguments.joined(separator: " ")
        #expect(joined.contains("--ro-bind /tmp/agent /tmp/agent") && joined.contains("--ro-bind /tmp/build /tmp/build"))
        #expect(joined.range(of: "--tmpfs /tmp")!.lowerBound < joined.range(of: "--ro-bind /tmp/build")!.lowerBound)
    }

    @Test func theGitDirectoryIsReadOnlyAndTheAgentsStateWritable() {
        let sandbox = Sandbox(kind: .bubblewrap(path: "/usr/bin/bwrap"), workRoot: "/srv/work", home: "/home/bot")
        let arguments = sandbox.wrap(
            ["agent"], workTree: "/srv/work/web", readable: ["/usr/share", "/nonexistent-git"], writable: ["/var/tmp"],
            environment: [:]
        ).arguments
        let joined = arguments.joined(separator: " ")
        #expect(joined.contains("--bind /var/tmp /var/tmp"))
        #expect(joined.contains("--ro-bind /usr/share /usr/share"))
        // Read-only binds come after the writable ones, so a read-only folder inside a writable one stays read-only.
        #expect(joined.range(of: "--bind /var/tmp")!.lowerBound < joined.range(of: "--ro-bind /usr/share")!.lowerBound)
        // A missing folder is left out (bwrap would refuse to start).
        #expect(!arguments.contains("/nonexistent-git"))
    }

    @Test func withoutASandboxTheCommandRunsAsIs() {
        let (executable, arguments) = Sandbox(kind: .none).wrap(["agent", "x"], workTree: "/w", environment: [:])
        #expect(executable == "agent" && arguments == ["x"])
    }

    @Test func askingForBubblewrapWithoutItFails() {
        #expect(throws: Sandbox.SandboxError.self) { try Sandbox.resolve(.bubblewrap, bubblewrap: nil) }
        #expect((try? Sandbox.resolve(.auto, bubblewrap: nil)) == Sandbox.Kind.none)
    }

    @Test func theAgentGetsTheContractAndTheAllowlistOnly() {
        let environment = AgentEnvironment.make(
            inherited: ["PATH": "/bin", "ANTHROPIC_API_KEY": "sk", "AWS_SECRET_ACCESS_KEY": "no", "MY_TOKEN": "t"],
            passing: ["MY_TOKEN"], contract: ["TASKINFA_TASK_ID": "tsk_1"], home: "/home/bot")
        #expect(environment == ["PATH": "/bin", "ANTHROPIC_API_KEY": "sk", "MY_TOKEN": "t", "TASKINFA_TASK_ID": "tsk_1", "HOME": "/home/bot"])
    }
}
