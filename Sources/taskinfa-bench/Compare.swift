import ArgumentParser
import Foundation

/// Two `taskinfa` binaries held against each other on this machine: the HTTP ceiling, creates and
/// moves of each, in rounds whose order alternates, each server on a fresh database, and each
/// figure as the median of its rounds beside the other binary's. This machine's speed drifts by a
/// tenth or more between minutes; two full runs one after the other can't show a change worth a
/// tenth, rounds taken turn about can.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure two taskinfa binaries against each other (HTTP ceiling, creates, moves), in alternating rounds.")

    @OptionGroup var server: ServerOptions

    @Option(help: "The taskinfa binary to hold against --binary (the baseline).")
    var against: String

    @Option(help: "Rounds; each measures both binaries, which one goes first alternating.")
    var rounds: Int = 3

    @Option(help: "Seconds per throughput phase.")
    var seconds: Int = 5

    @Option(help: "Concurrent HTTP clients in throughput phases.")
    var clients: Int = 32

    func validate() throws {
        guard ["sqlite", "postgres"].contains(server.database) else { throw ValidationError("--database: sqlite or postgres") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
        guard FileManager.default.isExecutableFile(atPath: against) else { throw ValidationError("--against: no binary at \(against)") }
    }

    func run() async throws {
        let binaries = [server.binaryPath, against]
        // Per binary: each figure's value in each round, figures in the order measured.
        var values: [[String: [Double]]] = [[:], [:]]
        var names: [String] = []
        for round in 0..<rounds {
            for index in round % 2 == 0 ? [0, 1] : [1, 0] {
                let url = try await server.freshDatabaseURL(server.database)
                let figures = try await Self.measure(binary: binaries[index], databaseURL: url, seconds: seconds, clients: clients)
                for (name, value) in figures {
                    if !names.contains(name) { names.append(name) }
                    values[index][name, default: []].append(value)
                }
            }
        }
        print("\n== taskinfa-bench compare: \(server.database), \(rounds) rounds of \(seconds) s per phase, order alternating")
        print("A = \(binaries[0])\nB = \(binaries[1])")
        print(Report.pad("figure (median of rounds)", 34) + Report.pad("A", 12) + Report.pad("B", 12) + Report.pad("B / A", 9) + "rounds (A | B)")
        for name in names {
            let (a, b) = (values[0][name] ?? [], values[1][name] ?? [])
            let (medianA, medianB) = (Self.median(a), Self.median(b))
            let perRound = a.map(Report.format).joined(separator: " ") + " | " + b.map(Report.format).joined(separator: " ")
            print(
                Report.pad(name, 34) + Report.pad(Report.format(medianA), 12) + Report.pad(Report.format(medianB), 12)
                    + Report.pad(String(format: "%.2f×", medianB / medianA), 9) + perRound)
        }
    }

    /// One server's figures: its `/healthz` rate, then creates into the backlog and moves within a
    /// 100-card column, each with the server's CPU per request.
    static func measure(binary: String, databaseURL: String?, seconds: Int, clients: Int) async throws -> [(String, Double)] {
        let server = try ServerUnderTest(binary: binary, databaseURL: databaseURL)
        defer { server.stop() }
        return try await withHTTPClient(connections: clients + 8) { http in
            var client = Client(http: http, base: "http://127.0.0.1:\(server.port)")
            let (workspace, project, _) = try await Scenario.signUp(&client)
            let wrk = Wrk(base: client.base, bearer: try require(client.bearer), connections: clients, seconds: seconds)
            let ceiling = try wrk.run([Wrk.Request(method: "GET", path: "/healthz")], serverPID: server.pid)
            try await Scenario.fill(client, workspace: workspace, project: project, count: 100, status: "todo", clients: clients)
            let creates = try wrk.run(Scenario.createRequests(workspace: workspace, project: project), serverPID: server.pid)
            let column = try await Scenario.columnIDs(client, workspace: workspace)
            let moves = try wrk.run(Scenario.moveRequests(within: column), serverPID: server.pid)
            for (phase, run) in [("creates", creates), ("moves", moves)] where run.failures > 0 {
                throw BenchError.unexpected("\(run.failures) \(phase) failed on \(binary)")
            }
            return [
                ("HTTP ceiling, req/s", ceiling.requestsPerSecond),
                ("server CPU per /healthz, µs", ceiling.serverMicrosecondsPerRequest),
                ("creates/s", creates.requestsPerSecond),
                ("server CPU per create, µs", creates.serverMicrosecondsPerRequest),
                ("moves/s", moves.requestsPerSecond),
                ("server CPU per move, µs", moves.serverMicrosecondsPerRequest),
            ]
        }
    }

    /// The middle round (the lower of the two middle ones for an even count), as `Samples` reads percentiles.
    static func median(_ values: [Double]) -> Double {
        var samples = Samples()
        for value in values { samples.add(value) }
        return samples.percentile(50)
    }
}
