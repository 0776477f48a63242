import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIRuntime

/// Serves the generated OpenAPI handlers from the Hummingbird router. Our own transport rather than
/// a generic adapter for two reasons: a request that carries no body must reach the generated code
/// as *no* body, or an operation whose body is optional (a claim without filters) fails to decode an
/// empty one; and an answer a handler wrote itself (`PreparedJSON`) replaces the generated one.
struct RouterTransport: ServerTransport {
    /// Where the operations go: a group carrying the middleware only the API needs.
    let routes: RouterGroup<AppRequestContext>

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
            HTTPResponse, HTTPBody?
        ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        routes.on(RouterPath(path), method: method) { request, context in
            let length = request.headers[.contentLength].flatMap(Int.init)
            let chunked = request.headers[.transferEncoding] != nil
            let body: HTTPBody? =
                (length ?? 0) > 0 || chunked
                ? HTTPBody(
                    request.body.map { ArraySlice($0.readableBytesView) },
                    length: length.map { .known(Int64($0)) } ?? .unknown, iterationBehavior: .single)
                : nil
            let parameters = Dictionary(
                context.parameters.map { (String($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
            let (response, responseBody) = try await PreparedJSON.serve {
                try await handler(request.head, body, ServerRequestMetadata(pathParameters: parameters))
            }
            return Response(
                status: response.status, headers: response.headerFields, body: Self.responseBody(responseBody))
        }
    }

    private static func responseBody(_ body: HTTPBody?) -> ResponseBody {
        guard let body else { return ResponseBody(byteBuffer: ByteBuffer()) }
        let buffers = body.map { ByteBuffer(bytes: $0) }
        if case .known(let length) = body.length {
            return ResponseBody(contentLength: Int(length)) { writer in
                for try await buffer in buffers { try await writer.write(buffer) }
                try await writer.finish(nil)
            }
        }
        return ResponseBody(asyncSequence: buffers)
    }
}
