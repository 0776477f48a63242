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

    /// What the handler wants on the response beyond its body (a cookie, rate-limit headers): the
    /// generated code would percent-encode them as header parameters, so the auth middleware writes them.
    var responseNotes: ResponseNotes?
    /// The secret of the session the request came with.
    var sessionToken: String?

    /// The CSRF token of the request's session (for `/auth/me`), derived only when asked for.
    var csrfToken: String? { sessionToken.map { CSRFToken.of(sessionToken: $0) } }

    @TaskLocal static var current = RequestInfo()

    func isNull(_ path: String) -> Bool { explicitNulls.contains(path) }
}

/// The session cookie a handler sets or clears, the tightest rate limit it counted the request
/// against, and what the audit log should know beyond the request itself, handed to the
/// middlewares that write their headers and the log. One per request.
final class ResponseNotes: Sendable {
    private let state = Mutex<(cookie: String?, rateLimit: RateLimitDecision?, audit: AuditNote)>((nil, nil, AuditNote()))

    func set(_ cookie: String) { state.withLock { $0.cookie = cookie } }
    var cookie: String? { state.withLock { $0.cookie } }

    /// Keeps the verdict with the fewest requests left.
    func record(_ decision: RateLimitDecision) {
        state.withLock { current in
            if current.rateLimit.map({ decision.remaining < $0.remaining }) ?? true { current.rateLimit = decision }
        }
    }

    var rateLimit: RateLimitDecision? { state.withLock { $0.rateLimit } }

    /// Adds to what the audit entry of this request will say.
    func audit(_ change: (inout AuditNote) -> Void) { state.withLock { change(&$0.audit) } }
    var auditNote: AuditNote { state.withLock { $0.audit } }
}

/// What a request's audit entry learns from the code that served it: the workspace (set where
/// every operation finds its scope), the resource a create made, the account a sign-in was for,
/// and details the request body doesn't carry.
struct AuditNote: Sendable {
    var workspaceID: String?
    var resourceID: String?
    /// The account concerned when nobody is signed in yet (a failed sign-in of a known e-mail).
    var subjectUserID: String?
    var subjectName: String?
    var details: [String: JSONValue] = [:]
    /// The handler already wrote its own entries (a bulk change, one per task).
    var recorded = false
}
