import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// A `SQLiteHandle` seen through SQLKit, so the repositories stay dialect-neutral: SQLKit renders
/// the query, the handle runs it on its thread.
///
/// The writer's session (`inline`) runs the statements inside its transactions right where the
/// caller runs: holding the write lock, they wait for nothing, and a create's half-dozen hops to
/// another thread and back cost more than the statements. What can wait (taking the lock, a commit
/// that checkpoints and syncs, a pragma) still goes to the connection's thread.
struct SQLiteSession: SQLDatabase {
    let handle: SQLiteHandle
    let logger: Logger
    let eventLoop: any EventLoop
    let inline: Bool

    init(
        _ handle: SQLiteHandle, logger: Logger, inline: Bool = false,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) {
        self.handle = handle
        self.logger = logger
        self.inline = inline
        self.eventLoop = eventLoop
    }

    /// Statements that may wait: for another connection's lock, or for the disk.
    static func mayWait(_ sql: String) -> Bool {
        let start = sql.prefix(8).uppercased()
        return start.hasPrefix("BEGIN") || start.hasPrefix("COMMIT") || start.hasPrefix("ROLLBACK")
            || start.hasPrefix("END") || start.hasPrefix("PRAGMA") || start.hasPrefix("VACUUM")
    }

    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let (sql, binds) = serialize(query)
        if inline && !Self.mayWait(sql) {
            try handle.execute(sql, try binds.map(Self.value(of:)), onRow)
        } else {
            try await handle.run(sql, try binds.map(Self.value(of:)), onRow)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let (sql, binds) = serialize(query)
        do {
            try handle.execute(sql, binds.map(Self.value(of:)), onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    /// A bind as SQLite stores it: the common kinds directly, the rest as SQLiteKit encodes them.
    static func value(of bind: any Encodable & Sendable) throws -> SQLiteData {
        switch bind {
        case let text as String: .text(text)
        case let number as Int64: .integer(Int(number))
        case let number as Int: .integer(number)
        default: try SQLiteDataEncoder().encode(bind)
        }
    }
}

/// One result row. Strings and integers, nearly every column read, skip the generic decoder.
struct SQLiteResultRow: SQLRow {
    let columns: SQLiteColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.positions[column] else { throw MissingColumn(column: column) }
        let value = values[position]
        switch value {
        case .text(let text) where D.self == String.self: return text as! D
        case .integer(let number) where D.self == Int64.self: return Int64(number) as! D
        case .integer(let number) where D.self == Int.self: return number as! D
        default: return try SQLiteDataDecoder().decode(D.self, from: value)
        }
    }
}

/// A column the query didn't select.
struct MissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the result" }
}
