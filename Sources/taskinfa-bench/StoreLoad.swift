import ArgumentParser
import Foundation
import Logging
import Synchronization
import TaskinfaCore
import TaskinfaStore

/// Task creates straight through the store, from many writers at once, with no HTTP in front: how
/// fast the storage path alone goes (group commit, round trips, the database's own work), to set
/// beside the same creates through the server. `taskinfa-bench store-load` runs it alone.
struct StoreLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-load", abstract: "Create tasks through the store from many writers (no HTTP).")

    @Option(help: "postgres://… of a database to use (default: a new SQLite file).")
    var url: String?

    @Option(help: "Writers creating at once.")
    var clients: Int = 32

    @Option(help: "Seconds to run.")
    var seconds: Int = 8

    func run() async throws {
        let result = try await Self.measure(databaseURL: url, clients: clients, seconds: seconds)
        print("creates/s \(Int(result.perSecond)), process CPU per create \(Int(result.cpuMicroseconds)) µs")
    }

    struct Result {
        let perSecond: Double
        let cpuMicroseconds: Double
    }

    static func measure(databaseURL: String?, clients: Int, seconds: Int) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location: DatabaseLocation = databaseURL.map { .postgres(url: $0) } ?? .sqlite(path: directory + "/load.sqlite")
        let database = try Database(location: location, logger: Logger(label: "store-load"))
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            // PostgreSQL's connection pool runs inside `run()`.
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.prepare()
            let store = Store(database: database)
            let (scope, projectID) = try await StorageCeiling.benchmarkAccount(in: store, name: "Load", key: "LOA")
            // Texts made beforehand: the loop measures the store, not the text generator.
            var generator = RepeatableGenerator()
            let texts = (0..<4096).map { _ in (Workload.title(&generator), Workload.description(&generator)) }
            let created = CreateCount()
            let deadline = ContinuousClock.now + .seconds(seconds)
            let cpuBefore = Wrk.cpuSeconds(of: getpid())
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { writers in
                for writer in 0..<clients {
                    writers.addTask {
                        var index = writer
                        while ContinuousClock.now < deadline {
                            let (title, description) = texts[index % texts.count]
                            _ = try await store.tasks.create(
                                scope,
                                TaskDraft(
                                    projectID: projectID, title: title, description: description, status: nil, priority: nil,
                                    labels: nil, assigneeID: nil, dueDate: nil, parentID: nil))
                            created.count.add(1, ordering: .relaxed)
                            index += clients
                        }
                    }
                }
                try await writers.waitForAll()
            }
            let elapsed = (ContinuousClock.now - started).milliseconds / 1000
            let count = Double(created.count.load(ordering: .relaxed))
            let cpu = Wrk.cpuSeconds(of: getpid()) - cpuBefore
            await database.close()
            return Result(perSecond: count / elapsed, cpuMicroseconds: cpu / count * 1e6)
        }
    }
}

private final class CreateCount: Sendable {
    let count = Atomic<Int>(0)
}
