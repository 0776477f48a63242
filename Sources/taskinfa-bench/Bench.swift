import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TaskinfaServer

/// `taskinfa-bench`: measures a real `taskinfa serve` process over HTTP on loopback and prints each
/// figure beside the server's own HTTP ceiling (a plain 200 route, `/healthz`) measured in the
/// same run with the same client, so the ratios hold whatever the machine.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskinfa-bench",
        abstract: "Benchmark taskinfa serve (build both in release: swift run -c release taskinfa-bench).",
        subcommands: [Measure.self, Compare.self, CreateCost.self, StoreLoad.self, RequestCost.self, Fanout.self, Claims.self],
        defaultSubcommand: Measure.self)

}

/// Which server a command starts, and on which database.
struct ServerOptions: ParsableArguments {
    @Option(help: "The taskinfa binary to run (default: next to this one).")
    var binary: String?

    @Option(help: "sqlite or postgres (the full measure also takes both). PostgreSQL comes from --postgres-url or the PG* variables.")
    var database: String = "sqlite"

    @Option(help: "postgres://… of a server to create the benchmark database in (default: PG* environment).")
    var postgresURL: String?

    /// The `taskinfa` binary to start: the one given, or the one built next to this benchmark.
    var binaryPath: String {
        binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("taskinfa").path
    }

    /// A new, empty database of `kind` for one run: nil for SQLite (the server makes its own file).
    func freshDatabaseURL(_ kind: String) async throws -> String? {
        kind == "postgres" ? try await PostgresDatabase.create(base: postgresURL) : nil
    }
}

/// The benchmark proper: every figure, with its baseline beside it.
struct Measure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a real server over HTTP (the default).")

    @OptionGroup var server: ServerOptions

    @Option(help: "Seconds per throughput phase.")
    var seconds: Int = 10

    @Option(help: "Concurrent HTTP clients in throughput phases.")
    var clients: Int = 32

    @Option(help: "Tasks in the workspace for the search phase.")
    var searchTasks: Int = 100_000

    @Option(help: "Event streams opened at once on one server for the fan-out figures (0 skips them).")
    var fanoutStreams: Int = 10_000

    @Option(help: "Tasks in the one-workspace scale run (SQLite, filled through the store; 0 skips it).")
    var scaleTasks: Int = 1_000_000

    @Flag(inversion: .prefixedNo, help: "Measure the worker side too (claims, long polls, a real worker process).")
    var workers = true

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func run() async throws {
        OpenFileLimit.raise()
        let binary = server.binaryPath
        var reports: [Report] = []
        for kind in server.database == "both" ? ["sqlite", "postgres"] : [server.database] {
            let url = try await server.freshDatabaseURL(kind)
            let scenario = Scenario(
                binary: binary, databaseURL: url, name: kind, seconds: seconds, clients: clients, searchTasks: searchTasks,
                fanoutStreams: fanoutStreams)
            var report = try await scenario.run()
            // The same creates straight through the store: what the storage path alone sustains.
            let storeDatabase = try await server.freshDatabaseURL(kind)
            let storeOnly = try await StoreLoad.measure(databaseURL: storeDatabase, clients: clients, seconds: seconds)
            report.add("task creates through the store alone (\(clients) writers, no HTTP)", storeOnly.perSecond, "/s")
            report.add("process CPU per create through the store alone", storeOnly.cpuMicroseconds, "µs")
            if workers {
                let database = try await server.freshDatabaseURL(kind)
                let workers = WorkerScenario(binary: binary, databaseURL: database, name: kind, clients: clients)
                try await workers.run(into: &report)
                let fresh = try await server.freshDatabaseURL(kind)
                try await WorkerScenario(binary: binary, databaseURL: fresh, name: kind, clients: clients)
                    .runWorkerProcess(into: &report)
            }
            if kind == "sqlite" && scaleTasks > 0 {
                try await MillionScenario(binary: binary, tasks: scaleTasks, clients: clients).run(into: &report)
            }
            report.print()
            reports.append(report)
        }
        if let json {
            let data = try JSONSerialization.data(withJSONObject: reports.map(\.dictionary), options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: json))
        }
    }
}

/// A fresh PostgreSQL database for one run, made with `psql` (the client of the server under test).
enum PostgresDatabase {
    static func create(base: String?) async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let host = environment["PGHOST"] ?? "localhost"
        let port = environment["PGPORT"] ?? "5432"
        let user = environment["PGUSER"] ?? "postgres"
        let password = environment["PGPASSWORD"].map { ":" + $0 } ?? ""
        let name = "taskinfa_bench_\(Int(Date().timeIntervalSince1970))_\(UInt32.random(in: 0...UInt32.max))"
        let root = base ?? "postgres://\(user)\(password)@\(host):\(port)/postgres"
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", root, "-q", "-c", "CREATE DATABASE \(name)"]
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw BenchError.unexpected("could not create database \(name)") }
        // Only the database at the end of the URL changes, not a user that happens to be "postgres".
        guard let database = root.range(of: "/postgres", options: .backwards) else {
            throw BenchError.unexpected("\(root) does not name the postgres database")
        }
        return root.replacingCharacters(in: database, with: "/\(name)")
    }
}
