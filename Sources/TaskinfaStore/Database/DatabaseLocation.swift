import Foundation

/// Where the data lives: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `--database-url` / `DATABASE_URL`: a `postgres://` or `postgresql://` URL, or
    /// `sqlite:PATH` / a plain file path; nil means the SQLite file in the data folder.
    public static func resolve(databaseURL: String?, dataDirectory: String) throws -> DatabaseLocation {
        guard let raw = databaseURL?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent("taskinfa.sqlite"))
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard URLComponents(string: raw)?.host != nil else {
                throw DatabaseError.configuration("database URL has no host: use postgres://user:password@host:5432/database")
            }
            return .postgres(url: raw)
        }
        if raw.hasPrefix("sqlite://") { return .sqlite(path: String(raw.dropFirst("sqlite://".count))) }
        if raw.hasPrefix("sqlite:") { return .sqlite(path: String(raw.dropFirst("sqlite:".count))) }
        if raw.contains("://") {
            throw DatabaseError.configuration("unsupported database URL scheme: use postgres:// or sqlite:")
        }
        return .sqlite(path: raw)
    }

    /// For logs: never prints a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite at \(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            if components.password != nil { components.password = "***" }
            return "PostgreSQL at \(components.string ?? "?")"
        }
    }
}

public enum DatabaseError: Error, CustomStringConvertible {
    case configuration(String)
    case closed
    case migration(String)

    public var description: String {
        switch self {
        case .configuration(let message): "database configuration: \(message)"
        case .closed: "the database is closed"
        case .migration(let message): "migration failed: \(message)"
        }
    }
}

/// Which SQL dialect a statement is written for.
public enum SQLDialectKind: Sendable {
    case sqlite
    case postgres
}
