import Foundation
import Logging
import SQLKit
import Testing

@testable import TaskinfaStore

/// A read statement that runs past the readers' time limit is stopped with `ReadTooLongError`,
/// the connection it ran on serves the next read, and a write is never cut short. (PostgreSQL:
/// `PostgresSessionTests`.)
@Suite struct ReadTimeLimitTests {
    /// Counts to a billion: minutes of work for SQLite, if nothing stops it.
    static let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) AS c FROM n"

    @Test func aReadPastTheLimitStopsAndItsConnectionServesTheNext() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("limit-\(UUID().uuidString).sqlite").path
        let limit = Duration.milliseconds(100)
        // One reader: the read after the stopped one runs on the same connection.
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"), sqliteReaders: 1, readTimeLimit: limit)
        try await database.prepare()
        let started = ContinuousClock.now
        await #expect(throws: ReadTooLongError(limit: limit)) {
            try await database.read { sql in try await sql.raw(SQLQueryString(Self.endless)).run() }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        let one = try await database.read { sql in try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self) }
        #expect(one == 1)

        // The same work in a write runs to its end, however long it takes.
        let writeStarted = ContinuousClock.now
        let counted = try await database.write(workspace: nil) { sql in
            try await sql.raw("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) AS c FROM n")
                .first()?.decode(column: "c", as: Int.self)
        }
        #expect(counted == 3_000_000)
        #expect(ContinuousClock.now - writeStarted > limit)
        await database.close()
    }

    @Test func withoutALimitAReadRunsToItsEnd() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nolimit-\(UUID().uuidString).sqlite").path
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"), sqliteReaders: 1)
        try await database.prepare()
        let counted = try await database.read { sql in
            try await sql.raw("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) SELECT count(*) AS c FROM n")
                .first()?.decode(column: "c", as: Int.self)
        }
        #expect(counted == 1_000_000)
        await database.close()
    }
}
