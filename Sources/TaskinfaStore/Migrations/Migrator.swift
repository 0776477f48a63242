import Foundation
import SQLKit

/// Applies pending migrations, each in its own transaction, and records them in
/// `schema_migrations`. On PostgreSQL an advisory lock makes replicas that start together take
/// turns. A database that is newer than this binary is refused rather than guessed at.
struct Migrator {
    let database: Database
    /// Arbitrary constant naming the migration lock (PostgreSQL advisory locks take a number).
    static let lockKey = 7_355_608

    func migrate() async throws {
        let dialect = database.dialect
        try await database.withSchemaConnection { sql in
            try await sql.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """
            ).run()
            if dialect == .postgres { try await sql.raw("SELECT pg_advisory_lock(\(literal: Self.lockKey))").run() }
            do {
                try await Self.applyPending(on: sql, dialect: dialect)
                if dialect == .postgres { try await sql.raw("SELECT pg_advisory_unlock(\(literal: Self.lockKey))").run() }
            } catch {
                if dialect == .postgres { try? await sql.raw("SELECT pg_advisory_unlock(\(literal: Self.lockKey))").run() }
                throw error
            }
        }
    }

    private static func applyPending(on sql: any SQLDatabase, dialect: SQLDialectKind) async throws {
        let applied = Set(try await sql.raw("SELECT version FROM schema_migrations").all().map {
            try $0.decode(column: "version", as: Int.self)
        })
        let known = Set(Migration.all.map(\.version))
        if let unknown = applied.subtracting(known).max() {
            throw DatabaseError.migration(
                "the database has schema version \(unknown), newer than this binary knows; upgrade taskinfa")
        }
        for migration in Migration.all where !applied.contains(migration.version) {
            try await sql.raw("BEGIN").run()
            do {
                for statement in migration.statements(for: dialect) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await sql.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))"
                ).run()
                try await sql.raw("COMMIT").run()
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw DatabaseError.migration("\(migration.version) \(migration.name): \(String(reflecting: error))")
            }
        }
    }
}
