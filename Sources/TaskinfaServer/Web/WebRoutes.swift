import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard: its page shell at `/` and at every address the page itself routes
/// (`/signin`, `/w/<workspace>/…`), and its files under `/ui/<fingerprint>/`. The page decides
/// between the board and the sign-in form by asking `/api/v1/auth/me`, like any other client.
enum WebRoutes {
    static func add(to router: Router<AppRequestContext>, assets: WebAssets) {
        let shell: @Sendable (Request, AppRequestContext) async throws -> Response = { request, _ in
            serve(assets.index, to: request, cacheControl: "no-cache")
        }
        // Addresses the page routes by itself: reloading or sharing any of them gives the shell.
        router.get("/", use: shell)
        for prefix in ["/signin", "/signup", "/onboarding", "/new-workspace", "/invite", "/forgot-password", "/reset-password", "/two-factor-required", "/sso/callback"] { router.get(RouterPath(prefix), use: shell) }
        router.get("/w/**", use: shell)
        router.get("/ui/:fingerprint/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let file = assets.files[path] else { throw HTTPError(.notFound) }
            // An open tab of the previous build asks for its own fingerprint: give it today's file
            // but let it not keep it.
            let current = context.parameters.get("fingerprint") == assets.fingerprint
            return serve(file, to: request, cacheControl: current ? "public, max-age=31536000, immutable" : "no-cache")
        }
    }

    static func serve(_ file: WebAssets.File, to request: Request, cacheControl: String) -> Response {
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .cacheControl: cacheControl, .vary: "Accept-Encoding",
        ]
        if request.headers[values: .ifNoneMatch].contains(where: { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == file.etag } }) {
            return Response(status: .notModified, headers: headers)
        }
        if let gzipped = file.gzipped, acceptsGzip(request.headers) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    /// `Accept-Encoding` lists gzip with a non-zero quality (RFC 9110 §12.5.3).
    static func acceptsGzip(_ headers: HTTPFields) -> Bool {
        headers[values: .acceptEncoding].joined(separator: ",").split(separator: ",").contains { entry in
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" || parts.first == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }
}
