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
    /// Connections whose `statement_timeout` is `limit` now.
    private let limited = Mutex<Set<PostgresConnection.ID>>([])

    init(limit: Duration?) {
        self.limit = limit
    }

    /// Before a read: the limit on.
    func forReading(_ connection: PostgresConnection, logger: Logger) async throws {
        guard let limit, limited.withLock({ $0.insert(connection.id).inserted }) else { return }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "SET statement_timeout = \(Self.milliseconds(limit))"), logger: logger)
        } catch {
            _ = limited.withLock { $0.remove(connection.id) }
            throw error
        }
    }

    /// Before a write or a schema change: the limit off.
    func forWriting(_ connection: PostgresConnection, logger: Logger) async throws {
        guard limited.withLock({ $0.remove(connection.id) }) != nil else { return }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "SET statement_timeout = 0"), logger: logger)
        } catch {
            // Unknown whether it took: the next write tries again.
            _ = limited.withLock { $0.insert(connection.id) }
            throw error
        }
    }

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
