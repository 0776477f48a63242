import Foundation
import SQLKit

/// Applies pending migrations, each in its own transaction, and records them in
/// `schema_migrations`. On PostgreSQL an advisory lock, taken before anything else (even before the
/// bookkeeping table is created), makes replicas that start together take turns. A database that
/// is newer than this binary is refused rather than guessed at.
struct Migrator {
    let database: Database
    /// Arbitrary constant naming the migration lock (PostgreSQL advisory locks take a number).
    static let lockKey = 7_355_608

    /// Applies every pending step up to `last` (all of them unless a test upgrades in stages).
    func migrate(through last: Int = .max) async throws {
        let dialect = database.dialect
        try await database.withSchemaConnection { sql in
            if dialect == .postgres { try await sql.raw("SELECT pg_advisory_lock(\(literal: Self.lockKey))").run() }
            do {
                try await sql.raw(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                    """
                ).run()
                try await Self.applyPending(on: sql, dialect: dialect, through: last)
                if dialect == .postgres { try await sql.raw("SELECT pg_advisory_unlock(\(literal: Self.lockKey))").run() }
            } catch {
                if dialect == .postgres { try? await sql.raw("SELECT pg_advisory_unlock(\(literal: Self.lockKey))").run() }
                throw error
            }
        }
    }

    private static func applyPending(on sql: any SQLDatabase, dialect: SQLDialectKind, through last: Int) async throws {
        let applied = Set(try await sql.raw("SELECT version FROM schema_migrations").all().map {
            try $0.decode(column: "version", as: Int.self)
        })
        let known = Set(Migration.all.map(\.version))
        if let unknown = applied.subtracting(known).max() {
            throw DatabaseError.migration(
                "the database has schema version \(unknown), newer than this binary knows; upgrade taskinfa")
        }
        for migration in Migration.all where !applied.contains(migration.version) && migration.version <= last {
            let foreignKeysOff = dialect == .sqlite && migration.foreignKeysOffOnSQLite
            if foreignKeysOff { try await sql.raw("PRAGMA foreign_keys = OFF").run() }
            do {
                try await apply(migration, on: sql, dialect: dialect, checkForeignKeys: foreignKeysOff)
            } catch {
                if foreignKeysOff { try? await sql.raw("PRAGMA foreign_keys = ON").run() }
                throw error
            }
            if foreignKeysOff { try await sql.raw("PRAGMA foreign_keys = ON").run() }
        }
    }

    /// One step in one transaction, recorded with it.
    private static func apply(
        _ migration: Migration, on sql: any SQLDatabase, dialect: SQLDialectKind, checkForeignKeys: Bool
    ) async throws {
        try await sql.raw("BEGIN").run()
        do {
            for statement in migration.statements(for: dialect) {
                try await sql.raw(SQLQueryString(statement)).run()
            }
            if checkForeignKeys, let broken = try await sql.raw("PRAGMA foreign_key_check").first() {
                throw DatabaseError.migration("a foreign key no longer holds: \(broken.allColumns)")
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
