import Hummingbird

/// Handles each request in a child task of the connection's task. A Swift task keeps the memory
/// its deepest call needed until it ends (its stack allocator frees no slab early), and a
/// connection's task lives as long as the connection: answering one request through the
/// middlewares, the generated server and the store leaves some 50 KB behind on it. Ten thousand
/// open event streams would keep half a gigabyte that way; with the work done in a child task,
/// that memory goes back as soon as the answer's head is ready, and the connection keeps only
/// what writing the body needs.
struct RequestTaskMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        try await withoutActuallyEscaping(next) { next in
            // The child runs while this task waits for it, never at the same time: `next` is
            // used by one task at a time, as it would be without the child.
            let handler = Handler(next: next)
            async let response = handler.next(request, context)
            return try await response
        }
    }

    private struct Handler: @unchecked Sendable {
        let next: (Request, Context) async throws -> Response
    }
}
