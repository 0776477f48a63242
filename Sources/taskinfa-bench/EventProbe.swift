import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An open event stream that notes when each task title arrives (for commit → client latency),
/// or just stays open (for the memory figure with many streams).
final class EventProbe: Sendable {
    private final class Arrivals: Sendable {
        let times = Mutex<[String: ContinuousClock.Instant]>([:])
    }

    private let arrivals = Arrivals()
    private let reader: Task<Void, Never>

    init(http: HTTPClient, url: String, bearer: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .hours(1))
        guard response.status == .ok else { throw BenchError.unexpected("event stream answered \(response.status)") }
        let arrivals = self.arrivals
        reader = Task {
            var buffer = ""
            do {
                for try await chunk in response.body {
                    let now = ContinuousClock.now
                    buffer += String(buffer: chunk)
                    while let end = buffer.range(of: "\n\n") {
                        let frame = buffer[..<end.lowerBound]
                        buffer.removeSubrange(..<end.upperBound)
                        guard let line = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                            let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
                            let data = object["data"] as? [String: Any], let task = data["task"] as? [String: Any],
                            let title = task["title"] as? String
                        else { continue }
                        arrivals.times.withLock { $0[title] = now }
                    }
                }
            } catch {}
        }
    }

    func arrival(of title: String) -> ContinuousClock.Instant? {
        arrivals.times.withLock { $0[title] }
    }

    func close() { reader.cancel() }
}
