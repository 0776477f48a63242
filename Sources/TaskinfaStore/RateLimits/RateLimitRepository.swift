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
            let row = try await sql.raw(
                """
                INSERT INTO rate_limits (counter, window_start, hits) VALUES (\(bind: window.counter), \(bind: window.start), \(bind: members.count))
                ON CONFLICT (counter, window_start) DO UPDATE SET hits = rate_limits.hits + \(bind: members.count)
                RETURNING hits
                """
            ).first()
            let before = try await sql.raw(
                "SELECT hits FROM rate_limits WHERE counter = \(bind: window.counter) AND window_start = \(bind: previousStart)"
            ).first()
            let total = try row?.int("hits") ?? members.count
            let earlier = try before?.int("hits") ?? 0
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
