import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import TaskinfaCore
import Testing

/// A minimal server-sent-events reader for the tests: connects, collects `(id, event)` pairs until
/// it has `count` of them or `timeout` passes, then hangs up. The timeout is generous: it only
/// matters when a test fails, and the whole suite runs at once — on PostgreSQL beside the
/// database's own fsyncs, on two cores.
enum SSEClient {
    struct Frame: Equatable, Sendable {
        var id: Int64
        var event: String
        var data: String
    }

    static func collect(
        port: Int, path: String, cookie: String, lastEventID: Int64? = nil, count: Int,
        timeout: Duration = .seconds(30), whileConnected: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> (frames: [Frame], comments: [String]) {
        let response = try await open(port: port, path: path, credential: .cookie(cookie), lastEventID: lastEventID)
        return try await withThrowingTaskGroup(of: ([Frame], [String])?.self) { group in
            group.addTask {
                var frames: [Frame] = []
                var comments: [String] = []
                var buffer = ""
                var started = false
                for try await chunk in response.body {
                    buffer += String(buffer: chunk)
                    while let end = buffer.range(of: "\n\n") {
                        let block = String(buffer[..<end.lowerBound])
                        buffer.removeSubrange(..<end.upperBound)
                        var frame = Frame(id: -1, event: "", data: "")
                        for line in block.split(separator: "\n") {
                            if line.hasPrefix(":") { comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)) }
                            if line.hasPrefix("id: ") { frame.id = Int64(line.dropFirst(4)) ?? -1 }
                            if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                            if line.hasPrefix("data: ") { frame.data = String(line.dropFirst(6)) }
                        }
                        if frame.id >= 0 || !frame.event.isEmpty { frames.append(frame) }
                        if !started {
                            started = true
                            try await whileConnected()
                        }
                        if frames.count >= count { return (frames, comments) }
                    }
                }
                return (frames, comments)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let result = first else { throw SSEError.timedOut }
            return result
        }
    }

    /// Connects, runs `whileConnected` once the stream said it is connected, and returns how long
    /// after that the server ended the stream — nil if it was still open after `timeout`.
    static func timeUntilEnded(
        port: Int, path: String, credential: Credential, timeout: Duration,
        whileConnected: @escaping @Sendable () async throws -> Void
    ) async throws -> Duration? {
        let response = try await open(port: port, path: path, credential: credential, lastEventID: nil)
        return try await withThrowingTaskGroup(of: Duration?.self) { group in
            group.addTask {
                var connectedAt: ContinuousClock.Instant?
                do {
                    for try await chunk in response.body where connectedAt == nil {
                        if String(buffer: chunk).contains(": connected") {
                            try await whileConnected()
                            connectedAt = .now
                        }
                    }
                } catch {
                    // The server closed the connection in the middle of the chunked body: ended, too.
                }
                return connectedAt.map { ContinuousClock.now - $0 } ?? .zero
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    }

    private static func open(port: Int, path: String, credential: Credential, lastEventID: Int64?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        switch credential {
        case .cookie(let token): request.headers.add(name: "Cookie", value: "taskinfa_session=\(token)")
        case .key(let secret): request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        }
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else {
            throw SSEError.status(Int(response.status.code))
        }
        return response
    }

    enum SSEError: Error {
        case status(Int)
        case timedOut
    }
}
