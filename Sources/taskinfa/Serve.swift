import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TaskinfaCore
import TaskinfaServer

/// `taskinfa serve`: the HTTP API, the event stream and the background services.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (API, event stream, web UI).",
        discussion: """
            With no options the server listens on 127.0.0.1:8080 and keeps its data in an embedded SQLite
            database in ./taskinfa-data. Every option can also be set with an environment variable.
            """)

    @Option(help: "Address to listen on (env TASKINFA_HOST).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env TASKINFA_PORT).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Folder for the SQLite database (env TASKINFA_DATA_DIR).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database-url"),
        help: "postgres://user:password@host:5432/db to use PostgreSQL instead of SQLite (env DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "trace, debug, info, notice, warning or error (env TASKINFA_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Days a session stays signed in without use (env TASKINFA_SESSION_DAYS).")
    var sessionDays: Int?

    @Option(help: "bcrypt cost for new passwords, 10–16 (env TASKINFA_BCRYPT_COST).")
    var bcryptCost: Int?

    @Option(help: "Seconds a worker's claim holds without a heartbeat (env TASKINFA_LEASE_SECONDS).")
    var leaseSeconds: Int?

    @Option(help: "Seconds between a worker's heartbeats (env TASKINFA_HEARTBEAT_SECONDS).")
    var heartbeatSeconds: Int?

    @Option(help: "Seconds of silence after which a worker shows offline; default two thirds of the lease (env TASKINFA_OFFLINE_AFTER_SECONDS).")
    var offlineAfterSeconds: Int?

    @Option(help: "The URL workers reach this server at, for the commands it hands out (env TASKINFA_PUBLIC_URL).")
    var publicURL: String?

    @Option(help: "Bytes of events a slow stream reader may fall behind before it is cut off to resume with Last-Event-ID, 4096–67108864 (env TASKINFA_STREAM_BUFFER_BYTES).")
    var streamBufferBytes: Int?

    @Option(name: .customLong("smtp-url"), help: "Mail server for invitations and password resets: smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (TLS) (env TASKINFA_SMTP_URL).")
    var smtpURL: String?

    @Option(name: .customLong("mail-from"), help: "Sender of the server's e-mails, e.g. \"Taskinfa <taskinfa@example.com>\" (env TASKINFA_MAIL_FROM).")
    var mailFrom: String?

    @Option(name: .customLong("sign-in-limit"), help: "Sign-in attempts allowed per minute per client address and per account, 1–10000 (default 5; env TASKINFA_SIGN_IN_LIMIT).")
    var signInLimit: Int?

    @Option(name: .customLong("sign-up-limit"), help: "Sign-ups allowed per minute per client address, 1–10000 (default 3; env TASKINFA_SIGN_UP_LIMIT).")
    var signUpLimit: Int?

    @Option(name: .customLong("oidc-issuer"), help: "OpenID Connect provider for single sign-on, e.g. https://accounts.example.com (env TASKINFA_OIDC_ISSUER).")
    var oidcIssuer: String?

    @Option(name: .customLong("oidc-client-id"), help: "This server's client id at the provider (env TASKINFA_OIDC_CLIENT_ID).")
    var oidcClientID: String?

    @Option(name: .customLong("oidc-name"), help: "The provider's name on the sign-in button (env TASKINFA_OIDC_NAME).")
    var oidcName: String?

    @Option(name: .customLong("api-rate-limit"), help: "Requests allowed per minute per API key, 1–1000000 (default 600; env TASKINFA_API_RATE_LIMIT).")
    var apiRateLimit: Int?

    @Option(help: "Event and log streams one person or key may hold open on this server, 1–100000 (default 50; env TASKINFA_STREAMS_PER_PERSON).")
    var streamsPerPerson: Int?

    @Option(name: .customLong("read-time-limit"), help: "Seconds one database read may run before it is stopped and its request answered 503, 1–3600 (default 10; env TASKINFA_READ_TIME_LIMIT).")
    var readTimeLimit: Int?

    @Flag(help: "Mark the session cookie Secure even on plain HTTP (behind a TLS proxy; env TASKINFA_SECURE_COOKIES=1).")
    var secureCookies = false

    @Flag(help: "Trust X-Forwarded-For/-Proto from a reverse proxy you control (env TASKINFA_TRUST_PROXY=1).")
    var trustProxy = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = host ?? environment["TASKINFA_HOST"] ?? configuration.host
        configuration.port = try integer(port, env: "TASKINFA_PORT") ?? configuration.port
        configuration.dataDirectory = dataDirectory ?? environment["TASKINFA_DATA_DIR"] ?? configuration.dataDirectory
        configuration.databaseURL = databaseURL ?? environment["DATABASE_URL"] ?? environment["TASKINFA_DATABASE_URL"]
        if let level = logLevel ?? environment["TASKINFA_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error")
            }
            configuration.logLevel = parsed
        }
        if let days = try integer(sessionDays, env: "TASKINFA_SESSION_DAYS") {
            guard (1...365).contains(days) else { throw ValidationError("--session-days must be between 1 and 365") }
            configuration.sessions.idleLifetime = Double(days) * 86_400
        }
        if let cost = try integer(bcryptCost, env: "TASKINFA_BCRYPT_COST") {
            guard (4...16).contains(cost) else { throw ValidationError("--bcrypt-cost must be between 4 and 16") }
            configuration.bcryptCost = UInt8(cost)
        }
        if let lease = try integer(leaseSeconds, env: "TASKINFA_LEASE_SECONDS") {
            guard (2...3600).contains(lease) else { throw ValidationError("--lease-seconds must be between 2 and 3600") }
            configuration.leases.duration = TimeInterval(lease)
            configuration.leases.offlineAfter = max(TimeInterval(lease) * 2 / 3, 1)
        }
        if let beat = try integer(heartbeatSeconds, env: "TASKINFA_HEARTBEAT_SECONDS") {
            guard (1...600).contains(beat), Double(beat) < configuration.leases.duration else {
                throw ValidationError("--heartbeat-seconds must be at least 1 and shorter than the lease")
            }
            configuration.leases.heartbeatInterval = TimeInterval(beat)
        }
        if let silence = try integer(offlineAfterSeconds, env: "TASKINFA_OFFLINE_AFTER_SECONDS") {
            // Shorter than a heartbeat would make every healthy worker blink offline between beats.
            guard (1...86_400).contains(silence), Double(silence) > configuration.leases.heartbeatInterval else {
                throw ValidationError("--offline-after-seconds must be longer than the heartbeat interval and at most 86400")
            }
            configuration.leases.offlineAfter = TimeInterval(silence)
        }
        if let bytes = try integer(streamBufferBytes, env: "TASKINFA_STREAM_BUFFER_BYTES") {
            guard (4096...67_108_864).contains(bytes) else {
                throw ValidationError("--stream-buffer-bytes must be between 4096 and 67108864")
            }
            configuration.streamBufferLimit = bytes
        }
        for (value, env, name, keyPath) in [
            (signInLimit, "TASKINFA_SIGN_IN_LIMIT", "--sign-in-limit", \ServerConfiguration.signInsPerMinute),
            (signUpLimit, "TASKINFA_SIGN_UP_LIMIT", "--sign-up-limit", \ServerConfiguration.signUpsPerMinute),
        ] {
            guard let limit = try integer(value, env: env) else { continue }
            guard (1...10_000).contains(limit) else { throw ValidationError("\(name) must be between 1 and 10000") }
            configuration[keyPath: keyPath] = limit
        }
        if let issuer = oidcIssuer ?? environment["TASKINFA_OIDC_ISSUER"] {
            // The client secret only from the environment: a flag would show in `ps`.
            do {
                configuration.singleSignOn = try SingleSignOnSettings(
                    issuer: issuer, clientID: oidcClientID ?? environment["TASKINFA_OIDC_CLIENT_ID"] ?? "",
                    clientSecret: environment["TASKINFA_OIDC_CLIENT_SECRET"], displayName: oidcName ?? environment["TASKINFA_OIDC_NAME"])
            } catch let error as TaskinfaCore.ValidationError {
                throw ValidationError(error.errors.map { "--\($0.field) \($0.message)" }.joined(separator: "; "))
            }
        }
        if let limit = try integer(streamsPerPerson, env: "TASKINFA_STREAMS_PER_PERSON") {
            guard (1...100_000).contains(limit) else { throw ValidationError("--streams-per-person must be between 1 and 100000") }
            configuration.streamsPerOwner = limit
        }
        if let limit = try integer(apiRateLimit, env: "TASKINFA_API_RATE_LIMIT") {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--api-rate-limit must be between 1 and 1000000") }
            configuration.apiRequestsPerMinute = limit
        }
        if let seconds = try integer(readTimeLimit, env: "TASKINFA_READ_TIME_LIMIT") {
            guard (1...3600).contains(seconds) else { throw ValidationError("--read-time-limit must be between 1 and 3600") }
            configuration.readTimeLimit = .seconds(seconds)
        }
        configuration.leaseReaperInterval = .milliseconds(Int(min(2, configuration.leases.duration / 4) * 1000))
        configuration.publicURL = publicURL ?? environment["TASKINFA_PUBLIC_URL"]
        configuration.secureCookies = secureCookies || environment["TASKINFA_SECURE_COOKIES"] == "1"
        configuration.trustProxy = trustProxy || environment["TASKINFA_TRUST_PROXY"] == "1"
        if let url = smtpURL ?? environment["TASKINFA_SMTP_URL"] {
            do {
                configuration.smtp = try SMTPSettings.parse(url: url, from: mailFrom ?? environment["TASKINFA_MAIL_FROM"])
            } catch let error as TaskinfaCore.ValidationError {
                throw ValidationError(error.errors.map { "--\($0.field) \($0.message)" }.joined(separator: "; "))
            }
        }

        var logger = Logger(label: "taskinfa")
        logger.logLevel = configuration.logLevel
        let openFiles = OpenFileLimit.raise()
        if openFiles >= 0 && openFiles < 4096 {
            logger.notice("this process may open only \(openFiles) files: that many connections and event streams at most (raise it with ulimit -n)")
        }
        let host = configuration.host
        let app = try buildApplication(configuration: configuration, logger: logger) { port in
            let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            // Written straight to the file descriptor: scripts wait for this line, unbuffered.
            FileHandle.standardOutput.write(Data("Taskinfa is running at http://\(shown):\(port)/\n".utf8))
        }
        if configuration.smtp == nil {
            logger.notice(
                "no mail server (--smtp-url): an invitation shows its link for the inviter to pass on, and password reset by e-mail is off")
        } else if configuration.publicURL == nil {
            logger.notice("links in e-mails point to \(configuration.linkBase); set --public-url if people reach the server elsewhere")
        }
        try await app.runService()
    }

    /// A whole-number setting: the flag, else its environment variable, which must be a number.
    private func integer(_ flag: Int?, env name: String) throws -> Int? {
        if let flag { return flag }
        guard let text = ProcessInfo.processInfo.environment[name] else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be a whole number") }
        return value
    }
}
