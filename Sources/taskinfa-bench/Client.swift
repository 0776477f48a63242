import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Runs `body` with an HTTP client allowing `connections` connections to the server, and shuts
/// the client down afterwards, whichever way `body` ends.
func withHTTPClient<T>(connections: Int, _ body: (HTTPClient) async throws -> T) async throws -> T {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// The HTTP side of the benchmark: one pooled client, JSON helpers, and closed-loop load.
struct Client: Sendable {
    let http: HTTPClient
    let base: String
    var bearer: String?

    func request(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws -> (Int, Any?) {
        let (status, _, body) = try await timed(method, path, json: json)
        return (status, Self.object(in: body))
    }

    /// A request and the time until its whole answer had arrived: what a reading figure reports,
    /// without the time this client then takes to parse the JSON.
    func timed(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws
        -> (status: Int, milliseconds: Double, body: ByteBuffer)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let started = ContinuousClock.now
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), (ContinuousClock.now - started).milliseconds, body)
    }

    static func object(in body: ByteBuffer) -> Any? {
        body.readableBytes > 0 ? try? JSONSerialization.jsonObject(with: Data(buffer: body)) : nil
    }

    /// `clients` concurrent loops each sending `operation` back to back for `duration`.
    /// Returns the number of successful operations per second and their latencies.
    func load(
        clients: Int, duration: Duration, _ operation: @escaping @Sendable (Int, Int) async throws -> Bool
    ) async throws -> (rate: Double, latency: Samples, failures: Int) {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        let started = clock.now
        let results = try await withThrowingTaskGroup(of: (Samples, Int).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var samples = Samples()
                    var failures = 0
                    var iteration = 0
                    while clock.now < deadline {
                        let begin = clock.now
                        if try await operation(client, iteration) {
                            samples.add((clock.now - begin).milliseconds)
                        } else {
                            failures += 1
                        }
                        iteration += 1
                    }
                    return (samples, failures)
                }
            }
            var all = Samples()
            var failures = 0
            for try await (samples, failed) in group {
                all.add(samples)
                failures += failed
            }
            return (all, failures)
        }
        let elapsed = (clock.now - started).milliseconds / 1000
        return (Double(results.0.count) / elapsed, results.0, results.1)
    }
}
