import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat
import NIOPosix
import PostgresNIO
import TaskinfaCore
import Testing

/// Where a test's server keeps its data: a fresh SQLite file by default, or — when
/// `TASKINFA_TEST_POSTGRES=1` (CI runs the suite a second time under `pg_virtualenv`) — a fresh
/// database on the PostgreSQL server named by the standard `PG*` variables.
enum TestDatabase {
    static var usesPostgres: Bool { ProcessInfo.processInfo.environment["TASKINFA_TEST_POSTGRES"] == "1" }

    /// The PostgreSQL server the environment names (`pg_virtualenv` sets it).
    private static var server: (host: String, port: Int, user: String, password: String?) {
        let environment = ProcessInfo.processInfo.environment
        return (
            environment["PGHOST"] ?? "localhost", Int(environment["PGPORT"] ?? "") ?? 5432, environment["PGUSER"] ?? "postgres",
            environment["PGPASSWORD"]
        )
    }

    /// A connection of its own to that server's default database.
    static func connect(id: Int = 1) async throws -> PostgresConnection {
        let (host, port, user, password) = server
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password,
            database: ProcessInfo.processInfo.environment["PGDATABASE"] ?? "postgres", tls: .disable)
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: Logger(label: "test.postgres"))
    }

    /// A database URL for one test (nil = SQLite in `dataDirectory`).
    static func make() async throws -> String? {
        guard usesPostgres else { return nil }
        let (host, port, user, password) = server
        let name = "taskinfa_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let connection = try await connect()
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: connection.logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        let credentials = user + (password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? "")
        // Tests run in parallel, each with its own pool: a small pool keeps the sum under the
        // server's connection limit. While the whole suite starts at once on two cores, opening a
        // connection can take longer than the default 10 s.
        return "postgres://\(credentials)@\(host):\(port)/\(name)?pool_size=6&connect_timeout=60"
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
