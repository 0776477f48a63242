import Foundation

/// Checks, before any task is taken, that the configured agent can start where it will run: inside
/// the sandbox, which hides the home folder and /tmp. An agent CLI that can't be found there (or
/// whose interpreter, say `node` from a version manager in the home folder, can't) would otherwise
/// fail every loop of every task it is given.
enum AgentPreflight {
    /// Nil when every program the agent needs resolves inside the sandbox; otherwise what is
    /// missing and how to fix it.
    static func problem(programs: [String], sandbox: Sandbox, probeTree: String, environment: [String: String]) async
        -> String?
    {
        guard !programs.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: probeTree, withIntermediateDirectories: true)
        // For each program: found on PATH, executable, and (for a script) its interpreter too,
        // including `#!/usr/bin/env node`. Prints the first thing missing and exits 127.
        let script = #"""
            for program in "$@"; do
              path=$(command -v -- "$program") || { echo "missing $program"; exit 127; }
              # A shell builtin or keyword (echo, cd, exec …): the agent's own shell has it.
              case "$path" in /*) ;; *) continue ;; esac
              [ -x "$path" ] || { echo "missing $path"; exit 127; }
              line=$(head -n 1 -- "$path" 2>/dev/null | tr -d '\r')
              case "$line" in
                '#!'*)
                  set -- ${line#??}
                  [ -x "$1" ] || { echo "missing $1"; exit 127; }
                  if [ "${1##*/}" = env ]; then
                    shift
                    while [ "${1#-}" != "$1" ]; do shift; done
                    [ -n "$1" ] && { command -v -- "$1" >/dev/null || { echo "missing $1"; exit 127; }; }
                  fi ;;
              esac
            done
            """#
        let wrapped = sandbox.wrap(
            ["/bin/sh", "-c", script, "preflight"] + programs, alsoRunning: programs, workTree: probeTree,
            environment: environment)
        let command = ProcessRunner.Command(
            executable: wrapped.executable, arguments: wrapped.arguments,
            environment: sandbox.kind == .none ? environment : ["PATH": environment["PATH"] ?? "/usr/bin:/bin"],
            workingDirectory: probeTree)
        guard let result = try? await ProcessRunner.capture(command, timeout: .seconds(30)) else {
            return "the sandbox could not be started to check the agent"
        }
        if result.outcome.succeeded { return nil }
        let said = (result.output + result.error).trimmingCharacters(in: .whitespacesAndNewlines)
        guard said.hasPrefix("missing ") else {
            return "the sandbox could not start a test command (\(result.outcome.description)): \(said.suffix(500))"
        }
        let missing = String(said.dropFirst("missing ".count).prefix { $0 != "\n" })
        return explanation(missing: missing, sandbox: sandbox, path: environment["PATH"])
    }

    /// What a person can do about a program the sandbox can't see.
    static func explanation(missing: String, sandbox: Sandbox, path: String?) -> String {
        let outside = ProcessRunner.locate(missing, path: path)
        let base = "the agent can't start inside the sandbox: `\(missing)` is not there"
        guard let outside else {
            return base + " (nor on this machine's PATH): install it, or point the worker at it with --agent-command"
        }
        let folder = (outside as NSString).deletingLastPathComponent
        let hidden = ["/tmp", sandbox.home] + (sandbox.workRoot.map { [$0] } ?? [])
        if hidden.contains(where: { outside.hasPrefix($0 + "/") }) {
            return base + " (it is at \(outside), under a folder the sandbox hides): share its folder with --share \(folder), or install it outside the home folder and /tmp"
        }
        return base + " (it is at \(outside)): check that its folder is on the PATH the worker passes to the agent"
    }
}
