import Crypto
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import TaskinfaStore

/// One benchmark run against one database: start-up, memory, the HTTP ceiling, creates, moves,
/// board reads at 1k and 10k tasks, commit → stream latency, many open streams, search at 100k.
struct Scenario: Sendable {
    let binary: String
    let databaseURL: String?
    let name: String
    let seconds: Int
    let clients: Int
    let searchTasks: Int
    /// Event streams opened at once for the fan-out figures (0 skips them).
    let fanoutStreams: Int

    func run() async throws -> Report {
        var report = Report(name: name)
        // Start-up on an empty data folder: the median of five.
        var startups = Samples()
        for _ in 0..<(databaseURL == nil ? 5 : 1) {
            let server = try ServerUnderTest(binary: binary, databaseURL: databaseURL)
            startups.add(server.startup.milliseconds)
            server.stop()
        }
        let server = try ServerUnderTest(binary: binary, databaseURL: databaseURL)
        defer { server.stop() }
        report.add("start-up, empty data folder (median)", startups.percentile(50), "ms", target: "< 500 ms")
        try await Task.sleep(for: .seconds(1))
        report.add("resident memory, idle", server.residentMegabytes, "MB", target: "< 60 MB")

        try await withHTTPClient(connections: clients + 256) { http in
            try await measure(into: &report, server: server, http: http)
        }
        return report
    }

    private func measure(into report: inout Report, server: ServerUnderTest, http: HTTPClient) async throws {
        var signedIn = Client(http: http, base: "http://127.0.0.1:\(server.port)")
        let (workspace, project, _) = try await Self.signUp(&signedIn)
        let client = signedIn
        let duration = Duration.seconds(seconds)

        let wrk = Wrk(base: client.base, bearer: client.bearer!, connections: clients, seconds: seconds)
        // The ceiling: the same server answering its simplest route, driven by wrk.
        let ceiling = try wrk.run([Wrk.Request(method: "GET", path: "/healthz")], serverPID: server.pid)
        report.ceiling = ceiling.requestsPerSecond
        report.add("load generator (wrk) CPU at the HTTP ceiling", ceiling.clientCores, "cores", target: "< 1 of 2")

        // What SQLite itself does for the same rows, one transaction each, on the same file system.
        let storage: (creates: Report.Baseline, moves: Report.Baseline)?
        if databaseURL == nil {
            let (creates, moves) = try await StorageCeiling.measure(directory: server.dataDirectory, duration: duration) {
                var generator = SystemRandomNumberGenerator()
                return (Workload.title(&generator), Workload.description(&generator))
            }
            report.storageCreates = creates.perSecond
            report.storageMoves = moves.perSecond
            storage = (
                Report.Baseline(name: "SQLite, a create's rows", value: creates.perSecond, unit: "tx/s"),
                Report.Baseline(name: "SQLite, a move's rows", value: moves.perSecond, unit: "tx/s"))
        } else {
            storage = nil
        }

        // A 100-card To Do column, then creates into the backlog.
        try await fill(client, workspace: workspace, project: project, count: 100, status: "todo")
        let creates = try wrk.run(Self.createRequests(workspace: workspace, project: project), serverPID: server.pid)
        report.add("task creates (\(clients) clients)", creates.requestsPerSecond, "/s", ratio: true, target: ">= 25 % of ceiling")
        if let storage {
            report.add("task creates vs SQLite's own rate", creates.requestsPerSecond, "/s", against: storage.creates, target: ">= 0.75× SQLite")
        } else {
            report.add("task creates, PostgreSQL goal", creates.requestsPerSecond, "/s", target: ">= 1.5k/s")
        }
        report.add("task create latency p50", creates.latencyP50, "ms")
        report.add("task create latency p99", creates.latencyP99, "ms")
        report.add("server CPU per create", creates.serverMicrosecondsPerRequest, "µs", target: "<= 400 µs")
        report.add("load generator (wrk) CPU during creates", creates.clientCores, "cores", target: "< 1 of 2")
        report.add("failed creates", Double(creates.failures), "", target: "0")

        try await topUp(client, workspace: workspace, project: project, to: 1_000)
        let board1k = try await boardReads(client, workspace: workspace)
        report.add("board column (100 cards), 1k tasks, p95", board1k.percentile(95), "ms", target: "< 5 ms")
        try await topUp(client, workspace: workspace, project: project, to: 10_000)
        let board10k = try await boardReads(client, workspace: workspace)
        report.add("board column (100 cards), 10k tasks, p50", board10k.percentile(50), "ms")
        report.add("board column (100 cards), 10k tasks, p95", board10k.percentile(95), "ms", target: "< 5 ms")

        let todo = try await Self.columnIDs(client, workspace: workspace)
        let moves = try wrk.run(Self.moveRequests(within: todo), serverPID: server.pid)
        report.add("moves within a column (\(clients) clients)", moves.requestsPerSecond, "/s", ratio: true)
        if let storage {
            report.add("moves vs SQLite's own rate", moves.requestsPerSecond, "/s", against: storage.moves, target: ">= 0.75× SQLite")
        }
        report.add("server CPU per move", moves.serverMicrosecondsPerRequest, "µs")
        report.add("load generator (wrk) CPU during moves", moves.clientCores, "cores", target: "< 1 of 2")
        report.add("failed moves", Double(moves.failures), "", target: "0")

        let latency = try await eventLatency(client, http: http, workspace: workspace, project: project)
        report.add("create → event stream client, p50", latency.percentile(50), "ms")
        report.add("create → event stream client, p99", latency.percentile(99), "ms", target: "< 50 ms")

        var streams: [EventProbe] = []
        for _ in 0..<200 {
            streams.append(
                try await EventProbe(
                    http: http, url: client.base + "/api/v1/workspaces/\(workspace)/events", bearer: client.bearer!))
        }
        try await Task.sleep(for: .seconds(1))
        report.add("resident memory, 10k tasks, 200 open streams", server.residentMegabytes, "MB", target: "< 150 MB")
        for stream in streams { stream.close() }
        if fanoutStreams > 0 {
            try await StreamFanout.measure(
                into: &report, server: server, client: client, workspace: workspace, project: project, streams: fanoutStreams)
        }

        if searchTasks > 0 {
            try await topUp(client, workspace: workspace, project: project, to: searchTasks)
            let searches = try await Self.searches(client, workspace: workspace)
            report.add("search, \(searchTasks / 1000)k tasks, p50", searches.percentile(50), "ms")
            report.add("search, \(searchTasks / 1000)k tasks, p95", searches.percentile(95), "ms", target: "< 10 ms")
            let boards = try await Self.boardSearches(client, workspace: workspace)
            report.add("whole board under a search, \(searchTasks / 1000)k tasks, p50", boards.percentile(50), "ms")
            report.add("whole board under a search, \(searchTasks / 1000)k tasks, p95", boards.percentile(95), "ms", target: "< 50 ms")
            report.add("resident memory after the search corpus", server.residentMegabytes, "MB")
        }
    }

