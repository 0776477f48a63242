import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import TaskinfaStore

/// One workspace of a million tasks (SQLite): filled through the store's own connection (not
/// HTTP: that would take the run's whole hour), then served by a freshly started server, which is
/// timed starting, reading a board column, searching and moving, with its memory and the size of
/// the database beside.
struct MillionScenario: Sendable {
    let binary: String
    let tasks: Int
    let clients: Int

    func run(into report: inout Report) async throws {
        let label = tasks >= 1_000_000 ? "\(tasks / 1_000_000)M" : "\(tasks / 1000)k"
        // A first server makes the account, key and project the measurements use.
        let first = try ServerUnderTest(binary: binary, databaseURL: nil)
        let (workspace, project, bearer, userID) = try await withHTTPClient(connections: 4) { http in
            var client = Client(http: http, base: "http://127.0.0.1:\(first.port)")
            let (workspace, project, cookie) = try await Scenario.signUp(&client)
            return (workspace, project, client.bearer!, try await Self.userID(http: http, base: client.base, cookie: cookie))
        }
        first.stop(keepingData: true)
        let dataDirectory = first.dataDirectory
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }

        let path = dataDirectory + "/taskinfa.sqlite"
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "bench-fill"))
        try await database.prepare()
        let started = ContinuousClock.now
        try await BenchmarkFill.fill(
            Store(database: database), workspaceID: workspace, projectID: project, createdBy: userID, count: tasks
        ) { index in
            var generator = RepeatableGenerator(seed: UInt64(index))
            return (Workload.title(&generator) + " \(index)", Workload.description(&generator))
        }
        report.add("\(label) tasks: filled through the store", Double(tasks) / (ContinuousClock.now - started).milliseconds * 1000, "tasks/s")
        await database.close()
        report.add("\(label) tasks: database size", Self.megabytes(ofFilesStartingWith: path), "MB")

        let server = try ServerUnderTest(binary: binary, databaseURL: nil, dataDirectory: dataDirectory)
        defer { server.stop(keepingData: true) }
        report.add("\(label) tasks: start-up", server.startup.milliseconds, "ms", target: "< 1000 ms")
        try await withHTTPClient(connections: clients + 8) { http in
            var client = Client(http: http, base: "http://127.0.0.1:\(server.port)")
            client.bearer = bearer
            try await measure(client, workspace: workspace, label: label, server: server, into: &report)
        }
    }

    private func measure(_ client: Client, workspace: String, label: String, server: ServerUnderTest, into report: inout Report) async throws {
        var board = Samples()
        var column: [String] = []
        for _ in 0..<300 {
            let (status, milliseconds, body) = try await client.timed(.GET, "/api/v1/workspaces/\(workspace)/tasks?status=todo&limit=100")
            guard status == 200 else { throw BenchError.unexpected("list answered \(status)") }
            board.add(milliseconds)
            if column.isEmpty {
                let page = Client.object(in: body)
                column = ((page as? [String: Any])?["tasks"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
        }
        report.add("\(label) tasks: board column (100 cards), p95", board.percentile(95), "ms", target: "< 10 ms")

        let searches = try await Scenario.searches(client, workspace: workspace)
        var generator = SystemRandomNumberGenerator()
        report.add("\(label) tasks: search, p95", searches.percentile(95), "ms", target: "< 50 ms")
        let boards = try await Scenario.boardSearches(client, workspace: workspace)
        report.add("\(label) tasks: whole board under a search, p95", boards.percentile(95), "ms", target: "< 50 ms")

        guard column.count > 1 else { throw BenchError.unexpected("the To Do column is empty") }
        var moves = Samples()
        for _ in 0..<200 {
            let task = column.randomElement(using: &generator)!
            var anchor = column.randomElement(using: &generator)!
            while anchor == task { anchor = column.randomElement(using: &generator)! }
            let (status, milliseconds, _) = try await client.timed(.POST, "/api/v1/tasks/\(task)/move", json: ["status": "todo", "before_id": anchor])
            guard status == 200 else { throw BenchError.unexpected("move answered \(status)") }
            moves.add(milliseconds)
        }
        report.add("\(label) tasks: a move, p95", moves.percentile(95), "ms", target: "< 5 ms")
        report.add("\(label) tasks: resident memory after", server.residentMegabytes, "MB", target: "< 150 MB")
    }

    /// The signed-up person's id, read with their session cookie.
    static func userID(http: HTTPClient, base: String, cookie: String) async throws -> String {
        var request = HTTPClientRequest(url: base + "/api/v1/auth/me")
        request.headers.add(name: "Cookie", value: cookie)
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let me = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let id = (me["user"] as? [String: Any])?["id"] as? String
        else { throw BenchError.unexpected("GET /auth/me has no user id") }
        return id
    }

    /// The database file and its WAL and shared-memory files together.
    static func megabytes(ofFilesStartingWith path: String) -> Double {
        let sizes = ["", "-wal", "-shm"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: path + $0))?[.size] as? Int
        }
        return Double(sizes.reduce(0, +)) / 1_048_576
    }
}
