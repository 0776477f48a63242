import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// One PostgreSQL connection seen through SQLKit, so that the repositories stay dialect-neutral.
///
/// Why not PostgresKit's own `sql()`: it encodes every bind and decodes every column through a
/// generic translation layer (Codable, JSON fallbacks) and answers through an event-loop future.
/// The values this store binds and reads are nearly all text and integers; they go straight to
/// PostgresNIO's own encoders here, and everything else takes PostgresKit's way as before.
struct PostgresSession: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger

    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { try Self.append(bind, to: &bindings) }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        for try await row in rows { onRow(PostgresResultRow(row)) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    /// A bind in PostgreSQL's binary form: the common kinds directly, the rest as PostgresNIO
    /// encodes them.
    static func append(_ bind: any Encodable & Sendable, to bindings: inout PostgresBindings) throws {
        // Checked first: a nil optional matches no other case.
        if let optional = bind as? any NilTestable, optional.isNil {
            bindings.appendNull()
            return
        }
        switch bind {
        case let text as String: bindings.append(text)
        case let number as Int64: bindings.append(number)
        case let number as Int: bindings.append(Int64(number))
        case let number as Int32: bindings.append(number)
        case let number as Double: bindings.append(number)
        case let flag as Bool: bindings.append(flag)
        case let value as any PostgresThrowingDynamicTypeEncodable: try bindings.append(value)
        default: throw UnsupportedBind(type: String(describing: type(of: bind)))
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
