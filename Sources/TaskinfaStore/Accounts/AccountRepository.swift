import Foundation
import SQLKit
import TaskinfaCore

/// Users and their sessions.
public struct AccountRepository: Sendable {
    let store: Store

    /// Creates the user, a personal workspace and the owner membership, in one transaction.
    /// A taken e-mail is a `ConflictError` on `email`.
    public func signUp(email: String, name: String, passwordHash: String) async throws -> (User, Workspace) {
        let now = store.now()
        let user = User(id: store.random.id(.user), email: email, name: name, createdAt: now, lastLoginAt: now)
        let workspace = Workspace(
            id: store.random.id(.workspace), name: Workspace.personalName(for: name), description: nil,
            createdAt: now, updatedAt: now)
        do {
            try await store.database.write(workspace: nil) { sql in
                try await Self.insert(user, passwordHash: passwordHash, on: sql)
                try await WorkspaceRepository.insert(workspace, owner: user, on: sql)
            }
        } catch where ConstraintViolation.isUnique(error) {
            throw ConflictError("an account with this e-mail address already exists", field: "email")
        }
        return (user, workspace)
    }

    /// The stored password hash of an active account, for login.
    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    "SELECT * FROM users WHERE email = \(bind: email) AND disabled_at IS NULL"
                ).first()
            else { return nil }
            return (try Self.user(from: row), try row.string("password_hash"))
        }
    }

    public func user(id: String) async throws -> User? {
        try await store.database.read { sql in
            try await sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Self.user(from:))
        }
    }

    /// A person's new display name (already validated).
    public func rename(userID: String, to name: String) async throws -> User {
        try await store.database.write(workspace: nil) { sql in
            guard
                let row = try await sql.raw("UPDATE users SET name = \(bind: name) WHERE id = \(bind: userID) RETURNING *").first()
            else { throw NotFoundError("user", id: userID) }
            return try Self.user(from: row)
        }
    }

    public func recordLogin(userID: String) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("UPDATE users SET last_login_at = \(bind: now.milliseconds) WHERE id = \(bind: userID)").run()
        }
    }

    public func createSession(
        userID: String, tokenHash: String, ipAddress: String?, userAgent: String?, policy: SessionPolicy
    ) async throws -> Session {
        let now = store.now()
        let session = Session(
            id: store.random.id(.session), userID: userID, createdAt: now, lastSeenAt: now,
            expiresAt: policy.expiry(from: now), ipAddress: ipAddress.map { String($0.prefix(64)) },
            userAgent: userAgent.map { String($0.prefix(300)) })
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, ip_address, user_agent)
                VALUES (\(bind: session.id), \(bind: userID), \(bind: tokenHash), \(bind: now.milliseconds),
                        \(bind: now.milliseconds), \(bind: session.expiresAt.milliseconds), \(bind: session.ipAddress),
                        \(bind: session.userAgent))
                """
            ).run()
        }
        return session
    }

    /// The live session with this token hash and its user; nil when unknown, revoked, expired,
    /// or the account is disabled.
    public func session(tokenHash: String) async throws -> (Session, User)? {
        let now = store.now()
        return try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at, s.expires_at,
                           s.ip_address, s.user_agent, u.*
                    FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.token_hash = \(bind: tokenHash) AND s.revoked_at IS NULL
                      AND s.expires_at > \(bind: now.milliseconds) AND u.disabled_at IS NULL
                    """
                ).first()
            else { return nil }
            let user = try Self.user(from: row)
            let session = Session(
                id: try row.string("session_id"), userID: user.id, createdAt: try row.date("session_created_at"),
                lastSeenAt: try row.date("last_seen_at"), expiresAt: try row.date("expires_at"),
                ipAddress: try row.optionalString("ip_address"), userAgent: try row.optionalString("user_agent"))
            return (session, user)
        }
    }

    /// Slides a session's expiry forward (see `SessionPolicy`).
    public func renew(sessionID: String, policy: SessionPolicy) async throws -> Date {
        let now = store.now()
        let expiry = policy.expiry(from: now)
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE sessions SET last_seen_at = \(bind: now.milliseconds), expires_at = \(bind: expiry.milliseconds)
                WHERE id = \(bind: sessionID) AND revoked_at IS NULL
                """
            ).run()
        }
        return expiry
    }

    /// The user's live sessions, most recently used first.
    public func sessions(userID: String) async throws -> [Session] {
        let now = store.now()
        return try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT * FROM sessions WHERE user_id = \(bind: userID) AND revoked_at IS NULL
                  AND expires_at > \(bind: now.milliseconds)
                ORDER BY last_seen_at DESC, id
                """
            ).all().map { row in
                Session(
                    id: try row.string("id"), userID: userID, createdAt: try row.date("created_at"),
                    lastSeenAt: try row.date("last_seen_at"), expiresAt: try row.date("expires_at"),
                    ipAddress: try row.optionalString("ip_address"), userAgent: try row.optionalString("user_agent"))
            }
        }
    }

    /// Ends one of the user's sessions at once; `NotFoundError` if it isn't theirs or is already over.
    public func revokeSession(id: String, userID: String) async throws {
        let now = store.now()
        let revoked = try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE sessions SET revoked_at = \(bind: now.milliseconds)
                WHERE id = \(bind: id) AND user_id = \(bind: userID) AND revoked_at IS NULL
                RETURNING id
                """
            ).first() != nil
        }
        if !revoked { throw NotFoundError("session", id: id) }
    }

    /// A new account's row (signing up, or accepting an invitation as a newcomer).
    static func insert(_ user: User, passwordHash: String, on sql: any SQLDatabase) async throws {
        let now = user.createdAt.milliseconds
        try await sql.raw(
            """
            INSERT INTO users (id, email, name, password_hash, created_at, updated_at, last_login_at)
            VALUES (\(bind: user.id), \(bind: user.email), \(bind: user.name), \(bind: passwordHash),
                    \(bind: now), \(bind: now), \(bind: now))
            """
        ).run()
    }

    static func user(from row: any SQLRow) throws -> User {
        User(
            id: try row.string("id"), email: try row.string("email"), name: try row.string("name"),
            createdAt: try row.date("created_at"), lastLoginAt: try row.optionalDate("last_login_at"),
            twoFactorEnabled: try row.contains(column: "totp_enabled_at") && row.optionalDate("totp_enabled_at") != nil)
    }
}
