import Crypto
import Foundation
import TaskinfaCore

/// The git side of an execution: one clone per project in the worker's work folder, a branch per
/// task, a fingerprint of the work tree to tell progress, and the commit and push at the end.
struct GitWorkspace: Sendable {
    let directory: String
    let environment: [String: String]

    struct GitError: Error, CustomStringConvertible {
        let command: String
        let detail: String
        var description: String { "git \(command) failed: \(detail)" }
    }

    /// Clones (or fetches) the project and checks out the task's branch: the existing remote branch
    /// when a retry continues earlier work, a new one from the default branch otherwise. Leftovers
    /// of a previous task in this clone are discarded.
    static func prepare(
        root: String, project: ProjectInfo, branch: String, environment: [String: String]
    ) async throws -> GitWorkspace {
        let directory = (root as NSString).appendingPathComponent(project.key.lowercased())
        let workspace = GitWorkspace(directory: directory, environment: environment)
        let exists = FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(".git"))
        if let url = project.repositoryURL {
            if !exists {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                try await workspace.git(["clone", "--quiet", url, directory], in: root)
            } else {
                try await workspace.git(["remote", "set-url", "origin", url])
                try await workspace.git(["fetch", "--quiet", "--prune", "origin"])
            }
        } else if !exists {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await workspace.git(["init", "--quiet", "-b", project.defaultBranch])
        }
        // Start clean: nothing of an earlier task survives in the work tree.
        _ = try? await workspace.git(["rebase", "--abort"])
        _ = try? await workspace.git(["merge", "--abort"])
        _ = try? await workspace.git(["reset", "--quiet", "--hard"])
        _ = try? await workspace.git(["clean", "-fdxq"])
        let hasRemote = project.repositoryURL != nil
        if hasRemote, try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/\(branch)"]) {
            try await workspace.git(["checkout", "--quiet", "-B", branch, "origin/\(branch)"])
        } else if hasRemote,
            try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/\(project.defaultBranch)"])
        {
            try await workspace.git(["checkout", "--quiet", "-B", branch, "origin/\(project.defaultBranch)"])
        } else if try await workspace.succeeds(["rev-parse", "--verify", "--quiet", "HEAD"]) {
            try await workspace.git(["checkout", "--quiet", "-B", branch])
        } else {
            // An empty repository: the branch starts with the agent's first commit.
            try await workspace.git(["checkout", "--quiet", "--orphan", branch])
        }
        return workspace
    }

    /// A digest of everything the agent could have changed: HEAD, the status of every file
    /// (untracked included) and the content of the changes. Two loops with the same fingerprint
    /// made no progress.
    func fingerprint() async throws -> String {
        let head = (try? await output(["rev-parse", "HEAD"])) ?? "no-head"
        let status = try await output(["status", "--porcelain=v1", "--untracked-files=all"])
        let diff = (try? await output(["diff", "HEAD", "--binary"])) ?? ""
        var untracked = ""
        for line in status.split(separator: "\n") where line.hasPrefix("?? ") {
            let path = (directory as NSString).appendingPathComponent(String(line.dropFirst(3)))
            if let data = FileManager.default.contents(atPath: path) {
                untracked += "\(line):\(SHA256.hash(data: data).hexString)\n"
            }
        }
        let digest = SHA256.hash(data: Data((head + status + diff + untracked).utf8))
        return digest.hexString
    }

    /// Commits whatever the agent left (if anything) and returns HEAD.
    func commitAll(message: String, author: String) async throws -> String? {
        try await git(["add", "--all"])
        if try await !succeeds(["diff", "--cached", "--quiet"]) {
            try await git([
                "-c", "user.name=\(author)", "-c", "user.email=worker@taskinfa.invalid", "commit", "--quiet", "--no-verify",
                "-m", message,
            ])
        }
        return try? await output(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The files that differ between the default branch and HEAD (or everything, in a new repository).
    func changedFiles(since base: String) async -> [String] {
        var text = try? await output(["diff", "--name-only", "origin/\(base)...HEAD"])
        if text == nil { text = try? await output(["ls-files"]) }
        return (text ?? "").split(separator: "\n").map(String.init)
    }

    /// Pushes the branch; the remote may refuse (no rights, protected branch): that is reported, not fatal.
    func push(branch: String) async -> Result<Void, GitError> {
        do {
            try await git(["push", "--quiet", "--set-upstream", "origin", branch])
            return .success(())
        } catch let error as GitError {
            return .failure(error)
        } catch {
            return .failure(GitError(command: "push", detail: "\(error)"))
        }
    }

    /// The repository's own instructions for agents, if it has any.
    func agentInstructions(limit: Int = 20_000) -> String? {
        for name in ["AGENTS.md", "CLAUDE.md"] {
            let path = (directory as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                return String(text.prefix(limit))
            }
        }
        return nil
    }

    /// Where the worker keeps per-execution files the agent may read (prompt, MCP config): inside
    /// `.git`, so they are in the sandbox's writable tree but never committed.
    var controlDirectory: String {
        (directory as NSString).appendingPathComponent(".git/taskinfa")
    }

    // MARK: - Running git

    @discardableResult
    func git(_ arguments: [String], in folder: String? = nil) async throws -> String {
        let result = try await ProcessRunner.capture(command(arguments, in: folder))
        guard result.outcome.succeeded else {
            throw GitError(command: arguments.first ?? "", detail: result.error.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.output
    }

    func output(_ arguments: [String]) async throws -> String {
        try await git(arguments)
    }

    func succeeds(_ arguments: [String]) async throws -> Bool {
        try await ProcessRunner.capture(command(arguments, in: nil)).outcome.succeeded
    }

    private func command(_ arguments: [String], in folder: String?) -> ProcessRunner.Command {
        var environment = self.environment
        // Never wait for a password prompt: a remote that needs credentials the worker lacks fails fast.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        return ProcessRunner.Command(
            executable: "git", arguments: arguments, environment: environment, workingDirectory: folder ?? directory)
    }
}

/// What the worker needs to know about a task's project.
struct ProjectInfo: Sendable {
    var key: String
    var name: String
    var repositoryURL: String?
    var defaultBranch: String
}
