import PostgresNIO
import Testing

@testable import TaskinfaStore

/// What a `postgres://` URL's options set on the connection pool.
@Suite struct PostgresURLTests {
    @Test func poolSizeAndConnectTimeoutComeFromTheURL() throws {
        let configured = try PostgresBackend.configuration(from: "postgres://app:secret@db.internal:6432/board?pool_size=7&connect_timeout=45")
        #expect(configured.host == "db.internal")
        #expect(configured.port == 6432)
        #expect(configured.database == "board")
        #expect(configured.options.maximumConnections == 7)
        #expect(configured.options.connectTimeout == .seconds(45))
    }

    @Test func withoutOptionsTheDefaultsHold() throws {
        let configured = try PostgresBackend.configuration(from: "postgres://app@db.internal/board?connect_timeout=nonsense")
        #expect(configured.port == 5432)
        #expect(configured.options.maximumConnections == 20)
        #expect(configured.options.connectTimeout == .seconds(10))
    }
}
