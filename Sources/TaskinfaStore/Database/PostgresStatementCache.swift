import PostgresNIO
import Synchronization

/// Named prepared statements for the SQL this store sends to PostgreSQL, so that the server plans
/// each statement once per connection instead of on every call: planning the API-key lookup (a
/// five-table join) cost the server more than running it, and PostgreSQL's CPU, not the server's,
/// was what limited a workspace's writes.
///
/// PostgresNIO prepares a statement on first use on each connection and keeps it for the
/// connection's life. The names are bounded: a statement text is prepared only while fewer than
/// `capacity` texts are known (lists of binds of every length would otherwise grow without end);
/// the rest run unprepared, as before. A name also carries the types of the binds it was prepared
/// with: a NULL leaves its parameter's type to the server, which would refuse another type later.
enum PostgresStatementCache {
    static let capacity = 512

    private struct Names {
        var byKey: [String: String] = [:]
        /// Texts whose result columns changed under a prepared statement (a migration of another
        /// replica), or whose plan depends on their values: they run unprepared.
        var refused: Set<String> = []
    }

    private static let names = Mutex(Names())

    /// The name to prepare `sql` under with binds of `types`, or nil to run it unprepared.
    static func name(for sql: String, types: [PostgresDataType]) -> String? {
        guard isPlannable(sql) else { return nil }
        let key = sql + "\u{0}" + types.map { String($0.rawValue) }.joined(separator: ",")
        return names.withLock { names in
            if names.refused.contains(sql) { return nil }
            if let name = names.byKey[key] { return name }
            if dependsOnItsValues(sql) {
                if names.refused.count < capacity { names.refused.insert(sql) }
                return nil
            }
            guard names.byKey.count < capacity else { return nil }
            let name = "taskinfa_\(names.byKey.count)"
            names.byKey[key] = name
            return name
        }
    }

    /// Whether the best plan for `sql` depends on what is bound: a full-text search walks a common
    /// word's newest rows but looks a rare word's few up in the index. A prepared statement is
    /// planned once for any values after its fifth run, as if every word matched one row in 200,
    /// and then visits every match of a common word (2–3× slower at 100k tasks); a statement
    /// sent unprepared is planned with its values.
    static func dependsOnItsValues(_ sql: String) -> Bool {
        sql.contains("to_tsquery(")
    }

    /// Never prepare `sql` again.
    static func refuse(_ sql: String) {
        names.withLock { _ = $0.refused.insert(sql) }
    }

    /// Only statements the server plans: transaction control and the like gain nothing.
    static func isPlannable(_ sql: String) -> Bool {
        let start = sql.utf8.prefix(6).map { $0 | 0x20 }
        return start.starts(with: Array("select".utf8)) || start.starts(with: Array("insert".utf8))
            || start.starts(with: Array("update".utf8)) || start.starts(with: Array("delete".utf8))
            || start.starts(with: Array("with ".utf8))
    }

    /// PostgreSQL's answer when a prepared statement's result columns changed (SQLSTATE 0A000).
    static func isStalePlan(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.serverInfo?[.sqlState] == "0A000" else { return false }
        return error.serverInfo?[.message]?.contains("cached plan must not change result type") == true
    }
}

/// A statement whose name and text are the task's current ones (`current`), so that PostgresNIO's
/// `execute`, which reads them from the type, runs any text of this store as a prepared statement.
struct CachedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    @TaskLocal static var current = (name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
