import Foundation
import SQLKit
import TaskinfaCore

/// Rate-limit counters in the database: every replica on one PostgreSQL counts into the same rows,
/// so an attacker alternating between replicas gets no more tries than one hitting a single server.
public struct RateLimitRepository: Sendable {
    let store: Store

    /// One event to count: which limit, whose, when.
    struct Hit: Sendable {
        let limit: RateLimit
        let subject: String
        let at: Date

        var counter: String { "\(limit.name):\(subject)" }
    }

    /// Counts one event of `subject` against `limit` and says whether it is allowed. Refused events
    /// count too: hammering a limit keeps it shut. Hits arriving together are counted in one
    /// transaction (`Batcher`), each still judged on its own place in the count.
    public func hit(_ limit: RateLimit, subject: String) async throws -> RateLimitDecision {
        try await store.batches.rateLimitHits.submit(Hit(limit: limit, subject: subject, at: store.now()))
    }

    /// Counts one event against a limit that guards capacity, not credentials: counted in memory
    /// and added to the database in arrears (`SharedRateCounter`), so it costs no write of its own.
    public func hitShared(_ limit: RateLimit, subject: String) async throws -> RateLimitDecision {
        try await store.batches.sharedRateCounter.hit(limit, subject: subject, at: store.now())
    }

    /// Adds `hits` to a counter's window and returns its total.
    static func add(_ hits: Int, to counter: String, window: Int64, on sql: any SQLDatabase) async throws -> Int {
        let row = try await sql.raw(
            """
            INSERT INTO rate_limits (counter, window_start, hits) VALUES (\(bind: counter), \(bind: window), \(bind: hits))
            ON CONFLICT (counter, window_start) DO UPDATE SET hits = rate_limits.hits + \(bind: hits)
            RETURNING hits
            """
        ).first()
        return try row?.int("hits") ?? hits
    }

    /// A counter's total in a window (0 if it has none).
    static func count(of counter: String, window: Int64, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT hits FROM rate_limits WHERE counter = \(bind: counter) AND window_start = \(bind: window)")
            .first()?.int("hits") ?? 0
    }

    /// Counts a batch of hits: one statement per counter and window however many hits it got, and
    /// the decision for each hit as if they had come one by one in this order.
    static func count(_ hits: [Hit], on sql: any SQLDatabase) async throws -> [RateLimitDecision] {
        struct Window: Hashable {
            let counter: String
            let start: Int64
        }
        // Hits of one counter and window, in arrival order (their positions in `hits`).
        var groups: [Window: [Int]] = [:]
        var order: [Window] = []
        for (index, hit) in hits.enumerated() {
            let window = Window(counter: hit.counter, start: hit.limit.windows(at: hit.at).current)
            if groups[window] == nil { order.append(window) }
            groups[window, default: []].append(index)
        }
        var decisions = [RateLimitDecision?](repeating: nil, count: hits.count)
        for window in order {
            let members = groups[window]!
            let first = hits[members[0]]
            let previousStart = first.limit.windows(at: first.at).previous
            let total = try await add(members.count, to: window.counter, window: window.start, on: sql)
            let earlier = try await count(of: window.counter, window: previousStart, on: sql)
            // The count before this batch's hits, then one more for each.
            for (place, index) in members.enumerated() {
                let hit = hits[index]
                decisions[index] = hit.limit.decide(current: total - members.count + place + 1, previous: earlier, at: hit.at)
            }
        }
        return decisions.map { $0! }
    }

    /// Drops the windows no decision reads any more (older than `age`).
    public func prune(olderThan age: TimeInterval = 3600) async throws {
        let cutoff = store.now().addingTimeInterval(-age).milliseconds
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("DELETE FROM rate_limits WHERE window_start < \(bind: cutoff)").run()
        }
    }
}
