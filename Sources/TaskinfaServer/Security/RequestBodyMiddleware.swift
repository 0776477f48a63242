import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Bounds request bodies (413 past the limit, before anything is parsed) and, for JSON bodies,
/// records which members are an explicit `null` (see `RequestInfo.explicitNulls`).
struct RequestBodyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maxBodySize: Int
    /// A worker's finish report carries the execution's patch (up to 5 MB of text, more once
    /// escaped as JSON): that one route takes more.
    static let finishReportLimit = 16 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard [.post, .patch, .put].contains(request.method) else { return try await next(request, context) }
        let maxBodySize = Self.isFinishReport(request) ? max(self.maxBodySize, Self.finishReportLimit) : self.maxBodySize
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            throw HTTPError(.contentTooLarge, message: "the request body is larger than \(maxBodySize) bytes")
        }
        var request = request
        let body = try await request.collectBody(upTo: maxBodySize)
        // A body-less request sent chunked is still body-less: say so, so that an optional body is
        // seen as absent rather than as empty JSON.
        if body.readableBytes == 0, request.headers[.transferEncoding] != nil {
            var head = request.head
            head.headerFields[.transferEncoding] = nil
            head.headerFields[.contentLength] = "0"
            request = Request(head: head, body: .init(buffer: body))
        }
        var info = RequestInfo.current
        if request.method == .patch || request.method == .post, body.readableBytes > 0,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        {
            info.explicitNulls = Self.nullPaths(in: object, prefix: "")
        }
        return try await RequestInfo.$current.withValue(info) { try await next(request, context) }
    }

    /// `POST /api/v1/tasks/{id}/executions/{id}/finish` sent with a claim token (what only a worker
    /// sends): the one request that may carry more than the usual limit.
    static func isFinishReport(_ request: Request) -> Bool {
        guard request.method == .post, request.headers[HTTPField.Name("X-Taskinfa-Claim")!] != nil else { return false }
        let parts = request.uri.path.split(separator: "/")
        return parts.count == 7 && parts[0] == "api" && parts[1] == "v1" && parts[2] == "tasks" && parts[4] == "executions"
            && parts[6] == "finish"
    }

    static func nullPaths(in object: [String: Any], prefix: String) -> Set<String> {
        var paths = Set<String>()
        for (key, value) in object {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if value is NSNull {
                paths.insert(path)
            } else if let nested = value as? [String: Any], prefix.isEmpty {
                paths.formUnion(nullPaths(in: nested, prefix: path))
            }
        }
        return paths
    }
}
