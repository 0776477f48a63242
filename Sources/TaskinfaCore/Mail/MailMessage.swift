import Foundation

/// One e-mail the server sends (invitations, password resets): plain text, one recipient.
public struct MailMessage: Equatable, Sendable {
    public var to: String
    public var subject: String
    public var text: String

    public init(to: String, subject: String, text: String) {
        self.to = to
        self.subject = subject
        self.text = text
    }

    /// The message as RFC 5322 text with CRLF line ends, ready for SMTP `DATA` (before the
    /// transport's dot-stuffing). The subject is RFC 2047-encoded when it isn't plain ASCII, the
    /// body base64 (any text survives any relay), and a header value holding a line break is
    /// refused: a name or a subject must never add a header (`Bcc:`) of its own.
    public func rendered(from sender: String, date: Date, messageID: String) throws -> String {
        for (field, value) in [("to", to), ("from", sender), ("subject", subject), ("message_id", messageID)]
        where value.contains(where: \.isNewline) {
            throw ValidationError(field: field, message: "must not contain a line break")
        }
        let body = Data(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(sender)",
            "To: \(to)",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    static func encodedWord(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return value }
        return "=?utf-8?B?\(Data(value.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// The state of the latest e-mail about something (an invitation), as its sender sees it.
public struct MailDelivery: Equatable, Sendable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for its first or next attempt.
        case queued
        case sent
        /// Every attempt failed; `lastError` says why.
        case failed
    }

    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var sentAt: Date?

    public init(state: State, attempts: Int, lastError: String? = nil, sentAt: Date? = nil) {
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.sentAt = sentAt
    }
}

/// When a failed send is tried again: soon at first, then further apart, then given up on
/// (about five hours in all — a mail server down for longer is an operator's problem to see).
public enum MailRetry {
    static let delays: [TimeInterval] = [60, 5 * 60, 15 * 60, 3600, 4 * 3600]

    /// The wait before the next attempt after `attempts` failed ones; nil when it's time to give up.
    public static func delay(afterFailedAttempts attempts: Int) -> TimeInterval? {
        attempts >= 1 && attempts <= delays.count ? delays[attempts - 1] : nil
    }
}

/// The words of the e-mails. A workspace or person name is untrusted text: it only ever lands in
/// the plain-text body or, stripped of line breaks, the subject.
public enum MailTemplates {
    public static func invitation(
        to email: String, workspace: String, inviter: String, role: Role, link: String, expires: Date
    ) -> MailMessage {
        MailMessage(
            to: email, subject: "\(oneLine(inviter)) invited you to \(oneLine(workspace)) on Taskinfa",
            text: """
                \(inviter) invited you to join the workspace “\(workspace)” on Taskinfa as \(role.rawValue).

                Accept the invitation:
                \(link)

                The link works once and until \(day(expires)). If you weren't expecting it, ignore this e-mail.
                """)
    }

    public static func passwordReset(to email: String, link: String, expires: Date) -> MailMessage {
        MailMessage(
            to: email, subject: "Reset your Taskinfa password",
            text: """
                Someone (hopefully you) asked to reset the password of your Taskinfa account.

                Choose a new password:
                \(link)

                The link works once and until \(time(expires)) UTC. Setting a new password signs out every
                other session. If you didn't ask for this, ignore this e-mail: your password stays as it is.
                """)
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }.prefix(80))
    }

    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
