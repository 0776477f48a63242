import Foundation
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func signup(_ input: Operations.Signup.Input) async throws -> Operations.Signup.Output {
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let limits = AuthRateLimits(store: store, configuration: configuration)
        try await limits.check([(limits.signUpPerAddress, AuthRateLimits.address())])
        var validator = Validator()
        let email = validator.check { try Email.normalize(body.email) }
        let name = validator.check { try User.name(body.name, email: email ?? body.email) }
        validator.check { try PasswordPolicy.check(body.password, email: email, name: body.name) }
        try validator.throwIfInvalid()
        let hash = try await passwords.hash(body.password)
        let (user, workspace) = try await store.accounts.signUp(email: email!, name: name!, passwordHash: hash)
        try await startSession(for: user)
        return .created(.init(body: .json(.init(user: .init(user), workspace: .init(workspace, role: .owner)))))
    }

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let limits = AuthRateLimits(store: store, configuration: configuration)
        try await limits.check([
            (limits.signInPerAddress, AuthRateLimits.address()), (limits.signInPerAccount, AuthRateLimits.account(body.email)),
        ])
        let failure = AccessError.unauthenticated("the e-mail address or the password is wrong")
        guard let email = try? Email.normalize(body.email),
            let (user, hash) = try await store.accounts.credentials(email: email)
        else {
            try await passwords.verifyDecoy(body.password)
            throw failure
        }
        // The account's owner sees failed attempts on it in their own log.
        RequestInfo.current.responseNotes?.audit {
            $0.subjectUserID = user.id
            $0.subjectName = user.name
        }
        guard try await passwords.verify(body.password, hash: hash) else { throw failure }
        if user.twoFactorEnabled {
            // Only now, with the right password, does the answer say that a code is needed.
            guard let code = [body.totpCode, body.recoveryCode].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
                throw AccessError.secondFactorNeeded("enter the code from your authenticator app, or a recovery code")
            }
            guard try await secondFactor.consume(userID: user.id, code: code) else {
                throw AccessError.secondFactorNeeded("that code is wrong or was used already; enter the app's current code")
            }
        }
        try await store.accounts.recordLogin(userID: user.id)
        let memberships = try await store.workspaces.memberships(userID: user.id)
        guard let first = memberships.first else {
            throw AccessError.refused("this account belongs to no workspace; ask an owner to invite you")
        }
        try await startSession(for: user)
        return .ok(.init(body: .json(.init(user: .init(user), workspace: .init(first.workspace, role: first.role)))))
    }

    /// Opens a server-side session and sets its cookie on the response.
    func startSession(for user: User) async throws {
        let token = store.random.token(count: 43)
        let info = RequestInfo.current
        info.responseNotes?.audit {
            $0.subjectUserID = user.id
            $0.subjectName = user.name
        }
        let session = try await store.accounts.createSession(
            userID: user.id, tokenHash: TokenHash.of(token), ipAddress: info.ipAddress, userAgent: info.userAgent,
            policy: configuration.sessions)
        info.responseNotes?.set(
            SessionCookie.set(
                token: token, expires: session.expiresAt, now: store.clock.now(),
                secure: info.isSecure || configuration.secureCookies))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        let (user, session) = try Access.signedInUser()
        try await store.accounts.revokeSession(id: session.id, userID: user.id)
        let secure = RequestInfo.current.isSecure || configuration.secureCookies
        RequestInfo.current.responseNotes?.set(SessionCookie.clear(secure: secure))
        return .noContent(.init())
    }

    func updateMe(_ input: Operations.UpdateMe.Input) async throws -> Operations.UpdateMe.Output {
        guard case .user(let user, _) = try Access.caller() else {
            throw AccessError.refused("a key can't change the profile of the person who made it; sign in")
        }
        guard case .json(let body) = input.body else { throw ValidationError(field: "name", message: "must be JSON") }
        guard !body.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError(field: "name", message: "must not be empty")
        }
        let renamed = try await store.accounts.rename(userID: user.id, to: try User.name(body.name, email: user.email))
        let memberships = try await store.workspaces.memberships(userID: user.id)
        return .ok(.init(body: .json(.init(
            user: .init(renamed), workspaces: memberships.map { .init($0.workspace, role: $0.role) },
            csrfToken: RequestInfo.current.csrfToken))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        switch try Access.caller() {
        case .user(let user, _):
            let memberships = try await store.workspaces.memberships(userID: user.id)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            user: .init(user),
                            workspaces: memberships.map { .init($0.workspace, role: $0.role) },
                            csrfToken: RequestInfo.current.csrfToken))))
        case .apiKey(let found):
            let scope = try await access.workspace(found.key.workspaceID)
            let workspace = try await store.workspaces.get(scope)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            user: .init(found.user), workspaces: [.init(workspace, role: found.role)],
                            apiKey: .init(found.key), workerId: found.key.workerID))))
        }
    }

    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let (user, current) = try Access.signedInUser()
        let sessions = try await store.accounts.sessions(userID: user.id)
        return .ok(.init(body: .json(.init(sessions: sessions.map { .init($0, current: $0.id == current.id) }))))
    }

    func revokeSession(_ input: Operations.RevokeSession.Input) async throws -> Operations.RevokeSession.Output {
        let (user, _) = try Access.signedInUser()
        try await store.accounts.revokeSession(id: input.path.sessionId, userID: user.id)
        return .noContent(.init())
    }
}
