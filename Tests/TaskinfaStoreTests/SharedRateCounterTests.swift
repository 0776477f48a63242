import Foundation
import Logging
import TaskinfaCore
import Testing

@testable import TaskinfaStore

/// The API-key limit counted in memory and added to the database in arrears: exact on one replica,
/// shared through the database between replicas.
@Suite struct SharedRateCounterTests {
    static let instant = Date(timeIntervalSince1970: 1_800_000_010)

    static func replica(_ path: String) async throws -> Store {
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"))
        try await database.prepare()
        return Store(database: database, clock: .fixed(instant))
    }

    static func stored(_ store: Store, counter: String) async throws -> Int {
        let window = RateLimit(name: "api", limit: 1, window: 60).windows(at: instant).current
        return try await store.database.read { sql in try await RateLimitRepository.count(of: counter, window: window, on: sql) }
    }

    @Test func oneReplicaJudgesEveryHitInOrderAndTheDatabaseCatchesUp() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString).sqlite").path
        let store = try await Self.replica(path)
        let limit = RateLimit(name: "api", limit: 100, window: 60)
        let decisions = try await withThrowingTaskGroup(of: RateLimitDecision.self) { group in
            for _ in 0..<150 { group.addTask { try await store.rateLimits.hitShared(limit, subject: "key") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter(\.allowed).count == 100)
        #expect(Set(decisions.filter(\.allowed).map(\.remaining)) == Set(0..<100))
        // Added in arrears, but added: the database ends with every hit.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await Self.stored(store, counter: "api:key") < 150, ContinuousClock.now < deadline {
            _ = try await store.rateLimits.hitShared(RateLimit(name: "other", limit: 100, window: 60), subject: "nudge")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await Self.stored(store, counter: "api:key") >= 150)
    }

    @Test func aReplicaStartingLaterSeesWhatTheOthersCounted() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString).sqlite").path
        let first = try await Self.replica(path)
        let limit = RateLimit(name: "api", limit: 40, window: 60)
        for _ in 0..<40 { #expect(try await first.rateLimits.hitShared(limit, subject: "key").allowed) }
        // The first replica adds its hits two at a time (a twentieth of 40): all of them are in.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await Self.stored(first, counter: "api:key") < 40, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let second = try await Self.replica(path)
        #expect(try await second.rateLimits.hitShared(limit, subject: "key").allowed == false)
        #expect(try await first.rateLimits.hitShared(limit, subject: "key").allowed == false)
    }
}
