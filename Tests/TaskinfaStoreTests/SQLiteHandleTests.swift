import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Testing

@testable import TaskinfaStore

/// The SQLite connection the server runs on: statements compiled once and reused, values as they
/// were written, SQLite's own error messages, and a cache that follows schema changes.
@Suite struct SQLiteHandleTests {
    static func open() throws -> (SQLiteHandle, any SQLDatabase) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("handle-\(UUID().uuidString).sqlite").path
        let handle = try SQLiteHandle(path: path)
        return (handle, SQLiteSession(handle, logger: Logger(label: "test")))
    }

    @Test func valuesComeBackAsTheyWereBoundTheSecondTimeToo() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        try await sql.raw("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, weight REAL, data BLOB, note TEXT)").run()
        let name = "nul\u{0}inside, ünïcödé, 'quotes'"
        for id in [1, 2] {
            // The same SQL twice: the second run reuses the compiled statement with new binds.
            try await sql.raw(
                "INSERT INTO things (id, name, weight, data, note) VALUES (\(bind: id), \(bind: name + "\(id)"), \(bind: 1.5 * Double(id)), \(bind: Data([0, 1, 2])), \(bind: String?.none))"
            ).run()
        }
        let before = StorageCeiling.sqliteWork.statements
        let rows = try await sql.raw("SELECT * FROM things ORDER BY id").all()
        #expect(StorageCeiling.sqliteWork.statements > before)
        #expect(rows.count == 2)
        #expect(try rows[1].decode(column: "name", as: String.self) == name + "2")
        #expect(try rows[1].decode(column: "id", as: Int.self) == 2)
        #expect(try rows[1].decode(column: "weight", as: Double.self) == 3.0)
        #expect(try rows[0].decode(column: "data", as: Data.self) == Data([0, 1, 2]))
        #expect(try rows[0].decodeNil(column: "note"))
        #expect(rows[0].allColumns == ["id", "name", "weight", "data", "note"])
        #expect(throws: (any Error).self) { try rows[0].decode(column: "missing", as: String.self) }
    }

    @Test func aFailedStatementSaysWhatSQLiteSaidAndTheNextOneRuns() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        try await sql.raw("CREATE TABLE keys (id TEXT PRIMARY KEY)").run()
        try await sql.raw("INSERT INTO keys (id) VALUES (\(bind: "a"))").run()
        do {
            try await sql.raw("INSERT INTO keys (id) VALUES (\(bind: "a"))").run()
            Issue.record("a duplicate key was written")
        } catch {
            #expect(ConstraintViolation.isUnique(error))
        }
        // The cached statement was reset: it runs again with other binds.
        try await sql.raw("INSERT INTO keys (id) VALUES (\(bind: "b"))").run()
        #expect(try await sql.raw("SELECT COUNT(*) AS n FROM keys").first()?.decode(column: "n", as: Int.self) == 2)
        await #expect(throws: (any Error).self) { try await sql.raw("SELECT nonsense FROM nowhere").run() }
    }

    @Test func aCachedStatementIsNotCompiledAgainForNewValues() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        // An equality on a bound value lets SQLite's planner look at the value; clearing the
        // bindings after each run used to make it compile the statement again every time.
        try await sql.raw("CREATE TABLE rows (id INTEGER PRIMARY KEY, owner TEXT, kind INTEGER, place TEXT)").run()
        try await sql.raw("CREATE INDEX rows_by_owner ON rows(owner, kind, place)").run()
        try await sql.raw("CREATE INDEX rows_done ON rows(owner, place) WHERE kind = 2").run()
        for id in 0..<50 {
            try await sql.raw(
                "INSERT INTO rows (id, owner, kind, place) VALUES (\(bind: id), \(bind: "o\(id % 3)"), \(bind: id % 4), \(bind: "p\(id)"))"
            ).run()
        }
        let before = handle.recompilations
        for id in 0..<50 {
            let row = try await sql.raw(
                """
                SELECT place FROM rows WHERE owner = \(bind: "o\(id % 3)") AND kind = 0 AND place <> \(bind: "p\(id)")
                ORDER BY place DESC LIMIT 1
                """
            ).first()
            #expect(row != nil)
        }
        #expect(handle.recompilations == before)
    }

    @Test func aParameterLeftOutIsNullNotTheLastValue() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        try await sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").run()
        let large = String(repeating: "x", count: 100_000)
        try handle.execute("INSERT INTO notes (id, body) VALUES (?1, ?2)", [.integer(1), .text(large)]) { _ in }
        try handle.execute("INSERT INTO notes (id, body) VALUES (?1, ?2)", [.integer(2)]) { _ in }
        try handle.execute("INSERT INTO notes (id, body) VALUES (?1, ?2)", [.integer(3), .text("short")]) { _ in }
        try handle.execute("INSERT INTO notes (id, body) VALUES (?1, ?2)", [.integer(4)]) { _ in }
        let bodies = try await sql.raw("SELECT id, body FROM notes ORDER BY id").all().map {
            try $0.decode(column: "body", as: String?.self)
        }
        #expect(bodies == [large, nil, "short", nil])
    }

    @Test func aCachedSelectStarSeesAColumnAddedLater() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        try await sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY)").run()
        try await sql.raw("INSERT INTO notes (id) VALUES (1)").run()
        #expect(try await sql.raw("SELECT * FROM notes").first()?.allColumns == ["id"])
        try await sql.raw("ALTER TABLE notes ADD COLUMN body TEXT DEFAULT 'x'").run()
        let row = try #require(try await sql.raw("SELECT * FROM notes").first())
        #expect(row.allColumns == ["id", "body"])
        #expect(try row.decode(column: "body", as: String.self) == "x")
    }

    @Test func moreDistinctStatementsThanTheCacheHoldsStillRun() async throws {
        let (handle, sql) = try Self.open()
        defer { handle.close() }
        for count in 1...(SQLiteHandle.cacheCapacity + 10) {
            // A bind list of another length each time: a distinct statement each time.
            let values = Array(1...count)
            let row = try await sql.raw("SELECT \(literal: count) AS n WHERE 1 IN (\(binds: values))").first()
            #expect(try row?.decode(column: "n", as: Int.self) == count)
        }
    }

    @Test func aClosedHandleRefusesInsteadOfCrashing() throws {
        let (handle, _) = try Self.open()
        handle.close()
        #expect(throws: SQLiteFailure.self) { try handle.execute("SELECT 1", []) { _ in } }
    }
}
