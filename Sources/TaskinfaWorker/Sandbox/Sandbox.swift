import Foundation
import TaskinfaCore

/// Where the agent runs. With bubblewrap (Linux) the agent sees the whole file system read-only
/// except its own work tree, gets a private /tmp, /proc and process namespace, and no view of the
/// worker's home folder, its key file or the other tasks' work trees. Network access stays (the
/// agent needs its model and the Taskinfa server). See the README for what this does not cover.
struct Sandbox: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case bubblewrap(path: String)
        case none
    }

    var kind: Kind
    /// Folders shared read-write with the agent besides its work tree (e.g. an agent CLI's state).
    var shared: [String] = []
    /// Files hidden from the agent (the worker's key file).
    var hidden: [String] = []
    /// The worker's work folder: the other tasks' trees in it are hidden.
    var workRoot: String?
    var home: String = FileManager.default.homeDirectoryForCurrentUser.path
    /// Programs the agent runs besides its own command (this binary, as `taskinfa mcp`).
    var programs: [String] = []

    /// Picks the sandbox for a mode: `auto` uses bubblewrap when installed and usable.
    static func resolve(_ mode: SandboxMode, bubblewrap: String? = ProcessRunner.locate("bwrap")) throws -> Kind {
        switch mode {
        case .none: return .none
        case .bubblewrap:
            guard let bubblewrap else { throw SandboxError.unavailable }
            return .bubblewrap(path: bubblewrap)
        case .auto:
            return bubblewrap.map { .bubblewrap(path: $0) } ?? .none
        }
    }

    /// The command line that runs `command` inside the sandbox, in `workTree`, with exactly `environment`;
    /// `alsoRunning` names programs the command starts (the agent behind a shell line). `readable`
    /// folders are shown read-only (the repository's git directory, the worker's control files),
    /// `writable` ones read-write (the agent CLI's state for this execution).
    func wrap(
        _ command: [String], alsoRunning: [String] = [], workTree: String, readable: [String] = [],
        writable: [String] = [], environment: [String: String]
    ) -> (executable: String, arguments: [String]) {
        guard case .bubblewrap(let bwrap) = kind else {
            return (command[0], Array(command.dropFirst()))
        }
        var arguments = [
            "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        ]
        // Hide the home folder and the worker's other work trees, then open the agent's own tree.
        arguments += ["--tmpfs", home]
        if let workRoot { arguments += ["--tmpfs", workRoot] }
        // An agent CLI installed in the home folder (npm, pipx, ~/.local/bin) or a binary under /tmp
        // must stay runnable: its folder comes back read-only.
        let started = ([command[0]] + alsoRunning).map { ProcessRunner.locate($0, path: environment["PATH"]) ?? $0 }
        for path in programFolders(started + programs) {
            arguments += ["--ro-bind", path, path]
        }
        for path in shared where FileManager.default.fileExists(atPath: path) {
            arguments += ["--bind", path, path]
        }
        arguments += ["--bind", workTree, workTree]
        for path in writable where FileManager.default.fileExists(atPath: path) {
            arguments += ["--bind", path, path]
        }
        for path in readable where FileManager.default.fileExists(atPath: path) {
            arguments += ["--ro-bind", path, path]
        }
        for file in hidden where FileManager.default.fileExists(atPath: file) {
            arguments += ["--ro-bind", "/dev/null", file]
        }
        arguments += ["--clearenv"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            arguments += ["--setenv", key, value]
        }
        arguments += ["--chdir", workTree, "--"]
        arguments += command
        return (bwrap, arguments)
    }

    /// The folders to show again so that `programs` can run: for each program that a hidden folder
    /// (/tmp, the home folder, the work folder) would cover, the folder holding it and the folder
    /// holding its symlink's target, or the file alone where that folder is a hidden one itself.
    func programFolders(_ programs: [String]) -> [String] {
        let hiddenRoots = ["/tmp", home] + (workRoot.map { [$0] } ?? [])
        func isHidden(_ path: String) -> Bool {
            hiddenRoots.contains { path.hasPrefix($0 + "/") }
        }
        var folders: [String] = []
        for program in programs where program.hasPrefix("/") {
            let target = URL(fileURLWithPath: program).resolvingSymlinksInPath().path
            for path in [program, target] where isHidden(path) {
                let folder = (path as NSString).deletingLastPathComponent
                let shown = hiddenRoots.contains { $0 == folder || $0.hasPrefix(folder + "/") } ? path : folder
                if !folders.contains(shown) { folders.append(shown) }
            }
        }
        return folders
    }

    enum SandboxError: Error, CustomStringConvertible {
        case unavailable

        var description: String {
            "the bubblewrap sandbox was asked for, but bwrap is not installed (Debian: apt-get install bubblewrap)"
        }
    }
}

/// The environment an agent gets: the contract's TASKINFA_* variables plus an allowlist of what
/// agent CLIs need (credentials of the model providers, locale, PATH). Nothing else of the worker's
/// environment leaks in.
enum AgentEnvironment {
    static let allowlist: Set<String> = [
        "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "USER", "LOGNAME", "SHELL",
        "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL", "CLAUDE_CODE_OAUTH_TOKEN",
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "GEMINI_API_KEY", "GOOGLE_API_KEY",
        "GOOGLE_CLOUD_PROJECT", "OPENROUTER_API_KEY", "MISTRAL_API_KEY", "DEEPSEEK_API_KEY", "GROQ_API_KEY",
        "OLLAMA_HOST", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSH_COMMAND",
    ]

    static func make(
        inherited: [String: String], passing extra: [String], contract: [String: String], home: String
    ) -> [String: String] {
        var environment: [String: String] = [:]
        for (key, value) in inherited where allowlist.contains(key) || extra.contains(key) {
            environment[key] = value
        }
        environment["HOME"] = home
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        environment.merge(contract) { _, contract in contract }
        return environment
    }
}
