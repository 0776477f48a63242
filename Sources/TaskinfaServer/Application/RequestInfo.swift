import Foundation
import NIOCore
import Synchronization
import TaskinfaCore

/// What the middleware learnt about the current request, readable from the generated handlers
/// (which only see the decoded input). A task-local value: set for the duration of one request.
struct RequestInfo: Sendable {
    var caller: Caller?
    var ipAddress: String?
    var userAgent: String?
    /// The request arrived over HTTPS (directly or, with `--trust-proxy`, through a proxy).
    var isSecure: Bool = false
    /// Dotted paths of JSON body members that were explicitly `null` (`description`,
    /// `changes.assignee_id`): in a PATCH they clear a field, while absent members leave it alone.
    var explicitNulls: Set<String> = []
    /// A worker's claim token (`X-Taskinfa-Claim`), which fences its writes to the task it holds.
    var claimToken: String?
    /// The host (and port) the request was addressed to, for URLs the server hands out.
    var authority: String?
    /// The client explicitly asked for `text/event-stream` (not just "anything").
    var wantsEventStream = false
    /// The connection the request came on.
    var connection = ClientConnection(channel: nil)

    /// A `Set-Cookie` the handler wants on the response (the generated code would percent-encode
    /// it as a header parameter, so the auth middleware writes it).
    var cookieJar: CookieJar?
    /// The CSRF token of the session the request came with (for `/auth/me`).
    var csrfToken: String?
    /// The tightest rate limit the request was counted against, for the `RateLimit-*` headers.
    var rateLimit: RateLimitNote?

    @TaskLocal static var current = RequestInfo()

    func isNull(_ path: String) -> Bool { explicitNulls.contains(path) }
}

/// The session cookie a handler sets or clears, handed to the middleware that writes the header.
final class CookieJar: Sendable {
    private let value = Mutex<String?>(nil)

    func set(_ cookie: String) { value.withLock { $0 = cookie } }
    var cookie: String? { value.withLock { $0 } }
}

/// The rate-limit verdict a handler reached, handed to the middleware that writes its headers.
final class RateLimitNote: Sendable {
    private let value = Mutex<RateLimitDecision?>(nil)

    /// Keeps the verdict with the fewest requests left.
    func record(_ decision: RateLimitDecision) {
        value.withLock { current in
            if current.map({ decision.remaining < $0.remaining }) ?? true { current = decision }
        }
    }

    var decision: RateLimitDecision? { value.withLock { $0 } }
}
