import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import TaskinfaCore
import TaskinfaServer
import Testing

/// A real `taskinfa serve` process (the binary SwiftPM built next to this test bundle), for what
/// only a separate process can show: `kill -9`, SIGTERM, restarts on the same data.
final class ServerProcess: @unchecked Sendable {
    let process: Spawned
    let port: Int

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("taskinfa")
    }

    /// Starts the server and waits for its "running at" line.
    init(dataDirectory: String, databaseURL: String?, extra: [String] = []) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw ServerProcessError.missingBinary(Self.binary.path)
        }
        var arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--bcrypt-cost", "4", "--log-level", "warning",
            "--sign-in-limit", "10000", "--sign-up-limit", "10000", "--api-rate-limit", "1000000"]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        var reader: Int32 = -1
        process = try Spawned(Self.binary.path, arguments + extra, outputPipe: &reader)
        let handle = FileHandle(fileDescriptor: reader, closeOnDealloc: true)
        let deadline = Date().addingTimeInterval(30)
        var seen = ""
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"running at http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let match = String(seen[range])
                port = Int(match.split(separator: ":").last!.dropLast())!
                return
            }
        }
        process.signal(SIGTERM)
        throw ServerProcessError.didNotStart(seen)
    }

    func kill(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits for the process to exit; returns its status, or nil if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Int32? {
        await process.waitForExit(timeout: timeout)
    }

    enum ServerProcessError: Error {
        case missingBinary(String)
        case didNotStart(String)
    }
}

/// Plain HTTP against a server process (or a live test app), one pooled connection per request in
/// flight, so that requests sent together really run together.
struct HTTP: Sendable {
    let port: Int
    var timeout: Duration = .seconds(10)

    struct Reply: Sendable {
        let status: Int
        let json: JSONValue
        let headers: HTTPHeaders
    }

    func call(_ method: HTTPMethod, _ path: String, json: JSONValue? = nil, bearer: String? = nil, cookie: String? = nil)
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(json)))
        }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let cookie {
            request.headers.add(name: "Cookie", value: "taskinfa_session=\(cookie)")
            if method != .GET { request.headers.add(name: CSRFToken.header, value: CSRFToken.of(sessionToken: cookie)) }
        }
        let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(timeout))
        let body = try await response.body.collect(upTo: 10 << 20)
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body))) ?? .null
        return Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }
}
