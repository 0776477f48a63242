import Crypto
import Foundation
import Hummingbird
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    /// Where the provider sends the browser back: a page of this site (never the request's Host).
    var singleSignOnRedirectURI: String { "\(configuration.linkBase)/sso/callback" }

    func getSingleSignOn(_ input: Operations.GetSingleSignOn.Input) async throws -> Operations.GetSingleSignOn.Output {
        .ok(.init(body: .json(.init(enabled: configuration.singleSignOn != nil, name: configuration.singleSignOn?.displayName))))
    }

    func startSingleSignOn(_ input: Operations.StartSingleSignOn.Input) async throws -> Operations.StartSingleSignOn.Output {
        guard let provider = identityProvider else { throw NotFoundError("single sign-on provider", id: "configured") }
        var next: String?
        if case .json(let body)? = input.body, let path = body.next ?? nil {
            // Only a path of this site: never a way to send someone elsewhere after signing in.
            guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else {
                throw ValidationError(field: "next", message: "must be a path of this site, e.g. /w/…")
            }
            next = path
        }
        let state = store.random.token()
        let nonce = store.random.token()
        let verifier = store.random.token(count: 64)
        let challenge = Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
        let stateHash = TokenHash.of(state)
        try await store.singleSignOn.begin(
            stateHash: stateHash,
            pending: .init(
                nonce: nonce,
                sealedVerifier: try secrets.seal(verifier, context: SealedSecrets.context(table: "sso_states", column: "code_verifier", rowID: stateHash)),
                next: next))
        let url = try await providerCall {
            try await provider.authorizationURL(state: state, nonce: nonce, challenge: challenge, redirectURI: singleSignOnRedirectURI)
        }
        return .ok(.init(body: .json(.init(authorizationUrl: url))))
    }

    func finishSingleSignOn(_ input: Operations.FinishSingleSignOn.Input) async throws -> Operations.FinishSingleSignOn.Output {
        guard let provider = identityProvider, let settings = configuration.singleSignOn else {
            throw NotFoundError("single sign-on provider", id: "configured")
        }
        guard case .json(let body) = input.body else { throw ValidationError(field: "code", message: "must be JSON") }
        let limits = AuthRateLimits(store: store, configuration: configuration)
        try await limits.check([(limits.signInPerAddress, AuthRateLimits.address())])
        let stateHash = TokenHash.of(body.state)
        let pending = try await store.singleSignOn.take(stateHash: stateHash)
        let verifier = try secrets.open(
            pending.sealedVerifier, context: SealedSecrets.context(table: "sso_states", column: "code_verifier", rowID: stateHash))
        let claims = try await providerCall {
            let idToken = try await provider.exchange(code: body.code, verifier: verifier, redirectURI: singleSignOnRedirectURI)
            return try await provider.verify(idToken, nonce: pending.nonce, now: store.now())
        }
        guard let rawEmail = claims.email, claims.emailVerified, let email = try? Email.normalize(rawEmail) else {
            throw AccessError.unauthenticated("the provider did not vouch for an e-mail address (email_verified); ask its administrator")
        }
        let name = (try? User.name(claims.name, email: email)) ?? String(email.split(separator: "@")[0])
        let passwords = self.passwords
        let random = store.random
        let (user, joined) = try await store.singleSignOn.signIn(
            issuer: settings.issuer, subject: claims.subject, email: email, name: name,
            // A new account's password is a random one nobody knows: it signs in through the provider
            // (or sets a password with a reset link).
            passwordHash: { try await passwords.hash(random.token()) })
        try await startSession(for: user)
        // Joining by domain shows in the workspace's own log (the first, if several took the domain).
        if let first = joined.first {
            RequestInfo.current.responseNotes?.audit {
                $0.workspaceID = first
                $0.details["joined"] = .array(joined.map { .string($0) })
            }
        }
        let memberships = try await store.workspaces.memberships(userID: user.id)
        let landing = memberships.first { joined.contains($0.workspace.id) } ?? memberships.first
        guard let landing else { throw AccessError.refused("this account belongs to no workspace; ask an owner to invite you") }
        return .ok(.init(body: .json(.init(
            user: .init(user), workspace: .init(landing.workspace, role: landing.role), next: pending.next))))
    }

    /// The provider's failures as answers: a rejected token is a failed sign-in (401), an
    /// unreachable or confused provider a bad gateway (502).
    private func providerCall<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let rejected as SingleSignOnRules.Rejected {
            throw AccessError.unauthenticated("single sign-on refused the ID token: \(rejected.reason)")
        } catch let failure as OIDCProvider.Failure {
            throw HTTPError(.badGateway, message: "Single sign-on failed: \(failure.description)")
        } catch let malformed as IDToken.Malformed {
            throw HTTPError(.badGateway, message: "Single sign-on failed: \(malformed.description)")
        }
    }
}
