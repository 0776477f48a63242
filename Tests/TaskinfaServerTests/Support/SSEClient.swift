import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import TaskinfaCore
import Testing

/// A minimal server-sent-events reader for the tests: connects, collects `(id, event)` pairs until
/// it has `count` of them or `timeout` passes, then hangs up.
enum SSEClient {
    struct Frame: Equatable, Sendable {
        var id: Int64
        var event: String
        var data: String
    }

    static func collect(
        port: Int, path: String, cookie: String, lastEventID: Int64? = nil, count: Int,
        timeout: Duration = .seconds(10), whileConnected: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> (frames: [Frame], comments: [String]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Cookie", value: "taskinfa_session=\(cookie)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else {
            throw SSEError.status(Int(response.status.code))
        }
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
                        if frame.id >= 0 { frames.append(frame) }
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

    enum SSEError: Error {
        case status(Int)
        case timedOut
    }
}
