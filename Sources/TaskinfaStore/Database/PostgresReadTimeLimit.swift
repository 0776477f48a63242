import Logging
import PostgresNIO
import Synchronization

/// The readers' statement time limit on PostgreSQL, whose pooled connections serve reads and writes
/// alike. A read sets `statement_timeout` on the connection it is lent; a write or a schema change
/// lifts it first, as a write may rightly take longer (deleting a project of 100k tasks, building
/// an index). Each sends the `SET` only when the connection's setting is the other one, so a
/// connection that keeps serving reads pays one round trip once.
final class PostgresReadTimeLimit: Sendable {
    let limit: Duration?
    /// Each open connection this has seen, and whether its `statement_timeout` is `limit` now
    /// (a connection not in it has the server's default, no limit). A connection leaves it when it
    /// closes, so connections the pool replaces over months leave nothing behind.
    private let limited: Mutex<[PostgresConnection.ID: Bool]>

    init(limit: Duration?) {
        self.limit = limit
        self.limited = Mutex([:])
    }

    /// Before a read: the limit on.
    func forReading(_ connection: PostgresConnection, logger: Logger) async throws {
        guard let limit else { return }
        try await set(connection, limited: true, "SET statement_timeout = \(Self.milliseconds(limit))", logger: logger)
    }

    /// Before a write or a schema change: the limit off.
    func forWriting(_ connection: PostgresConnection, logger: Logger) async throws {
        try await set(connection, limited: false, "SET statement_timeout = 0", logger: logger)
    }

    /// Sends `statement` only if the connection's setting is not `on` already; a connection seen
    /// for the first time gets its close watched.
    private func set(_ connection: PostgresConnection, limited on: Bool, _ statement: String, logger: Logger) async throws {
        let id = connection.id
        let (needed, firstSeen) = limited.withLock { states in
            guard (states[id] ?? false) != on else { return (false, false) }
            defer { states[id] = on }
            return (true, states[id] == nil)
        }
        guard needed else { return }
        if firstSeen {
            connection.closeFuture.whenComplete { _ in _ = self.limited.withLock { $0.removeValue(forKey: id) } }
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        } catch {
            // Unknown whether it took: the next read or write sends it again.
            limited.withLock { if $0[id] != nil { $0[id] = !on } }
            throw error
        }
    }

    /// How many connections it keeps a setting for (the open ones it has seen).
    var connectionsKnown: Int { limited.withLock { $0.count } }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The read's error as the caller should see it: PostgreSQL's "canceling statement due to
    /// statement timeout" (57014) as `ReadTooLongError`.
    func translate(_ error: any Error) -> any Error {
        guard let limit, let error = error as? PSQLError, error.serverInfo?[.sqlState] == "57014" else { return error }
        return ReadTooLongError(limit: limit)
    }
}
