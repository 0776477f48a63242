import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// PostgreSQL through PostgresNIO's connection pool. A workspace's writes lock its row first
/// (`SELECT … FOR UPDATE`), which serialises them across every replica, in batches
/// (`PostgresWriter`), and announce their commit with `NOTIFY` so that the other replicas' event
/// hubs wake up too.
final class PostgresBackend: DatabaseBackend {
    static let channel = "taskinfa_events"

    let client: PostgresClient
    let logger: Logger
    let commits: CommitSignal
    private let writer: PostgresWriter
    private let readTimeLimit: PostgresReadTimeLimit
    private let poolRunning = StartSignal()

    init(url: String, readTimeLimit: Duration?, logger: Logger, commits: CommitSignal) throws {
        let client = PostgresClient(configuration: try Self.configuration(from: url), backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.commits = commits
        self.readTimeLimit = PostgresReadTimeLimit(limit: readTimeLimit)
        self.writer = PostgresWriter(
            client: client, readTimeLimit: self.readTimeLimit, logger: logger, commits: commits, channel: Self.channel)
    }

    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw DatabaseError.configuration("cannot read the PostgreSQL URL")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = Int(query["pool_size"] ?? "") ?? 20
        // libpq's name for it, in seconds: how long opening one connection may take.
        if let seconds = Int(query["connect_timeout"] ?? ""), seconds > 0 {
            configuration.options.connectTimeout = .seconds(seconds)
        }
        return configuration
    }

    func open() async throws {
        // The pool only hands out connections while `run()` is running; this waits for it.
        await poolRunning.wait()
        try await client.withConnection { connection in
            _ = try await connection.query("SELECT 1", logger: logger).get()
        }
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                self.poolRunning.fire()
                await self.client.run()
            }
            group.addTask { await self.listenForOtherReplicas() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        commits.finish()
    }

    /// Forwards commits announced by any replica (this one included) to the local hub.
    private func listenForOtherReplicas() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        for try await notification in notifications {
                            self.commits.send(notification.payload)
                        }
                    }
                }
            } catch {
                // Shutting down closes the connection under the listener: not worth a warning.
                if Task.isCancelled || (error as? PSQLError)?.code == .clientClosedConnection { return }
                logger.warning("LISTEN connection lost; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await readTimeLimit.forReading(connection, logger: logger)
            do {
                return try await PostgresSession(connection: connection, logger: logger).onItsEventLoop(body)
            } catch {
                throw readTimeLimit.translate(error)
            }
        }
    }

    func write<T: Sendable>(
        workspace: String?, announcing: String?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await writer.submit(workspace: workspace, signals: [workspace, announcing].compactMap { $0 }, body)
    }

    /// Serialization failures and deadlocks: the transaction did nothing and can run again.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    func schema<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await readTimeLimit.forWriting(connection, logger: logger)
            return try await body(connection.sql(queryLogLevel: nil))
        }
    }

    func close() async {}
}
