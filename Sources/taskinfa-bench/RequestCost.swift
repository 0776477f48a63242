import ArgumentParser
import Crypto
import Foundation
import Hummingbird
import Logging
import Synchronization
import TaskinfaServer

/// A fixed number of task creates sent over HTTP, one after another, to the real application
/// running in this process: for counting a whole request's instructions under callgrind
/// (`scripts/create-cost-check.sh`), which can't run the `taskinfa` binary itself (its async
/// entry point parks the main thread where valgrind 3.19 crashes). The client is a plain blocking
/// socket, so nearly every instruction counted is the server's.
struct RequestCost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-cost", abstract: "Send a fixed number of task creates or moves over HTTP to the application in this process.")

    enum Route: String, ExpressibleByArgument { case create, move }

    @Option(help: "How many requests to send (after twenty to warm up).")
    var count: Int = 100

    @Option(help: "What each request does: create a task, or move one of twenty tasks within its column.")
    var route: Route = .create

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-request-cost-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.bcryptCost = 4
        configuration.logLevel = .critical
        configuration.apiRequestsPerMinute = 1_000_000
        let ready = PortSlot()
        let app = try buildApplication(configuration: configuration, onServerRunning: { port in ready.fill(port) })
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        let port = try await ready.wait()
        let client = try PlainHTTP(port: port)
        defer { client.close() }

        let signup = try client.send("POST", "/api/v1/auth/signup", body: #"{"email":"cost@example.com","password":"mauve kettle orbit"}"#)
        guard signup.status == 201, let cookie = signup.header("Set-Cookie")?.split(separator: ";").first.map(String.init),
            let workspace = ((try? JSONSerialization.jsonObject(with: signup.body)) as? [String: Any]).flatMap({ $0["workspace"] as? [String: Any] })?["id"] as? String
        else { throw BenchError.unexpected("signup answered \(signup.status)") }
        let keyReply = try client.send(
            "POST", "/api/v1/workspaces/\(workspace)/api-keys", body: #"{"name":"cost"}"#,
            headers: ["Cookie": cookie, "X-CSRF-Token": Scenario.csrfToken(cookie: cookie)])
        guard let secret = ((try? JSONSerialization.jsonObject(with: keyReply.body)) as? [String: Any])?["secret"] as? String else {
            throw BenchError.unexpected("api key answered \(keyReply.status)")
        }
        let bearer = ["Authorization": "Bearer \(secret)"]
        let projectReply = try client.send("POST", "/api/v1/workspaces/\(workspace)/projects", body: #"{"name":"Cost","key":"COS"}"#, headers: bearer)
        guard let project = ((try? JSONSerialization.jsonObject(with: projectReply.body)) as? [String: Any])?["id"] as? String else {
            throw BenchError.unexpected("project answered \(projectReply.status)")
        }
        // The same text every run, so that every run does the same work; made before the loop (the
        // loop should count the server's work, not the client's), words only, so no escaping.
        var generator = RepeatableGenerator()
        let texts = (0..<20).map { _ in (Workload.title(&generator), Workload.description(&generator)) }
        func create(_ index: Int) throws -> PlainHTTP.Reply {
            let (title, description) = texts[index % texts.count]
            let body = #"{"project_id":"\#(project)","title":"\#(title) \#(index)","description":"\#(description)"}"#
            let reply = try client.send("POST", "/api/v1/workspaces/\(workspace)/tasks", body: body, headers: bearer)
            guard reply.status == 201 else { throw BenchError.unexpected("create answered \(reply.status)") }
            return reply
        }
        switch route {
        case .create:
            for index in 0..<(count + 20) { _ = try create(index) }
        case .move:
            // Twenty tasks, each move puts one before another (the bench's move phase, in one column).
            let created = try (0..<20).map { index in
                let task = (try? JSONSerialization.jsonObject(with: create(index).body)) as? [String: Any]
                guard let id = task?["id"] as? String, let status = task?["status"] as? String else {
                    throw BenchError.unexpected("create answered without an id")
                }
                return (id: id, status: status)
            }
            let moves = created.indices.map { index in
                let (task, anchor) = (created[index], created[(index * 7 + 3) % created.count])
                return (path: "/api/v1/tasks/\(task.id)/move", body: #"{"status":"\#(anchor.status)","before_id":"\#(anchor.id)"}"#)
            }
            for index in 0..<(count + 20) {
                let move = moves[index % moves.count]
                let reply = try client.send("POST", move.path, body: move.body, headers: bearer)
                guard reply.status == 200 else { throw BenchError.unexpected("move answered \(reply.status)") }
            }
        }
    }
}

/// The port the server reports once it listens.
private final class PortSlot: Sendable {
    private let port = Mutex<Int?>(nil)

    func fill(_ value: Int) { port.withLock { $0 = value } }

    func wait() async throws -> Int {
        for _ in 0..<600 {
            if let value = port.withLock({ $0 }) { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError.unexpected("the server did not start")
    }
}

/// HTTP/1.1 over one blocking loopback socket: write a request, read its answer (Content-Length).
/// Kept to a few byte scans, so that it adds little to the server's count.
final class PlainHTTP {
    struct Reply {
        let status: Int
        let head: String
        let body: Data

        /// A header's value (case-insensitive name), found by scanning bytes: splitting the text
        /// by lines the `String` way cost more instructions than a fifth of the server's answer.
        func header(_ name: String) -> String? {
            let wanted = Array(name.lowercased().utf8) + [UInt8(ascii: ":")]
            for line in head.utf8.split(separator: 10) where line.count > wanted.count {
                let start = line.startIndex
                // Setting bit 5 lower-cases a letter and leaves "-", ":" and digits as they are.
                guard zip(wanted, line).allSatisfy({ $0 == ($1 | 0x20) }) else { continue }
                let value = line[line.index(start, offsetBy: wanted.count)...].drop { $0 == UInt8(ascii: " ") }
                return String(decoding: value.last == 13 ? value.dropLast() : value, as: UTF8.self)
            }
            return nil
        }
    }

    private let socket: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchError.unexpected("could not connect to port \(port)") }
    }

    func send(_ method: String, _ path: String, body: String, headers: [String: String] = [:]) throws -> Reply {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n" + body
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            guard written > 0 else { throw BenchError.unexpected("the connection closed while sending") }
            sent += written
        }
        let head = try readHead()
        // "HTTP/1.1 201 Created": the status is the three digits after the first space.
        let status = head.count > 12 ? Int(head[9..<12].reduce(0) { $0 * 10 + Int($1 - 48) }) : 0
        let text = String(decoding: head, as: UTF8.self)
        let length = Reply(status: status, head: text, body: Data()).header("Content-Length").flatMap { Int($0) } ?? 0
        return Reply(status: status, head: text, body: Data(try read(length)))
    }

    private func readHead() throws -> [UInt8] {
        var scanned = 0
        while true {
            while scanned + 3 < buffer.count {
                if buffer[scanned] == 13 && buffer[scanned + 1] == 10 && buffer[scanned + 2] == 13 && buffer[scanned + 3] == 10 {
                    let head = Array(buffer[..<scanned])
                    buffer.removeSubrange(..<(scanned + 4))
                    return head
                }
                scanned += 1
            }
            try fill()
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }

    private func fill() throws {
        let got = chunk.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress, $0.count) }
        guard got > 0 else { throw BenchError.unexpected("the connection closed while reading") }
        buffer += chunk[..<got]
    }

    func close() { _ = Glibc.close(socket) }
}
