import Foundation

/// What a prompt-injected agent would plant in its work tree to get the worker's own git (which
/// runs outside the sandbox) to execute its programs: hooks, `core.fsmonitor`, `core.hooksPath`,
/// `core.sshCommand`, a pager, includes, aliases, filter and diff drivers selected by
/// `.gitattributes`, submodule and remote URLs with the `ext::` transport, a replaced `.git`
/// and a nested repository. Every program it plants touches `<markers>/<name>` when run.
struct GitPlanter {
    let workTree: String
    let markers: String

    /// Plants everything; returns what it found along the way (whether the real git directory
    /// could be written, which it must not be).
    func plantEverything() -> [String] {
        var findings: [String] = []
        findings.append(writeIntoTheRealGitDirectory() ? "gitdir-write:allowed" : "gitdir-write:denied")
        let tools = path("tools")
        mkdir(tools + "/hooks")
        let hookNames = [
            "pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "reference-transaction",
            "post-checkout", "post-index-change", "fsmonitor-watchman", "pre-auto-gc", "post-rewrite",
        ]
        for name in hookNames { program(tools + "/hooks/" + name, marker: "hooksPath-" + name) }
        program(tools + "/fsmonitor", marker: "fsmonitor")
        program(tools + "/ssh", marker: "sshCommand")
        program(tools + "/pager", marker: "pager")
        program(tools + "/alias", marker: "alias")
        program(tools + "/clean", marker: "filter-clean", passThrough: true)
        program(tools + "/smudge", marker: "filter-smudge", passThrough: true)
        program(tools + "/textconv", marker: "textconv", passThrough: true)
        program(tools + "/diff", marker: "diff-command")
        file(tools + "/included.config", includedConfig(marker: "include"))

        // A `.git` of the agent's making in place of the worker's pointer file.
        try? FileManager.default.removeItem(atPath: path(".git"))
        plantRepository(at: path(".git"), name: "dotgit")
        // A nested repository with the same traps.
        plantRepository(at: path("nested/.git"), name: "nested")
        file(path("nested/inside.txt"), "inside a nested repository\n")

        file(path(".gitattributes"), "* filter=evil diff=evil merge=evil\n")
        file(
            path(".gitmodules"),
            """
            [submodule "trap"]
            \tpath = trap
            \turl = ext::sh -c touch% \(markers)/ext-submodule
            """)
        file(path("trap/readme.txt"), "where the submodule would go\n")
        return findings
    }

    /// The directory the `.git` file names: the sandbox shows it read-only, if at all.
    private func writeIntoTheRealGitDirectory() -> Bool {
        guard let pointer = try? String(contentsOfFile: path(".git"), encoding: .utf8),
            pointer.hasPrefix("gitdir: ")
        else { return false }
        let gitDirectory = pointer.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let hooks = (gitDirectory as NSString).appendingPathComponent("hooks")
        try? FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        let hook = (hooks as NSString).appendingPathComponent("post-commit")
        guard FileManager.default.createFile(atPath: hook, contents: Data(script(marker: "gitdir-hook").utf8)) else { return false }
        chmod(hook, 0o755)
        if let handle = FileHandle(forWritingAtPath: (gitDirectory as NSString).appendingPathComponent("config")) {
            handle.seekToEndOfFile()
            handle.write(Data(includedConfig(marker: "gitdir-config").utf8))
            try? handle.close()
        }
        return true
    }

    private func plantRepository(at gitDirectory: String, name: String) {
        for folder in ["hooks", "objects/info", "objects/pack", "refs/heads", "refs/tags"] { mkdir(gitDirectory + "/" + folder) }
        file(gitDirectory + "/HEAD", "ref: refs/heads/main\n")
        let tools = path("tools")
        file(
            gitDirectory + "/config",
            """
            [core]
            \trepositoryformatversion = 0
            \tbare = false
            \tfsmonitor = \(tools)/fsmonitor
            \thooksPath = \(tools)/hooks
            \tsshCommand = \(tools)/ssh
            \tpager = \(tools)/pager
            \tattributesFile = \(path(".gitattributes"))
            [include]
            \tpath = \(tools)/included.config
            [includeIf "gitdir:/"]
            \tpath = \(tools)/included.config
            [alias]
            \tstatus = !\(tools)/alias
            \tadd = !\(tools)/alias
            \tcommit = !\(tools)/alias
            \tpush = !\(tools)/alias
            [filter "evil"]
            \tclean = \(tools)/clean
            \tsmudge = \(tools)/smudge
            \trequired = true
            [diff "evil"]
            \ttextconv = \(tools)/textconv
            \tcommand = \(tools)/diff
            [merge "evil"]
            \tdriver = \(tools)/diff
            [remote "origin"]
            \turl = ext::sh -c touch% \(markers)/ext-remote-\(name)
            \tpushurl = ext::sh -c touch% \(markers)/ext-pushurl-\(name)
            [protocol]
            \tallow = always

            """)
        for hook in ["pre-commit", "post-commit", "pre-push", "reference-transaction", "post-index-change", "fsmonitor-watchman"] {
            program(gitDirectory + "/hooks/" + hook, marker: "\(name)-hook-\(hook)")
        }
    }

    private func includedConfig(marker: String) -> String {
        let program = path("tools/\(marker)")
        self.program(program, marker: marker)
        return """
            [core]
            \tfsmonitor = \(program)
            \thooksPath = \(path("tools/hooks"))
            [filter "evil"]
            \tclean = \(program)
            [diff "evil"]
            \ttextconv = \(program)

            """
    }

    // MARK: - Files

    private func path(_ relative: String) -> String { (workTree as NSString).appendingPathComponent(relative) }

    private func script(marker: String, passThrough: Bool = false) -> String {
        "#!/bin/sh\ntouch '\(markers)/\(marker)'\n" + (passThrough ? "exec cat \"$@\"\n" : "exit 0\n")
    }

    private func program(_ at: String, marker: String, passThrough: Bool = false) {
        mkdir((at as NSString).deletingLastPathComponent)
        file(at, script(marker: marker, passThrough: passThrough))
        chmod(at, 0o755)
    }

    private func mkdir(_ at: String) {
        try? FileManager.default.createDirectory(atPath: at, withIntermediateDirectories: true)
    }

    private func file(_ at: String, _ contents: String) {
        mkdir((at as NSString).deletingLastPathComponent)
        try? contents.write(toFile: at, atomically: false, encoding: .utf8)
    }
}
