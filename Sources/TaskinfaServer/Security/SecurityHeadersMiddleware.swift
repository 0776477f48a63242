import Foundation
import HTTPTypes
import Hummingbird

/// Headers every response carries: HSTS once served over HTTPS, no MIME sniffing, no framing, no referrer leaks, a strict
/// content security policy (the UI uses only its own scripts and styles), and no caching of API
/// answers, which are per user.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// `--secure-cookies`: the server is reached over HTTPS whatever the request says.
    var alwaysHTTPS = false
    /// `--trust-proxy`: `X-Forwarded-Proto: https` says the request came over HTTPS.
    var trustProxy = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        // The OpenAPI runtime writes header parameters URI-encoded (`%221%22`); an ETag is a quoted
        // string (RFC 9110 §8.8.3), so put the quotes back.
        if let etag = response.headers[.eTag], etag.contains("%") {
            response.headers[.eTag] = etag.removingPercentEncoding ?? etag
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        // Over HTTPS, browsers are told to never use plain HTTP for this host again (a year).
        if alwaysHTTPS || RequestSecurity.arrivedOverHTTPS(request, trustProxy: trustProxy) {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains"
        }
        if request.uri.path.hasPrefix("/api/v1/") {
            response.headers[.cacheControl] = "no-store"
        }
        if response.headers[.contentType]?.hasPrefix("text/event-stream") == true {
            // Tell nginx-style proxies not to buffer the stream.
            response.headers[.cacheControl] = "no-cache"
            response.headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        }
        return response
    }
}

/// Whether a request came over HTTPS: directly, or through a proxy the server was told to trust
/// (`--trust-proxy`) that says so in `X-Forwarded-Proto`.
enum RequestSecurity {
    static func arrivedOverHTTPS(_ request: Request, trustProxy: Bool) -> Bool {
        if request.head.scheme == "https" { return true }
        return trustProxy && request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }
}
