import Foundation
import Logging
import TaskinfaCore
import TaskinfaStore

/// Everything `taskinfa serve` can be told. Defaults work with no configuration at all.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Folder for the SQLite file and the server's key file.
    public var dataDirectory: String = "./taskinfa-data"
    /// `postgres://…` or `sqlite:PATH`; nil = SQLite in the data folder.
    public var databaseURL: String?
    /// bcrypt cost for new passwords (2^cost rounds). Tests lower it; 12 costs ~250 ms per hash here.
    public var bcryptCost: UInt8 = 12
    public var sessions = SessionPolicy()
    /// Mark the session cookie `Secure` even when the request itself arrived over plain HTTP
    /// (behind a TLS-terminating proxy that doesn't send `X-Forwarded-Proto`).
    public var secureCookies: Bool = false
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto` (only behind a proxy you control).
    public var trustProxy: Bool = false
    /// Largest request body accepted (bytes); larger ones get 413.
    public var maxBodySize: Int = 1 << 20
    /// How often an idle event stream sends a keep-alive comment.
    public var keepAliveInterval: Duration = .seconds(15)
    /// How far (bytes) a stream's client may fall behind before it is cut off to resume with
    /// `Last-Event-ID`.
    public var streamBufferLimit: Int = 1 << 20
    /// How long a stream waits for a client that is `streamBufferLimit` behind to read before it
    /// cuts the client off.
    public var streamStallPatience: Duration = .seconds(10)
    /// How often open streams are checked against their credentials (revoked keys, ended sessions,
    /// removed members end their streams within this time).
    public var streamCredentialInterval: Duration = .seconds(2)
    public var logLevel: Logger.Level = .info
    /// Claim leases, heartbeat interval and when a silent worker counts as offline.
    public var leases = LeasePolicy()
    /// How often expired leases are looked for.
    public var leaseReaperInterval: Duration = .seconds(2)
    /// The URL workers and browsers reach this server at (for the commands it hands out);
    /// nil = derived from the request.
    public var publicURL: String?
    /// The mail server for invitations and password resets; nil = no e-mail (inviters copy the
    /// link, and password reset by e-mail is off).
    public var smtp: SMTPSettings?
    /// The OpenID Connect provider people may sign in with (`--oidc-issuer`); nil: none.
    public var singleSignOn: SingleSignOnSettings?
    /// Sign-in attempts allowed per minute per client address and per account, and sign-ups per
    /// minute per address (plan §5.7). Tests that sign up many people from one address raise them.
    public var signInsPerMinute = 5
    public var signUpsPerMinute = 3
    /// Requests per minute one API key may make (workers' and agents' keys too).
    public var apiRequestsPerMinute = 600
    /// Event and log streams one person or key may hold open on one server.
    public var streamsPerOwner = 50
    /// How long one read statement may run before it is stopped and its request answered 503.
    public var readTimeLimit: Duration = .seconds(10)
    /// How often the mail outbox is looked at.
    public var mailInterval: Duration = .seconds(2)
    /// The key sealing stored secrets; nil: from `TASKINFA_SECRET_KEY` or the data folder's key file.
    public var secretBox: SecretBox?
    public var clock: Clock = .live
    public var random: SecureRandom = .live

    public init() {}

    /// Where links in e-mails point. Never taken from a request: a forged `Host` header on an
    /// anonymous password-reset request must not send the victim's reset link to another site.
    public var linkBase: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let reachable = ["0.0.0.0", "::", ""].contains(host) ? "localhost" : host.contains(":") ? "[\(host)]" : host
        return "http://\(reachable):\(port)"
    }

    public func databaseLocation() throws -> DatabaseLocation {
        try DatabaseLocation.resolve(databaseURL: databaseURL, dataDirectory: dataDirectory)
    }
}