    /// 2,000 creates into the backlog, each with its own words, for wrk to send round robin.
    static func createRequests(workspace: String, project: String) -> [Wrk.Request] {
        var generator = SystemRandomNumberGenerator()
        return (0..<2_000).map { index in
            Wrk.Request(
                path: "/api/v1/workspaces/\(workspace)/tasks",
                body: json(["project_id": project, "title": Workload.title(&generator) + " \(index)",
                            "description": Workload.description(&generator)]))
        }
    }

    /// 2,000 moves within the To Do column: a random task of `column` to just above another one.
    static func moveRequests(within column: [String]) throws -> [Wrk.Request] {
        guard column.count >= 2 else { throw BenchError.unexpected("a column of \(column.count) tasks has nothing to move") }
        var generator = SystemRandomNumberGenerator()
        return (0..<2_000).map { _ in
            let task = column.randomElement(using: &generator)!
            var anchor = column.randomElement(using: &generator)!
            while anchor == task { anchor = column.randomElement(using: &generator)! }
            return Wrk.Request(path: "/api/v1/tasks/\(task)/move", body: json(["status": "todo", "before_id": anchor]))
        }
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// What the page sends with a write made with the session cookie (`taskinfa_session=…`): the
    /// session's CSRF token, derived as the server derives it.
    static func csrfToken(cookie: String) -> String {
        let session = cookie.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
        return SHA256.hash(data: Data("taskinfa-csrf\u{0}\(session)".utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// An account, an API key and a project; the client then speaks with the key. Returns the
    /// session cookie too (creating keys and workers needs a person).
    static func signUp(_ client: inout Client) async throws -> (workspace: String, project: String, cookie: String) {
        let (_, signup) = try await client.request(
            .POST, "/api/v1/auth/signup", json: ["email": "bench@example.com", "password": "mauve kettle orbit"])
        guard let workspace = ((signup as? [String: Any])?["workspace"] as? [String: Any])?["id"] as? String else {
            throw BenchError.unexpected("signup failed")
        }
        // A key needs a signed-in user: log in by cookie through a raw request.
        var login = HTTPClientRequest(url: client.base + "/api/v1/auth/login")
        login.method = .POST
        login.headers.add(name: "Content-Type", value: "application/json")
        login.body = .bytes(ByteBuffer(string: #"{"email":"bench@example.com","password":"mauve kettle orbit"}"#))
        let response = try await client.http.execute(login, timeout: .seconds(10))
        let cookie = response.headers["Set-Cookie"].first?.split(separator: ";").first.map(String.init) ?? ""
        var keyRequest = HTTPClientRequest(url: client.base + "/api/v1/workspaces/\(workspace)/api-keys")
        keyRequest.method = .POST
        keyRequest.headers.add(name: "Content-Type", value: "application/json")
        keyRequest.headers.add(name: "Cookie", value: cookie)
        keyRequest.headers.add(name: "X-CSRF-Token", value: csrfToken(cookie: cookie))
        keyRequest.body = .bytes(ByteBuffer(string: #"{"name":"bench"}"#))
        let keyResponse = try await client.http.execute(keyRequest, timeout: .seconds(10))
        let keyBody = try await keyResponse.body.collect(upTo: 1 << 20)
        guard let secret = (try JSONSerialization.jsonObject(with: Data(buffer: keyBody)) as? [String: Any])?["secret"] as? String
        else { throw BenchError.unexpected("no API key") }
        client.bearer = secret
        let (_, project) = try await client.request(
            .POST, "/api/v1/workspaces/\(workspace)/projects", json: ["name": "Bench", "key": "BEN"])
        guard let projectID = (project as? [String: Any])?["id"] as? String else { throw BenchError.unexpected("no project") }
        return (workspace, projectID, cookie)
    }

    private func count(_ client: Client, workspace: String) async throws -> Int {
        // Task numbers are dense per project: the newest task's number is the count created.
        let (_, page) = try await client.request(.GET, "/api/v1/workspaces/\(workspace)/tasks?sort=created_at&order=desc&limit=1")
        return (((page as? [String: Any])?["tasks"] as? [[String: Any]])?.first?["number"] as? Int) ?? 0
    }

    private func fill(_ client: Client, workspace: String, project: String, count: Int, status: String) async throws {
        try await Self.fill(client, workspace: workspace, project: project, count: count, status: status, clients: clients)
    }

    static func fill(_ client: Client, workspace: String, project: String, count: Int, status: String, clients: Int)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var generator = SystemRandomNumberGenerator()
                    for index in stride(from: worker, to: count, by: clients) {
                        let (code, _) = try await client.request(
                            .POST, "/api/v1/workspaces/\(workspace)/tasks",
                            json: ["project_id": project, "title": Workload.title(&generator) + " \(index)",
                                   "description": Workload.description(&generator), "status": status])
                        guard code == 201 else { throw BenchError.unexpected("create answered \(code)") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func topUp(_ client: Client, workspace: String, project: String, to total: Int) async throws {
        let existing = try await count(client, workspace: workspace)
        if existing < total {
            try await fill(client, workspace: workspace, project: project, count: total - existing, status: "backlog")
        }
    }

    private func boardReads(_ client: Client, workspace: String) async throws -> Samples {
        var samples = Samples()
        for _ in 0..<300 {
            let (status, milliseconds, _) = try await client.timed(.GET, "/api/v1/workspaces/\(workspace)/tasks?status=todo&limit=100")
            guard status == 200 else { throw BenchError.unexpected("list answered \(status)") }
            samples.add(milliseconds)
        }
        return samples
    }

    /// 300 searches as people type them (`Workload.query`), one after another.
    static func searches(_ client: Client, workspace: String) async throws -> Samples {
        try await searches(client, count: 300) { query in "/api/v1/workspaces/\(workspace)/tasks?q=\(query)&limit=50" }
    }

    /// 100 whole boards (every column's count and first page) under a search as people type it.
    static func boardSearches(_ client: Client, workspace: String) async throws -> Samples {
        try await searches(client, count: 100) { query in "/api/v1/workspaces/\(workspace)/board?q=\(query)&limit=30" }
    }

    private static func searches(_ client: Client, count: Int, path: (String) -> String) async throws -> Samples {
        var searches = Samples()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<count {
            let query = Workload.query(&generator).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let (status, milliseconds, _) = try await client.timed(.GET, path(query))
            guard status == 200 else { throw BenchError.unexpected("search answered \(status)") }
            searches.add(milliseconds)
        }
        return searches
    }

    /// The ids of the To Do column's first 100 cards.
    static func columnIDs(_ client: Client, workspace: String) async throws -> [String] {
        let (_, page) = try await client.request(.GET, "/api/v1/workspaces/\(workspace)/tasks?status=todo&limit=100")
        return ((page as? [String: Any])?["tasks"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    /// From sending a create to the event arriving on an open stream (an upper bound of commit → client).
    private func eventLatency(_ client: Client, http: HTTPClient, workspace: String, project: String) async throws -> Samples {
        let probe = try await EventProbe(
            http: http, url: client.base + "/api/v1/workspaces/\(workspace)/events", bearer: client.bearer!)
        defer { probe.close() }
        var samples = Samples()
        for index in 0..<300 {
            let title = "latency probe \(index)"
            let sent = ContinuousClock.now
            let (status, _) = try await client.request(
                .POST, "/api/v1/workspaces/\(workspace)/tasks", json: ["project_id": project, "title": title])
            guard status == 201 else { throw BenchError.unexpected("create answered \(status)") }
            var arrival = probe.arrival(of: title)
            let deadline = ContinuousClock.now + .seconds(5)
            while arrival == nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .microseconds(200))
                arrival = probe.arrival(of: title)
            }
            guard let arrival else { throw BenchError.unexpected("the event for \(title) never arrived") }
            samples.add((arrival - sent).milliseconds)
        }
        return samples
    }
}
