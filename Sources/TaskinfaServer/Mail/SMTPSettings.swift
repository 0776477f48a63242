import Foundation
import TaskinfaCore

/// Where mail goes: `--smtp-url smtp://user:pass@host:587` (STARTTLS when the server offers it)
/// or `smtps://user:pass@host:465` (TLS from the first byte), and the `--mail-from` address.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// Upgrade with STARTTLS when offered; plain text only to a server on this machine.
        case startTLS
        /// TLS from the start (port 465).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    /// The `From:` header, e.g. `Taskinfa <taskinfa@example.com>`.
    public var from: String

    public init(host: String, port: Int, username: String?, password: String?, security: Security, from: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.from = from
    }

    /// Parses the URL and the sender, naming the option at fault.
    public static func parse(url: String, from: String?) throws -> SMTPSettings {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw ValidationError(field: "smtp-url", message: "must look like smtp://user:password@host:587") }
        let security: Security
        switch scheme {
        case "smtp": security = .startTLS
        case "smtps": security = .implicitTLS
        default: throw ValidationError(field: "smtp-url", message: "must start with smtp:// (STARTTLS) or smtps:// (TLS)")
        }
        let port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65_535).contains(port) else { throw ValidationError(field: "smtp-url", message: "has a port out of range") }
        guard let from, !from.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(field: "mail-from", message: "is needed with --smtp-url, e.g. \"Taskinfa <taskinfa@example.com>\"")
        }
        let settings = SMTPSettings(
            host: host, port: port, username: components.user?.removingPercentEncoding,
            password: components.password?.removingPercentEncoding, security: security, from: from)
        _ = try Email.normalize(settings.senderAddress, field: "mail-from")
        if from.contains(where: \.isNewline) { throw ValidationError(field: "mail-from", message: "must be one line") }
        return settings
    }

    /// The bare address of `from` (`a@b.c` of `Name <a@b.c>`), for `MAIL FROM`.
    public var senderAddress: String {
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from.trimmingCharacters(in: .whitespaces)
    }

    /// Whether the server is this machine, where a connection without TLS can't be overheard.
    var isLoopback: Bool {
        ["localhost", "127.0.0.1", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
    }
}
