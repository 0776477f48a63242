import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TaskinfaCore
import TaskinfaStore

/// Resolves the caller from an API key (`Authorization: Bearer tk_…`) or the session cookie, and
/// guards cookie-authenticated writes against cross-site requests. A request without credentials
/// passes on anonymous; the handlers that need a caller refuse it with 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: Store
    let configuration: ServerConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var info = RequestInfo.current
        info.ipAddress = clientAddress(request, context: context)
        info.userAgent = request.headers[.userAgent]
        info.isSecure = RequestSecurity.arrivedOverHTTPS(request, trustProxy: configuration.trustProxy)
        info.authority = request.head.authority
        info.wantsEventStream = request.headers[.accept]?.contains("text/event-stream") == true
        // In-process test drivers hand over a channel that was never connected: nothing to watch.
        info.connection = ClientConnection(channel: context.channel.isActive ? context.channel : nil)
        var renewedCookie: String?
        let notes = ResponseNotes()
        info.responseNotes = notes

        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else {
                throw AccessError.unauthenticated("use Authorization: Bearer with an API key")
            }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard APIKeyRules.looksLikeKey(token),
                let found = try await store.apiKeys.authenticate(tokenHash: TokenHash.of(token))
            else { throw AccessError.unauthenticated("the API key is unknown, revoked or expired") }
            guard found.key.allows(address: info.ipAddress) else {
                // A known key from the wrong place: possibly leaked, so its workspace's log shows it.
                await AuditTrail(store: store, logger: context.logger).recordRefusedKey(found, info: info, reason: "address not in the key's IP allowlist")
                throw AccessError.refused("this API key can't be used from \(info.ipAddress ?? "an unknown address") (its IP allowlist)")
            }
            if let refused = try await countKeyRequest(found.key.id, notes: notes, logger: context.logger) { return refused }
            try await store.apiKeys.touch(found.key)
            info.caller = .apiKey(found)
            // An execution's key is bound to its claim; a worker's own key presents it per request.
            info.claimToken = found.claimToken ?? request.headers[HTTPField.Name("X-Taskinfa-Claim")!]
        } else if let token = SessionCookie.token(from: request.headers),
            let (session, user) = try await store.accounts.session(tokenHash: TokenHash.of(token))
        {
            try checkSameOrigin(request)
            try checkCSRFToken(request, sessionToken: token)
            info.sessionToken = token
            var session = session
            if configuration.sessions.needsRenewal(session, now: store.clock.now()) {
                session.expiresAt = try await store.accounts.renew(sessionID: session.id, policy: configuration.sessions)
                renewedCookie = SessionCookie.set(
                    token: token, expires: session.expiresAt, now: store.clock.now(),
                    secure: info.isSecure || configuration.secureCookies)
            }
            info.caller = .user(user, session: session)
        }

        var response: Response
        do {
            response = try await RequestInfo.$current.withValue(info) { try await next(request, context) }
        } catch {
            // A refusal's answer is the problem middleware's; the rate-limit headers are this one's.
            guard let decision = notes.rateLimit else { throw error }
            var problem = ProblemMiddleware.response(for: error)
            decision.write(to: &problem.headers)
            if let cookie = notes.cookie { problem.headers[.setCookie] = cookie }
            return problem
        }
        notes.rateLimit?.write(to: &response.headers)
        if let cookie = notes.cookie ?? renewedCookie {
            response.headers[.setCookie] = cookie
        }
        return response
    }

    /// Counts the request against its key's per-minute allowance (in memory, added to the
    /// database's count every second or so, so all replicas share it) and answers the refusal when
    /// the key has used it up. Unlike the sign-in limits,
    /// this one lets requests through when the counters can't be reached: it guards capacity, not
    /// credentials, and an outage of the counters shouldn't stop every worker.
    private func countKeyRequest(_ keyID: String, notes: ResponseNotes, logger: Logger) async throws -> Response? {
        let limit = RateLimit(name: "api-key", limit: configuration.apiRequestsPerMinute, window: 60)
        let decision: RateLimitDecision
        do {
            decision = try await store.rateLimits.hitShared(limit, subject: keyID)
        } catch {
            logger.warning("API key requests not counted", metadata: ["error": "\(error)"])
            return nil
        }
        notes.record(decision)
        guard !decision.allowed else { return nil }
        let seconds = Int(decision.retryAfter ?? 60)
        var problem = ProblemMiddleware.response(
            for: RateLimitedError(decision, message: "This key made more than \(limit.limit) requests in a minute; try again in \(seconds) s."))
        decision.write(to: &problem.headers)
        return problem
    }

    /// A write with the cookie must also carry the session's CSRF token (`/auth/me` hands it to the
    /// page): the same-origin check alone trusts browsers to send `Origin`, this doesn't.
    private func checkCSRFToken(_ request: Request, sessionToken: String) throws {
        guard ![.get, .head, .options].contains(request.method) else { return }
        guard CSRFToken.matches(request.headers[HTTPField.Name(CSRFToken.header)!], sessionToken: sessionToken) else {
            throw AccessError.refused("missing or wrong X-CSRF-Token; reload the page")
        }
    }

    /// A browser always sends `Origin` on a cross-site write; refusing a foreign origin (and
    /// `Sec-Fetch-Site: cross-site`) stops CSRF even where SameSite=Lax does not.
    private func checkSameOrigin(_ request: Request) throws {
        guard ![.get, .head, .options].contains(request.method) else { return }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            throw AccessError.refused("cross-site request refused")
        }
        if let origin = request.headers[HTTPField.Name("Origin")!], origin != "null",
            let host = URLComponents(string: origin)?.host
        {
            let originAuthority = host + (URLComponents(string: origin)?.port.map { ":\($0)" } ?? "")
            let requestAuthority = request.head.authority ?? ""
            if originAuthority != requestAuthority && host != requestAuthority {
                throw AccessError.refused("cross-origin request refused (Origin \(origin))")
            }
        }
    }

    private func clientAddress(_ request: Request, context: Context) -> String? {
        if configuration.trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            return forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return context.remoteAddress?.ipAddress
    }

}
