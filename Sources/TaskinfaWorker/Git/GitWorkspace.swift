import Crypto
import Foundation
import TaskinfaCore

/// The git side of an execution: one repository per project in the worker's work folder, a branch
/// per task, a fingerprint of the work tree to tell progress, and the commit and push at the end.
///
/// The agent writes anything it can reach in its work tree, so nothing there may steer the worker's
/// own git (hooks, `core.fsmonitor`, filter and diff drivers, `core.sshCommand`, includes, aliases,
/// submodule URLs — all of them things git reads from its git directory). Hence:
/// - the repository's git directory lives outside the work tree (`ProjectFolders.gitDirectory`),
///   which the sandbox shows the agent read-only: it can read history, status and diffs, but not
///   change a byte of what the worker's git reads;
/// - every worker-side git command names that directory and the work tree explicitly (so a `.git`
///   the agent plants in the tree is never discovered) and runs with hooks, fsmonitor, external
///   diffs, text conversion and submodule recursion off, and only the transports the host allows;
/// - the work tree is rebuilt from that directory at the start of every execution, so nothing an
///   earlier agent left (a symlink, a FIFO, a nested repository) survives into the next one.
struct GitWorkspace: Sendable {
    let folders: ProjectFolders
    let environment: [String: String]
    /// `file://` and local paths as remotes (only with `--allow-local-repositories`).
    let allowsLocalTransport: Bool

    var directory: String { folders.workTree }

    struct GitError: Error, CustomStringConvertible {
        let command: String
        let detail: String
        var description: String { "git \(command) failed: \(detail)" }
    }

