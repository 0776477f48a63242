import Foundation
import SQLKit
import TaskinfaCore

/// An account's second factor. Seeds arrive and leave sealed (the server's `SecretBox`); recovery
/// codes arrive as hashes. Nothing here ever holds either in the clear.
extension AccountRepository {
    public struct TwoFactorState: Sendable {
        public var enabledAt: Date?
        public var sealedSecret: String?
        public var sealedPendingSecret: String?
        public var lastStep: Int?
        public var recoveryCodesLeft: Int
    }

    public func twoFactor(userID: String) async throws -> TwoFactorState {
        try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT totp_enabled_at, totp_secret, totp_pending_secret, totp_last_step,
                           (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left
                    FROM users u WHERE id = \(bind: userID)
                    """
                ).first()
            else { throw NotFoundError("user", id: userID) }
            return TwoFactorState(
                enabledAt: try row.optionalDate("totp_enabled_at"), sealedSecret: try row.optionalString("totp_secret"),
                sealedPendingSecret: try row.optionalString("totp_pending_secret"),
                lastStep: try row.optionalInt("totp_last_step"),
                recoveryCodesLeft: try row.int("codes_left"))
        }
    }

    /// Starts (or restarts) an enrolment with a new seed; the current second factor, if any, stays
    /// in force until the new one is confirmed.
    public func beginTwoFactorEnrolment(userID: String, sealedSecret: String) async throws {
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("UPDATE users SET totp_pending_secret = \(bind: sealedSecret) WHERE id = \(bind: userID)").run()
        }
    }

    /// Confirms the pending seed (the caller checked a code from it at `step`): it becomes the
    /// account's second factor (`sealedSecret`, the same seed sealed for its new column), with new
    /// recovery codes, and every other session ends — they were opened without it.
    public func enableTwoFactor(
        userID: String, sealedPendingSecret: String, step: Int, recoveryCodeHashes: [String], keeping sessionID: String,
        sealedSecret: String
    ) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE users SET totp_secret = \(bind: sealedSecret), totp_pending_secret = NULL,
                           totp_enabled_at = \(bind: now.milliseconds), totp_last_step = \(bind: step), updated_at = \(bind: now.milliseconds)
                    WHERE id = \(bind: userID) AND totp_pending_secret = \(bind: sealedPendingSecret)
                    RETURNING id
                    """
                ).first() != nil
            else { throw ConflictError("the enrolment changed meanwhile; start it again", field: "code") }
            try await Self.replaceRecoveryCodes(userID: userID, hashes: recoveryCodeHashes, on: sql, at: now)
            try await Self.endSessions(of: userID, keeping: sessionID, on: sql, at: now)
        }
    }

    /// Turns the second factor off; `endingSessions` (an operator's rescue) also signs the account
    /// out everywhere.
    public func disableTwoFactor(userID: String, endingSessions: Bool = false) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                       updated_at = \(bind: now.milliseconds)
                WHERE id = \(bind: userID)
                """
            ).run()
            try await sql.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
            if endingSessions { try await Self.endSessions(of: userID, keeping: nil, on: sql, at: now) }
        }
    }

    /// Records that a code of `step` was used, if no code of that step or a later one was: one
    /// conditional UPDATE, so two sign-ins racing with the same code can't both pass.
    public func acceptTwoFactorStep(userID: String, step: Int) async throws -> Bool {
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE users SET totp_last_step = \(bind: step)
                WHERE id = \(bind: userID) AND totp_enabled_at IS NOT NULL
                  AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
                RETURNING id
                """
            ).first() != nil
        }
    }

    /// Uses up one recovery code (by its hash); false when it is unknown or already used.
    public func useRecoveryCode(userID: String, hash: String) async throws -> Bool {
        let now = store.now()
        return try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now.milliseconds)
                WHERE user_id = \(bind: userID) AND code_hash = \(bind: hash) AND used_at IS NULL
                RETURNING code_hash
                """
            ).first() != nil
        }
    }

    /// A new set of recovery codes; the old ones stop working.
    public func replaceRecoveryCodes(userID: String, hashes: [String]) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            try await Self.replaceRecoveryCodes(userID: userID, hashes: hashes, on: sql, at: now)
        }
    }

    private static func replaceRecoveryCodes(userID: String, hashes: [String], on sql: any SQLDatabase, at now: Date) async throws {
        try await sql.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
        for hash in hashes {
            try await sql.raw(
                """
                INSERT INTO recovery_codes (user_id, code_hash, created_at)
                VALUES (\(bind: userID), \(bind: hash), \(bind: now.milliseconds))
                """
            ).run()
        }
    }
}
