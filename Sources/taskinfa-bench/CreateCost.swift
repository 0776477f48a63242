import ArgumentParser
import Foundation
import Logging
import TaskinfaCore
import TaskinfaStore

/// A fixed loop of task creates for counting instructions (`scripts/create-cost-check.sh` runs it
/// under callgrind): through the store as the server creates (`store`), or as bare SQLite writes
/// of the same rows (`sqlite`), the baseline measured beside it in the same run. Instruction
/// counts don't depend on what else the machine is doing, so the check holds on a noisy machine.
struct CreateCost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-cost", abstract: "Run a fixed number of task creates (for instruction counting).")

    enum Path: String, ExpressibleByArgument {
        case store, sqlite
    }

    @Option(help: "store: through the store, as the server creates; sqlite: the same rows written directly.")
    var path: Path = .store

    @Option(help: "How many tasks to create.")
    var count: Int = 100

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-cost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The same text every run, so that every run does the same work.
        var generator = RepeatableGenerator()
        let texts = (0..<count).map { _ in (Workload.title(&generator), Workload.description(&generator)) }
        switch path {
        case .sqlite:
            let ceiling = try await StorageCeiling.open(directory: directory)
            defer { ceiling.close() }
            for (title, description) in texts { try ceiling.create(title: title, description: description) }
        case .store:
            let database = try Database(location: .sqlite(path: directory + "/cost.sqlite"), logger: Logger(label: "cost"))
            try await database.prepare()
            let store = Store(database: database)
            let (user, workspace) = try await store.accounts.signUp(email: "cost@example.com", name: "Cost", passwordHash: "-")
            let scope = WorkspaceScope(
                workspaceID: workspace.id, actor: Actor(type: .user, id: user.id, name: user.name), role: .owner, userID: user.id)
            let project = try await store.projects.create(
                scope, ProjectDraft(name: "Cost", key: "COS", description: nil, repositoryURL: nil, defaultBranch: nil))
            for (title, description) in texts {
                _ = try await store.tasks.create(
                    scope,
                    TaskDraft(
                        projectID: project.id, title: title, description: description, status: nil, priority: nil,
                        labels: nil, assigneeID: nil, dueDate: nil, parentID: nil))
            }
            await database.close()
        }
    }
}

/// A fixed-seed generator (SplitMix64): the same sequence every run.
struct RepeatableGenerator: RandomNumberGenerator {
    private var state: UInt64 = 0x5EED

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