    /// Fetches the project into its git directory (creating it the first time) and lays out the
    /// task's branch in a fresh work tree: the existing remote branch when a retry continues earlier
    /// work, a new one from the default branch otherwise.
    static func prepare(
        folders: ProjectFolders, repository: RepositoryURL?, defaultBranch: String, branch: String,
        environment: [String: String], allowsLocalTransport: Bool
    ) async throws -> GitWorkspace {
        let workspace = GitWorkspace(folders: folders, environment: environment, allowsLocalTransport: allowsLocalTransport)
        let files = FileManager.default
        try files.createDirectory(atPath: folders.root, withIntermediateDirectories: true)
        if !files.fileExists(atPath: (folders.gitDirectory as NSString).appendingPathComponent("HEAD")) {
            try files.createDirectory(atPath: folders.gitDirectory, withIntermediateDirectories: true)
            try await workspace.git(["init", "--quiet", "--initial-branch=\(defaultBranch)"])
            try await workspace.git(["config", "core.bare", "false"])
            if let repository { try await workspace.git(["remote", "add", "--", "origin", repository.text]) }
        } else if let repository {
            if try await workspace.succeeds(["remote", "get-url", "--", "origin"]) {
                try await workspace.git(["remote", "set-url", "--", "origin", repository.text])
            } else {
                try await workspace.git(["remote", "add", "--", "origin", repository.text])
            }
        }
        if repository != nil {
            try await workspace.git(["fetch", "--quiet", "--prune", "--no-recurse-submodules", "--", "origin"])
        }
        // A fresh tree: removal doesn't follow links, so whatever an earlier agent planted goes.
        if files.fileExists(atPath: folders.workTree) { try files.removeItem(atPath: folders.workTree) }
        try files.createDirectory(atPath: folders.workTree, withIntermediateDirectories: true)
        if repository != nil, try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/\(branch)"]) {
            try await workspace.git(["checkout", "--quiet", "--force", "-B", branch, "refs/remotes/origin/\(branch)"])
        } else if repository != nil,
            try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/\(defaultBranch)"])
        {
            try await workspace.git(["checkout", "--quiet", "--force", "-B", branch, "refs/remotes/origin/\(defaultBranch)"])
        } else if try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "HEAD"]) {
            try await workspace.git(["checkout", "--quiet", "--force", "-B", branch])
        } else {
            // An empty repository: the branch starts with the agent's first commit.
            try await workspace.git(["checkout", "--quiet", "--orphan", branch])
        }
        try workspace.pointTreeAtRepository()
        return workspace
    }

    /// Writes the work tree's `.git` file, so that git run by the agent (inside the sandbox) finds
    /// the repository — read-only there. The worker's own git never reads it.
    func pointTreeAtRepository() throws {
        let gitFile = (folders.workTree as NSString).appendingPathComponent(".git")
        try? FileManager.default.removeItem(atPath: gitFile)
        try WorkerFiles.write("gitdir: \(folders.gitDirectory)\n", to: gitFile, under: folders.workTree)
    }

    /// A digest of everything the agent could have changed: HEAD, the status of every file
    /// (untracked included) and the content of the changes. Two loops with the same fingerprint
    /// made no progress.
    func fingerprint() async throws -> String {
        let head = (try? await output(["rev-parse", "HEAD"])) ?? "no-head"
        let status = try await output(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=all"])
        let diff = (try? await output(["diff", "HEAD", "--binary", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all"])) ?? ""
        var untracked = SHA256()
        for entry in status.split(separator: "\0") where entry.hasPrefix("?? ") {
            let path = String(entry.dropFirst(3))
            untracked.update(data: Data(path.utf8))
            untracked.update(data: Data(WorkTreeFile.digest(of: (directory as NSString).appendingPathComponent(path)).utf8))
        }
        let digest = SHA256.hash(data: Data((head + status + diff).utf8) + Data(untracked.finalize()))
        return digest.hexString
    }

    /// Commits whatever the agent left (if anything) and returns HEAD.
    func commitAll(message: String, author: String) async throws -> String? {
        // What the agent nested or replaced: its files are work, its `.git`s are not.
        try WorkTreeFile.removeNestedRepositories(under: directory)
        try pointTreeAtRepository()
        try await git(["add", "--all"])
        if try await !succeeds(["diff", "--cached", "--quiet", "--no-ext-diff", "--ignore-submodules=all"]) {
            try await git([
                "-c", "user.name=\(author)", "-c", "user.email=worker@taskinfa.invalid", "commit", "--quiet", "--no-verify",
                "-m", message,
            ])
        }
        return try? await output(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The files that differ between the default branch and HEAD (or everything, in a new repository).
    func changedFiles(since base: String) async -> [String] {
        var text = try? await output(["diff", "--name-only", "--no-ext-diff", "refs/remotes/origin/\(base)...HEAD"])
        if text == nil { text = try? await output(["ls-files"]) }
        return (text ?? "").split(separator: "\n").map(String.init)
    }

    /// The patch of the work for review: the task branch against the default branch (against the
    /// empty tree in a repository that had none), text files only, within `ExecutionDiff`'s budget.
    /// Binaries and files too large to review are listed by name and size instead. Sizes come from
    /// `--numstat` first, so a huge generated file is never read into memory as a patch.
    func reviewDiff(since base: String) async -> ExecutionDiff? {
        let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        let baseRef = "refs/remotes/origin/\(base)"
        let range = (try? await succeeds(["rev-parse", "--verify", "--quiet", baseRef])) == true ? "\(baseRef)...HEAD" : emptyTree
        let flags = ["--no-ext-diff", "--no-textconv", "--no-color", "--find-renames", "--ignore-submodules=all"]
        let rangeArguments = range == emptyTree ? [emptyTree, "HEAD"] : [range]
        guard let numstat = try? await output(["diff", "--numstat", "-z"] + flags + rangeArguments) else { return nil }
        let sizes = await blobSizes()
        var omitted: [ExecutionDiff.OmittedFile] = []
        var reviewable: [String] = []
        var lines = 0
        for entry in DiffStat.parse(numstat) {
            if entry.binary {
                omitted.append(.init(path: entry.path, size: sizes[entry.path], reason: .binary))
            } else if entry.changedLines > 20_000 || lines + entry.changedLines > 150_000
                || (sizes[entry.path] ?? 0) > ExecutionDiff.maxFilePatchBytes * 4
            {
                omitted.append(.init(path: entry.path, size: sizes[entry.path], reason: .tooLarge))
            } else if reviewable.count >= 2000 {
                omitted.append(.init(path: entry.path, size: sizes[entry.path], reason: .tooManyFiles))
            } else {
                reviewable.append(entry.path)
                lines += entry.changedLines
            }
        }
        var patch = ""
        if !reviewable.isEmpty {
            let paths = reviewable.map { ":(literal)\($0)" }
            let text = (try? await output(["diff"] + flags + rangeArguments + ["--"] + paths)) ?? ""
            let (kept, dropped) = DiffStat.bound(text, fileLimit: ExecutionDiff.maxFilePatchBytes, totalLimit: ExecutionDiff.maxPatchBytes)
            patch = kept
            omitted += dropped.map { .init(path: $0, size: sizes[$0], reason: .tooLarge) }
        }
        return ExecutionDiff(patch: patch, omitted: Array(omitted.prefix(ExecutionDiff.maxOmittedFiles)))
    }

    /// The size of every file at HEAD, by path.
    private func blobSizes() async -> [String: Int] {
        guard let listing = try? await output(["ls-tree", "-r", "-l", "-z", "HEAD"]) else { return [:] }
        var sizes: [String: Int] = [:]
        for record in listing.split(separator: "\0") {
            // <mode> SP <type> SP <object> SP+ <size> TAB <path>
            guard let tab = record.firstIndex(of: "\t") else { continue }
            let fields = record[..<tab].split(separator: " ")
            if let size = fields.last.flatMap({ Int($0) }) { sizes[String(record[record.index(after: tab)...])] = size }
        }
        return sizes
    }

    /// Pushes the branch; the remote may refuse (no rights, protected branch): that is reported, not fatal.
    func push(branch: String) async -> Result<Void, GitError> {
        do {
            try await git(["push", "--quiet", "--no-verify", "--set-upstream", "origin", "--", branch])
            return .success(())
        } catch let error as GitError {
            return .failure(error)
        } catch {
            return .failure(GitError(command: "push", detail: "\(error)"))
        }
    }

    /// The repository's own instructions for agents, if it has any (a regular file only: a link
    /// named AGENTS.md could point the worker at any file it can read).
    func agentInstructions(limit: Int = 20_000) -> String? {
        for name in ["AGENTS.md", "CLAUDE.md"] {
            let path = (directory as NSString).appendingPathComponent(name)
            if let data = WorkTreeFile.regularFileContents(path, limit: limit), let text = String(data: data, encoding: .utf8) {
                return text
            }
        }
        return nil
    }

    // MARK: - Running git

    /// What every worker-side git command runs with, whatever the repository's config says.
    var hardening: [String] {
        var options = [
            "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false",
            "-c", "diff.external=", "-c", "submodule.recurse=false", "-c", "fetch.recurseSubmodules=false",
            "-c", "diff.ignoreSubmodules=all", "-c", "status.submoduleSummary=false", "-c", "core.pager=cat",
            "-c", "protocol.allow=never", "-c", "protocol.https.allow=always", "-c", "protocol.ssh.allow=always",
        ]
        if allowsLocalTransport { options += ["-c", "protocol.file.allow=always"] }
        return options
    }

    @discardableResult
    func git(_ arguments: [String]) async throws -> String {
        let result = try await ProcessRunner.capture(command(arguments))
        guard result.outcome.succeeded else {
            throw GitError(command: arguments.first ?? "", detail: result.error.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.output
    }

    func output(_ arguments: [String]) async throws -> String {
        try await git(arguments)
    }

    func succeeds(_ arguments: [String]) async throws -> Bool {
        try await ProcessRunner.capture(command(arguments)).outcome.succeeded
    }

    private func command(_ arguments: [String]) -> ProcessRunner.Command {
        var environment = self.environment
        // Never wait for a password prompt or an editor: a remote that needs credentials the worker
        // lacks fails fast.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_EDITOR"] = "true"
        environment["GIT_PAGER"] = "cat"
        // Any GIT_DIR or GIT_WORK_TREE from outside would win over the explicit options: drop them.
        for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS"] {
            environment[name] = nil
        }
        let located = ["--git-dir=\(folders.gitDirectory)", "--work-tree=\(folders.workTree)"]
        return ProcessRunner.Command(
            executable: "git", arguments: located + hardening + arguments, environment: environment,
            workingDirectory: folders.root)
    }
}

/// Where a project lives in the worker's work folder:
///
///     <work dir>/<key>/                 the work tree (the agent's, read-write)
///     <work dir>/.taskinfa/<key>/git    its git directory (read-only to the agent)
///     <work dir>/.taskinfa/<key>/control the prompt and the MCP configuration (read-only to the agent)
///     <work dir>/.taskinfa/<key>/state  the agent CLI's own state for one execution (read-write)
struct ProjectFolders: Sendable, Equatable {
    let workRoot: String
    let key: String

    var workTree: String { (workRoot as NSString).appendingPathComponent(key.lowercased()) }
    var root: String { (workRoot as NSString).appendingPathComponent(".taskinfa/\(key.lowercased())") }
    var gitDirectory: String { (root as NSString).appendingPathComponent("git") }
    var controlDirectory: String { (root as NSString).appendingPathComponent("control") }
    var stateDirectory: String { (root as NSString).appendingPathComponent("state") }
}

/// What the worker needs to know about a task's project.
struct ProjectInfo: Sendable {
    var key: String
    var name: String
    var repositoryURL: String?
    var defaultBranch: String
}
