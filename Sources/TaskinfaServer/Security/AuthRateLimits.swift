import Foundation
import HTTPTypes
import Hummingbird
import TaskinfaCore
import TaskinfaStore

/// The limits on signing in and signing up, counted in the database (every replica sees every
/// attempt). They fail closed: when the counters can't be read, nobody signs in until they can —
/// an outage must not become the moment to guess passwords unhindered.
struct AuthRateLimits: Sendable {
    let store: Store
    let configuration: ServerConfiguration

    var signInPerAddress: RateLimit { RateLimit(name: "signin-ip", limit: configuration.signInsPerMinute, window: 60) }
    var signInPerAccount: RateLimit { RateLimit(name: "signin-account", limit: configuration.signInsPerMinute, window: 60) }
    var signUpPerAddress: RateLimit { RateLimit(name: "signup-ip", limit: configuration.signUpsPerMinute, window: 60) }

    /// Counts one attempt against each limit (every one, even when an earlier one already refuses)
    /// and throws `RateLimitedError` when any refuses.
    func check(_ limits: [(RateLimit, subject: String)]) async throws {
        var refused: RateLimitDecision?
        for (limit, subject) in limits {
            let decision: RateLimitDecision
            do {
                decision = try await store.rateLimits.hit(limit, subject: subject)
            } catch {
                throw HTTPError(.serviceUnavailable, message: "Signing in is paused: the server can't count attempts right now. Try again shortly.")
            }
            RequestInfo.current.responseNotes?.record(decision)
            if !decision.allowed, (refused?.retryAfter ?? 0) < (decision.retryAfter ?? 0) { refused = decision }
        }
        if let refused {
            let seconds = Int(refused.retryAfter ?? 60)
            throw RateLimitedError(refused, message: "Too many attempts; try again in \(seconds) s.")
        }
    }

    /// The counter subject of an e-mail address: its hash, so that the table holds no addresses.
    static func account(_ email: String) -> String {
        TokenHash.of(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    static func address(_ info: RequestInfo = .current) -> String {
        info.ipAddress ?? "unknown"
    }
}

extension RateLimitDecision {
    /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds), and `Retry-After`
    /// when refused.
    func write(to headers: inout HTTPFields) {
        headers[HTTPField.Name("RateLimit-Limit")!] = "\(limit)"
        headers[HTTPField.Name("RateLimit-Remaining")!] = "\(remaining)"
        headers[HTTPField.Name("RateLimit-Reset")!] = "\(Int(reset.rounded(.up)))"
        if let retryAfter { headers[.retryAfter] = "\(Int(retryAfter))" }
    }
}
