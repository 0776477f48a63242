import Foundation
import Testing

@testable import TaskinfaCore
@testable import TaskinfaWorker

/// The worker's own footing in a work tree the agent controls: files written without following
/// planted links, nested repositories flattened, start failures named, repeats backed off.
@Suite struct WorkerFilesTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("worker-files-\(UUID().uuidString)").path

    @Test func aPlantedLinkIsReplacedNotWrittenThrough() throws {
        let outside = root + "-outside.txt"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "precious".write(toFile: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/mcp.json", withDestinationPath: outside)
        try WorkerFiles.write("{}", to: root + "/mcp.json", under: root)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: root + "/mcp.json", encoding: .utf8) == "{}")
        #expect((try FileManager.default.attributesOfItem(atPath: root + "/mcp.json"))[.type] as? FileAttributeType == .typeRegular)
    }

    @Test func aLinkedFolderOnTheWayIsRefused() throws {
        let elsewhere = root + "-elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/control", withDestinationPath: elsewhere)
        #expect(throws: WorkerFiles.UnsafePath.self) { try WorkerFiles.write("x", to: root + "/control/prompt.md", under: root) }
        #expect(throws: WorkerFiles.UnsafePath.self) { try WorkerFiles.makeFolders(root + "/../escape", under: root) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func nestedRepositoriesAreFlattenedAndLinksNotFollowed() throws {
        let files = FileManager.default
        let kept = root + "-kept/.git"
        try files.createDirectory(atPath: kept, withIntermediateDirectories: true)
        for folder in ["nested/.git/hooks", "deep/er/.git", "src"] {
            try files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try "gitdir: elsewhere".write(toFile: root + "/.git", atomically: true, encoding: .utf8)
        try "work".write(toFile: root + "/nested/file.txt", atomically: true, encoding: .utf8)
        try "gitdir: /x".write(toFile: root + "/src/.git", atomically: true, encoding: .utf8)
        // A link to a folder outside: its own `.git` must not be touched.
        try files.createSymbolicLink(atPath: root + "/outside", withDestinationPath: root + "-kept")
        let removed = try WorkTreeFile.removeNestedRepositories(under: root)
        #expect(Set(removed) == ["nested/.git", "deep/er/.git", "src/.git"])
        #expect(files.fileExists(atPath: root + "/.git"), "the top-level pointer is the worker's to rewrite")
        #expect(files.fileExists(atPath: root + "/nested/file.txt"))
        #expect(files.fileExists(atPath: kept))
    }
}

@Suite struct StartFailureTests {
    @Test func aProgramThatNeverRanIsNamedWithWhatItSaid() {
        var output = AgentOutput()
        output.take("sh: 1: /opt/agent/run: not found", fromStandardError: true)
        let reason = StartFailure.check(.exited(127), output, command: "/opt/agent/run --go")
        #expect(reason?.contains("`/opt/agent/run --go`") == true)
        #expect(reason?.contains("exit code 127") == true)
        #expect(reason?.contains("not found") == true)
    }

    @Test func theSandboxRefusingIsAStartFailureWhateverTheCode() {
        var output = AgentOutput()
        output.take("bwrap: Can't mount proc on /newroot/proc: Operation not permitted", fromStandardError: true)
        #expect(StartFailure.check(.exited(1), output, command: "agent")?.contains("bwrap:") == true)
    }

    @Test func anAgentThatRanAndFailedIsNotOne() {
        var output = AgentOutput()
        output.take("working…", fromStandardError: false)
        output.take("error: tests fail", fromStandardError: true)
        #expect(StartFailure.check(.exited(127), output, command: "agent") == nil)
        #expect(StartFailure.check(.exited(1), AgentOutput(), command: "agent") == nil)
    }
}

@Suite struct RepeatedFailuresTests {
    @Test func theSameFailureBacksOffDoublingUpToFiveMinutes() {
        var failures = RepeatedFailures()
        #expect(failures.record(.failed, reason: "no model access") == nil)
        #expect(failures.record(.failed, reason: "no model access") == .seconds(5))
        #expect(failures.record(.failed, reason: "no model access") == .seconds(10))
        #expect(failures.record(.failed, reason: "no model access") == .seconds(20))
        for _ in 0..<20 { _ = failures.record(.failed, reason: "no model access") }
        #expect(failures.record(.failed, reason: "no model access") == .seconds(300))
    }

    @Test func anythingElseStartsOver() {
        var failures = RepeatedFailures()
        _ = failures.record(.failed, reason: "a")
        #expect(failures.record(.failed, reason: "a") == .seconds(5))
        #expect(failures.record(.failed, reason: "b") == nil)
        #expect(failures.record(.succeeded, reason: nil) == nil)
        #expect(failures.record(.failed, reason: "b") == nil)
    }
}
