import Foundation
import SQLKit
import TaskinfaCore

/// E-mails waiting to go out. A mail is written in the same transaction as what it is about (an
/// invitation, a reset), and the delivery service sends it later, off the request path: a slow or
/// failing mail server never fails or slows the request, and nothing is lost when it's down.
public struct MailOutbox: Sendable {
    let store: Store

    /// A mail handed to the sender, leased to this replica for a while.
    public struct Pending: Sendable, Equatable {
        public var id: String
        public var message: MailMessage
        /// Attempts before this one.
        public var attempts: Int
    }

    /// Queues `message` inside the caller's transaction; returns its id.
    static func enqueue(_ message: MailMessage, id: String, on sql: any SQLDatabase, at now: Date) async throws {
        try await sql.raw(
            """
            INSERT INTO mail_outbox (id, recipient, subject, body, created_at, next_attempt_at)
            VALUES (\(bind: id), \(bind: message.to), \(bind: message.subject), \(bind: message.text),
                    \(bind: now.milliseconds), \(bind: now.milliseconds))
            """
        ).run()
    }

    /// Drops a mail that hasn't gone out yet (its link was replaced or revoked).
    static func withdraw(_ id: String?, on sql: any SQLDatabase) async throws {
        guard let id else { return }
        try await sql.raw("DELETE FROM mail_outbox WHERE id = \(bind: id) AND sent_at IS NULL").run()
    }

    /// Up to `limit` mails due now, each leased for `lease` so that another replica leaves them
    /// alone (the lease is checked again by the UPDATE itself, so two replicas never both win one).
    public func due(limit: Int = 10, lease: TimeInterval = 120) async throws -> [Pending] {
        let now = store.now().milliseconds
        let until = now + Int64(lease * 1000)
        return try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE mail_outbox SET locked_until = \(bind: until)
                WHERE id IN (
                    SELECT id FROM mail_outbox
                    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= \(bind: now)
                      AND (locked_until IS NULL OR locked_until < \(bind: now))
                    ORDER BY next_attempt_at, id LIMIT \(bind: limit)
                ) AND (locked_until IS NULL OR locked_until < \(bind: now))
                RETURNING id, recipient, subject, body, attempts
                """
            ).all().map { row in
                Pending(
                    id: try row.string("id"),
                    message: MailMessage(to: try row.string("recipient"), subject: try row.string("subject"), text: try row.string("body")),
                    attempts: try row.int("attempts"))
            }
        }
    }

    /// The mail went out: its body (which holds a link) is no longer kept.
    public func markSent(_ id: String) async throws {
        let now = store.now().milliseconds
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                UPDATE mail_outbox SET sent_at = \(bind: now), body = '', attempts = attempts + 1, locked_until = NULL,
                       last_error = NULL
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    /// An attempt failed: try again after `MailRetry`'s delay, or give up and say why.
    public func markFailed(_ id: String, attempts: Int, error: String) async throws {
        let now = store.now()
        let failed = attempts + 1
        let reason = String(error.prefix(500))
        try await store.database.write(workspace: nil) { sql in
            if let delay = MailRetry.delay(afterFailedAttempts: failed) {
                try await sql.raw(
                    """
                    UPDATE mail_outbox SET attempts = \(bind: failed), last_error = \(bind: reason), locked_until = NULL,
                           next_attempt_at = \(bind: now.addingTimeInterval(delay).milliseconds)
                    WHERE id = \(bind: id)
                    """
                ).run()
            } else {
                try await sql.raw(
                    """
                    UPDATE mail_outbox SET attempts = \(bind: failed), last_error = \(bind: reason), locked_until = NULL,
                           failed_at = \(bind: now.milliseconds), body = ''
                    WHERE id = \(bind: id)
                    """
                ).run()
            }
        }
    }

    /// The delivery state of a mail row read through a join (columns prefixed `mail_`).
    static func delivery(from row: any SQLRow) throws -> MailDelivery? {
        guard try !row.decodeNil(column: "mail_created_at") else { return nil }
        let state: MailDelivery.State =
            try row.optionalDate("mail_sent_at") != nil ? .sent : try row.optionalDate("mail_failed_at") != nil ? .failed : .queued
        return MailDelivery(
            state: state, attempts: try row.int("mail_attempts"), lastError: try row.optionalString("mail_last_error"),
            sentAt: try row.optionalDate("mail_sent_at"))
    }

    static let deliveryColumns =
        "o.created_at AS mail_created_at, o.sent_at AS mail_sent_at, o.failed_at AS mail_failed_at, o.attempts AS mail_attempts, o.last_error AS mail_last_error"
}
