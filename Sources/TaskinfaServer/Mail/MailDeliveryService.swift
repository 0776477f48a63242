import Foundation
import Logging
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// Sends what the outbox holds, off the request path: every replica may run one (each mail is
/// leased to one sender at a time), a failed send is retried on `MailRetry`'s schedule, and its
/// error stays visible on what the mail was about (an invitation shows "failed: …").
struct MailDeliveryService: Service {
    let store: Store
    let client: SMTPClient
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if store.database.isPrepared { await deliverDue() }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over the mails due now.
    func deliverDue() async {
        do {
            for mail in try await store.mailOutbox.due() {
                do {
                    try await client.send(mail.message, messageID: "\(mail.id)@\(client.heloName)", date: store.now())
                    try await store.mailOutbox.markSent(mail.id)
                } catch let error as SMTPError {
                    logger.warning("mail not sent", metadata: ["mail": "\(mail.id)", "error": "\(error)"])
                    try await store.mailOutbox.markFailed(mail.id, attempts: mail.attempts, error: error.description)
                } catch {
                    logger.warning("mail not sent", metadata: ["mail": "\(mail.id)", "error": "\(error)"])
                    try await store.mailOutbox.markFailed(mail.id, attempts: mail.attempts, error: "\(error)")
                }
            }
        } catch DatabaseError.closed {
            // Shutting down.
        } catch {
            logger.warning("mail outbox unreadable", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
