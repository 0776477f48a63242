import ArgumentParser
import Foundation
import Logging
import TaskinfaCore
import TaskinfaStore

/// A fixed loop of task creates that counts the work each one takes, for a regression check that
/// holds on a noisy machine (`scripts/create-cost-check.sh`): the Swift runtime's object
/// allocations per create through the store (as the server creates), and SQLite's statements and
/// virtual-machine steps per create, beside those of the bare SQLite writes of the same rows.
/// Counts, unlike time, are the same on any machine for the same binary and input.
struct CreateCost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-cost", abstract: "Count the work of a fixed number of task creates (prints JSON).")

    enum Path: String, ExpressibleByArgument {
        case both, store, sqlite
    }

    @Option(help: "How many tasks to create on each path (after ten to warm up).")
    var count: Int = 200

    @Option(help: "store: only through the store; sqlite: only the bare SQLite writes; both (default).")
    var path: Path = .both

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-cost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The same text every run, so that every run does the same work.
        var generator = RepeatableGenerator()
        let warmUp = 10
        let texts = (0..<(count + warmUp)).map { _ in (Workload.title(&generator), Workload.description(&generator)) }

        let storeCost = path == .sqlite ? Cost() : try await Self.throughTheStore(texts, warmUp: warmUp, in: directory)
        let sqliteCost = path == .store ? Cost() : try await Self.bareSQLite(texts, warmUp: warmUp, in: directory)
        let figures: [String: Double] = [
            "sqlite_statements_per_create": storeCost.per(count, \.statements),
            "sqlite_steps_per_create": storeCost.per(count, \.steps),
            "sqlite_recompilations_per_create": storeCost.per(count, \.recompilations),
            "bare_sqlite_statements_per_create": sqliteCost.per(count, \.statements),
            "bare_sqlite_steps_per_create": sqliteCost.per(count, \.steps),
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}

extension CreateCost {
    /// Creates through the store, as the server's handler does.
    static func throughTheStore(_ texts: [(String, String)], warmUp: Int, in directory: String) async throws -> Cost {
        let database = try Database(location: .sqlite(path: directory + "/cost.sqlite"), logger: Logger(label: "cost"))
        try await database.prepare()
        let store = Store(database: database)
        let (scope, projectID) = try await StorageCeiling.benchmarkAccount(in: store, name: "Cost", key: "COS")
        var cost = Cost()
        for (index, (title, description)) in texts.enumerated() {
            if index == warmUp { cost.start() }
            _ = try await store.tasks.create(
                scope,
                TaskDraft(
                    projectID: projectID, title: title, description: description, status: nil, priority: nil,
                    labels: nil, assigneeID: nil, dueDate: nil, parentID: nil))
        }
        cost.stop()
        await database.close()
        return cost
    }

    /// The same rows written straight to SQLite (`StorageCeiling`).
    static func bareSQLite(_ texts: [(String, String)], warmUp: Int, in directory: String) async throws -> Cost {
        let ceiling = try await StorageCeiling.open(directory: directory)
        defer { ceiling.close() }
        var cost = Cost()
        for (index, (title, description)) in texts.enumerated() {
            if index == warmUp { cost.start() }
            try ceiling.create(title: title, description: description)
        }
        cost.stop()
        return cost
    }
}

/// Counters read at the start and the end of a loop.
struct Cost {
    struct Reading {
        var statements = 0
        var steps = 0
        var recompilations = 0

        static var now: Reading {
            let sqlite = StorageCeiling.sqliteWork
            return Reading(statements: sqlite.statements, steps: sqlite.steps, recompilations: sqlite.recompilations)
        }
    }

    private var started = Reading()
    private var stopped = Reading()

    mutating func start() { started = .now }
    mutating func stop() { stopped = .now }

    func per(_ count: Int, _ counter: KeyPath<Reading, Int>) -> Double {
        Double(stopped[keyPath: counter] - started[keyPath: counter]) / Double(count)
    }
}

/// A fixed-seed generator (SplitMix64): the same sequence every run.
struct RepeatableGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64 = 0x5EED) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
