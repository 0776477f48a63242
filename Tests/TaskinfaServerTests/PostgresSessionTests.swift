import Foundation
import Logging
import PostgresNIO
import SQLKit
@testable import TaskinfaStore
import Testing

/// The PostgreSQL session under the store, against a real server: prepared statements that
/// survive binds of NULL and of values, a table changed under a prepared `SELECT *`, and writes
/// queued to go together that keep their order.
@Suite(.enabled(if: TestDatabase.usesPostgres)) struct PostgresSessionTests {
    static func withDatabase(
        readTimeLimit: Duration? = nil, poolSize: Int? = nil, _ body: @escaping @Sendable (Database) async throws -> Void
    ) async throws {
        let url = try #require(try await TestDatabase.make()) + (poolSize.map { "&pool_size=\($0)" } ?? "")
        let database = try Database(location: .postgres(url: url), logger: Logger(label: "test"), readTimeLimit: readTimeLimit)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            try await database.prepare()
            defer { group.cancelAll() }
            try await body(database)
        }
    }

    /// The readers' time limit (`serve --read-time-limit`): a read past it is stopped, and the
    /// connections reads and writes share carry it only while they read.
    @Test func aReadPastTheTimeLimitStopsAndWritesOnTheSameConnectionAreNotLimited() async throws {
        let limit = Duration.milliseconds(300)
        // Two connections: the replicas' listener holds one, reads and writes take turns on the other.
        try await Self.withDatabase(readTimeLimit: limit, poolSize: 2) { database in
            func sleepingRead() async throws {
                try await database.read { sql in try await sql.raw("SELECT pg_sleep(30)").run() }
            }
            await #expect(throws: ReadTooLongError(limit: limit)) { try await sleepingRead() }
            for _ in 0..<2 {
                try await database.write(workspace: nil) { sql in try await sql.raw("SELECT pg_sleep(0.6)").run() }
                let one = try await database.read { sql in try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self) }
                #expect(one == 1)
            }
            let started = ContinuousClock.now
            await #expect(throws: ReadTooLongError(limit: limit)) { try await sleepingRead() }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    /// The time limit's record of each connection's setting follows the connection: set for
    /// reads, lifted for writes, and forgotten when the connection closes (the pool replaces
    /// connections for as long as the server runs).
    @Test func theReadLimitIsSetAndLiftedPerConnectionAndForgottenWhenItCloses() async throws {
        let limit = PostgresReadTimeLimit(limit: .milliseconds(300))
        let logger = Logger(label: "test")
        let first = try await TestDatabase.connect(id: 1)
        let second = try await TestDatabase.connect(id: 2)
        func setting(_ connection: PostgresConnection) async throws -> String {
            let rows = try await connection.query("SHOW statement_timeout", logger: logger)
            for try await (value) in rows.decode(String.self) { return value }
            return ""
        }
        try await limit.forReading(first, logger: logger)
        try await limit.forReading(second, logger: logger)
        #expect(try await setting(first) == "300ms")
        #expect(limit.connectionsKnown == 2)
        try await limit.forWriting(first, logger: logger)
        #expect(try await setting(first) == "0")
        #expect(try await setting(second) == "300ms")
        try await limit.forReading(first, logger: logger)
        #expect(try await setting(first) == "300ms")

        try await first.close()
        try await waitUntil { limit.connectionsKnown == 1 }
        try await limit.forWriting(second, logger: logger)
        try await second.close()
        try await waitUntil { limit.connectionsKnown == 0 }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
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

    /// A full-text search is sent unprepared, so that PostgreSQL plans it knowing how common its
    /// words are; other statements stay prepared on their connection.
    @Test func aSearchIsPlannedWithItsWordsWhileOtherStatementsArePrepared() async throws {
        // Two connections: the replicas' listener holds one, every read here takes the other.
        try await Self.withDatabase(poolSize: 2) { database in
            let prepared = try await database.read { sql in
                // Past the five runs after which PostgreSQL would keep one plan for any words.
                for _ in 0..<7 {
                    _ = try await sql.raw(
                        "SELECT to_tsvector('simple', 'deploy the cache') @@ to_tsquery('simple', \(bind: "cach:*")) AS hit"
                    ).all()
                    _ = try await sql.raw("SELECT \(bind: "deploy") AS word").all()
                }
                return try await sql.raw("SELECT statement FROM pg_prepared_statements").all()
                    .map { try $0.decode(column: "statement", as: String.self) }
            }
            #expect(prepared.contains { $0.contains("AS word") })
            #expect(!prepared.contains { $0.contains("to_tsquery(") })
        }
    }

    /// The tables read per workspace are analysed after every 1 % changed, and the search indexes
    /// keep short pending lists (migration 14).
    @Test func perWorkspaceTablesAreAnalysedOftenAndSearchIndexesKeepShortPendingLists() async throws {
        try await Self.withDatabase { database in
            let options = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT relname, array_to_string(reloptions, ',') AS options FROM pg_class
                    WHERE relname IN ('tasks', 'comments', 'events', 'tasks_search', 'comments_search')
                    """
                ).all().map { (try $0.decode(column: "relname", as: String.self), try $0.decode(column: "options", as: String?.self) ?? "") }
            }
            #expect(options.count == 5)
            for (relation, setting) in options {
                let expected = relation.hasSuffix("_search") ? "gin_pending_list_limit=256" : "autovacuum_analyze_scale_factor=0.01"
                #expect(setting.contains(expected), "\(relation): \(setting)")
            }
        }
    }
}
