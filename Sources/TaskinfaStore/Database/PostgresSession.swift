import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// One PostgreSQL connection seen through SQLKit, so that the repositories stay dialect-neutral.
///
/// Why not PostgresKit's own `sql()`: it encodes every bind and decodes every column through a
/// generic translation layer (Codable, JSON fallbacks) and answers through an event-loop future.
/// The values this store binds and reads are nearly all text and integers; they go straight to
/// PostgresNIO's own encoders here, and everything else takes PostgresKit's way as before.
///
/// Two ways it saves round trips, each of which costs more on the client than the statement costs
/// on the server: it runs its caller on the connection's own event loop (`onItsEventLoop`), and it
/// sends the writes queued with `runLater` together, as one statement.
struct PostgresSession: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    /// Writes queued by `runLater`, sent before the next statement or at `flush()`.
    let later = LaterWrites()

    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var queryLogLevel: Logger.Level? { nil }

    /// Runs `body` with this session, preferring the connection's event loop for everything it
    /// awaits: each query is then sent from, and answered on, the thread that owns the socket,
    /// instead of waking another thread twice per query.
    func onItsEventLoop<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
            let value = try await body(self)
            try await flush()
            return value
        }
    }

    /// Sends the writes `runLater` queued, if any.
    func flush() async throws {
        try await send(later.take())
    }

    /// Queues a write to go with the next ones; sends the queue first if it already writes `table`.
    func queue(_ query: SQLQueryString, table: String) async throws {
        try await send(later.add(LaterWrites.Write(table: table, query: query)))
    }

    /// One write alone as it is; several as the data-modifying sub-statements of one statement
    /// (`WITH w0 AS (INSERT … RETURNING 1), … SELECT 1`).
    private func send(_ writes: [LaterWrites.Write]) async throws {
        guard let first = writes.first else { return }
        if writes.count == 1 {
            try await run(first.query, onRow: { _ in })
            return
        }
        var statement: SQLQueryString = "WITH "
        for (index, write) in writes.enumerated() {
            if index > 0 { statement += ", " }
            let name = "w\(index)"
            statement += "\(unsafeRaw: name) AS (" + write.query + " RETURNING 1)"
        }
        statement += " SELECT 1"
        try await run(statement, onRow: { _ in })
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        // Whatever comes next must see the queued writes.
        try await flush()
        try await run(query, onRow: onRow)
    }

    private func run(_ query: any SQLExpression, onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds { types.append(try Self.append(bind, to: &bindings)) }
        guard let name = PostgresStatementCache.name(for: sql, types: types) else {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            for try await row in rows { onRow(PostgresResultRow(row)) }
            return
        }
        do {
            let rows = try await CachedStatement.$current.withValue((name, sql)) {
                try await connection.execute(CachedStatement(bindings: bindings), logger: logger)
            }
            for try await row in rows { onRow(PostgresResultRow(row)) }
        } catch where PostgresStatementCache.isStalePlan(error) {
            // The statement's columns changed under it (another replica migrated): it failed
            // without running, and runs unprepared from now on. Outside a transaction it runs
            // again at once; inside one the transaction is lost, and the writer runs it again.
            PostgresStatementCache.refuse(sql)
            do {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                for try await row in rows { onRow(PostgresResultRow(row)) }
            } catch _ {
                throw error
            }
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    /// A bind in PostgreSQL's binary form: the common kinds directly, the rest as PostgresNIO
    /// encodes them.
    /// Returns the type it was sent as (`null` leaves it to the server).
    static func append(_ bind: any Encodable & Sendable, to bindings: inout PostgresBindings) throws -> PostgresDataType {
        // Checked first: a nil optional matches no other case.
        if let optional = bind as? any NilTestable, optional.isNil {
            bindings.appendNull()
            return .null
        }
        switch bind {
        case let text as String:
            bindings.append(text)
            return .text
        case let number as Int64:
            bindings.append(number)
            return .int8
        case let number as Int:
            bindings.append(Int64(number))
            return .int8
        case let number as Int32:
            bindings.append(number)
            return .int4
        case let number as Double:
            bindings.append(number)
            return .float8
        case let flag as Bool:
            bindings.append(flag)
            return .bool
        case let value as any PostgresThrowingDynamicTypeEncodable:
            try bindings.append(value)
            return value.psqlType
        default:
            throw UnsupportedBind(type: String(describing: type(of: bind)))
        }
    }
}

/// Writes waiting to be sent together. Sub-statements of one statement all see the database as it
/// was before the statement and can't see each other's rows: so a queue holds at most one write
/// per table (a second write to a table sends the queue first), and only writes nobody reads back.
final class LaterWrites: Sendable {
    struct Write: Sendable {
        let table: String
        let query: SQLQueryString
    }

    private let queue = Mutex<[Write]>([])

    /// Queues `write`; returns the writes to send first when the queue already writes its table.
    func add(_ write: Write) -> [Write] {
        queue.withLock { queue in
            guard queue.contains(where: { $0.table == write.table }) else {
                queue.append(write)
                return []
            }
            defer { queue = [write] }
            return queue
        }
    }

    func take() -> [Write] {
        queue.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }
}

extension SQLDatabase {
    /// Runs a write that returns nothing anyone reads (no RETURNING) and whose failure nobody
    /// tells apart from its transaction's. On PostgreSQL it waits to go with the next such writes
    /// in one round trip (before any other statement, and before the transaction's write ends); on
    /// SQLite, where a statement costs no round trip, it runs at once.
    func runLater(_ query: SQLQueryString, table: String) async throws {
        if let session = self as? PostgresSession {
            try await session.queue(query, table: table)
        } else {
            try await raw(query).run()
        }
    }
}

/// A bind of a type neither this session nor PostgresNIO knows how to send.
struct UnsupportedBind: Error, CustomStringConvertible {
    let type: String
    var description: String { "cannot send a value of type \(type) to PostgreSQL" }
}

/// Whether a value is an optional holding nothing, whatever it wraps.
protocol NilTestable {
    var isNil: Bool { get }
}

extension Optional: NilTestable {
    var isNil: Bool { self == nil }
}

/// One result row. Text and integers, nearly every column read, decode with PostgresNIO's own
/// decoders; anything else as PostgresKit decodes it.
struct PostgresResultRow: SQLRow {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard cells.contains(column) else { throw MissingColumn(column: column) }
        let cell = cells[column]
        if cell.bytes != nil {
            if D.self == String.self { return try cell.decode(String.self) as! D }
            if D.self == Int64.self { return try cell.decode(Int64.self) as! D }
            if D.self == Int.self { return try cell.decode(Int.self) as! D }
        }
        return try row.sql().decode(column: column, as: D.self)
    }
}
