import Foundation
import SQLKit
import TaskinfaCore

/// Changing and resetting a password. Either one ends every other session of the account at once:
/// whoever knew the old password (or held a stolen cookie) is out.
extension AccountRepository {
    /// The stored hash of an account, for checking its current password before a change.
    public func passwordHash(userID: String) async throws -> String {
        try await store.database.read { sql in
            guard let row = try await sql.raw("SELECT password_hash FROM users WHERE id = \(bind: userID)").first() else {
                throw NotFoundError("user", id: userID)
            }
            return try row.string("password_hash")
        }
    }

    /// Sets a new password and revokes every session but `keeping` (the one that made the change).
    public func changePassword(userID: String, to passwordHash: String, keeping sessionID: String?) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            try await Self.setPassword(userID: userID, to: passwordHash, keeping: sessionID, on: sql, at: now)
        }
    }

    /// Queues a reset link for the active account with this address, unless it already had
    /// `PasswordResetRules.limitPerHour` in the last hour. Says nothing either way: the caller
    /// answers the same whether the address has an account or not.
    public func requestPasswordReset(email: String, tokenHash: String, compose: @escaping @Sendable (User, Date) -> MailMessage) async throws {
        let now = store.now()
        let expires = now.addingTimeInterval(PasswordResetRules.validity)
        let mailID = store.random.id(.mail)
        try await store.database.write(workspace: nil) { sql in
            guard
                let row = try await sql.raw("SELECT * FROM users WHERE email = \(bind: email) AND disabled_at IS NULL").first()
            else { return }
            let user = try Self.user(from: row)
            let recent = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM password_resets
                WHERE user_id = \(bind: user.id) AND created_at > \(bind: now.addingTimeInterval(-3600).milliseconds)
                """
            ).first()?.int("n") ?? 0
            guard recent < PasswordResetRules.limitPerHour else { return }
            try await sql.raw(
                """
                INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: user.id), \(bind: now.milliseconds), \(bind: expires.milliseconds))
                """
            ).run()
            try await MailOutbox.enqueue(compose(user, expires), id: mailID, on: sql, at: now)
        }
    }

    /// Uses up a reset token (once, within its hour) to set a new password; every session of the
    /// account ends. Returns the account, so that the caller can sign it in afresh.
    /// `check` sees the account before anything is written: when it throws, the token stays unused.
    public func resetPassword(tokenHash: String, to passwordHash: String, check: @escaping @Sendable (User) throws -> Void)
        async throws -> User
    {
        let now = store.now()
        return try await store.database.write(workspace: nil) { sql in
            guard
                let used = try await sql.raw(
                    """
                    UPDATE password_resets SET used_at = \(bind: now.milliseconds)
                    WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: now.milliseconds)
                    RETURNING user_id
                    """
                ).first()
            else {
                throw ValidationError(field: "token", message: "this reset link is used, expired or unknown; ask for a new one")
            }
            let userID = try used.string("user_id")
            guard
                let row = try await sql.raw("SELECT * FROM users WHERE id = \(bind: userID) AND disabled_at IS NULL").first()
            else { throw NotFoundError("user", id: userID) }
            let user = try Self.user(from: row)
            try check(user)
            // The other links of the account die with this one.
            try await sql.raw(
                "UPDATE password_resets SET used_at = \(bind: now.milliseconds) WHERE user_id = \(bind: userID) AND used_at IS NULL"
            ).run()
            try await Self.setPassword(userID: userID, to: passwordHash, keeping: nil, on: sql, at: now)
            return user
        }
    }

    private static func setPassword(
        userID: String, to passwordHash: String, keeping sessionID: String?, on sql: any SQLDatabase, at now: Date
    ) async throws {
        try await sql.raw(
            """
            UPDATE users SET password_hash = \(bind: passwordHash), updated_at = \(bind: now.milliseconds)
            WHERE id = \(bind: userID)
            """
        ).run()
        try await endSessions(of: userID, keeping: sessionID, on: sql, at: now)
    }

    /// Ends every session of the account but `keeping`: after a new password or a new second
    /// factor, whoever was signed in without it is out.
    static func endSessions(of userID: String, keeping sessionID: String?, on sql: any SQLDatabase, at now: Date) async throws {
        try await sql.raw(
            """
            UPDATE sessions SET revoked_at = \(bind: now.milliseconds)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND id <> \(bind: sessionID ?? "")
            """
        ).run()
    }
}
