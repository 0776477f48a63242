import Foundation
import Logging
import SQLKit
import TaskinfaStore
import Testing

/// The PostgreSQL session under the store, against a real server: prepared statements that
/// survive binds of NULL and of values, a table changed under a prepared `SELECT *`, and writes
/// queued to go together that keep their order.
@Suite(.enabled(if: TestDatabase.usesPostgres)) struct PostgresSessionTests {
    static func withDatabase(_ body: @escaping @Sendable (Database) async throws -> Void) async throws {
        let url = try #require(try await TestDatabase.make())
        let database = try Database(location: .postgres(url: url), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            try await database.prepare()
            defer { group.cancelAll() }
            try await body(database)
        }
    }

    @Test func aStatementPreparedWithANullTakesValuesLaterAndTheOtherWayRound() async throws {
        try await Self.withDatabase { database in
            try await database.write(workspace: nil) { sql in
                try await sql.raw("CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER, s TEXT)").run()
            }
            let rows: [(Int, Int?, String?)] = [(1, nil, "a"), (2, 5, nil), (3, 7, "c"), (4, nil, nil)]
            for (id, n, s) in rows {
                try await database.write(workspace: nil) { sql in
                    try await sql.raw("INSERT INTO probe (id, n, s) VALUES (\(bind: id), \(bind: n), \(bind: s))").run()
                }
            }
            let read = try await database.read { sql in
                try await sql.raw("SELECT id, n, s FROM probe ORDER BY id").all().map {
                    (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "n", as: Int?.self), try $0.decode(column: "s", as: String?.self))
                }
            }
            #expect(read.map(\.0) == [1, 2, 3, 4] && read.map(\.1) == [nil, 5, 7, nil] && read.map(\.2) == ["a", nil, "c", nil])
        }
    }

    @Test func aPreparedSelectStarSurvivesAColumnAddedUnderIt() async throws {
        try await Self.withDatabase { database in
            try await database.write(workspace: nil) { sql in
                try await sql.raw("CREATE TABLE widened (id INTEGER PRIMARY KEY, name TEXT)").run()
                try await sql.raw("INSERT INTO widened (id, name) VALUES (1, 'one')").run()
            }
            func readAll() async throws -> [String] {
                try await database.read { sql in try await sql.raw("SELECT * FROM widened WHERE id = \(bind: 1)").all().first?.allColumns ?? [] }
            }
            #expect(try await readAll() == ["id", "name"])
            // As another replica's migration would, behind this one's prepared statement.
            try await database.write(workspace: nil) { sql in
                try await sql.raw("ALTER TABLE widened ADD COLUMN note TEXT DEFAULT 'x'").run()
            }
            #expect(try await readAll() == ["id", "name", "note"])
            // And inside a write, on whichever connection it gets.
            try await database.write(workspace: nil) { sql in
                try await sql.raw("ALTER TABLE widened ADD COLUMN more TEXT").run()
            }
            let columns = try await database.write(workspace: nil) { sql in
                try await sql.raw("SELECT * FROM widened WHERE id = \(bind: 1)").all().first?.allColumns ?? []
            }
            #expect(columns == ["id", "name", "note", "more"])
        }
    }
}
