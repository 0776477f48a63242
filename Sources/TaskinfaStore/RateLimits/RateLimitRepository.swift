import Foundation
import SQLKit
import TaskinfaCore

/// Rate-limit counters in the database: every replica on one PostgreSQL counts into the same rows,
/// so an attacker alternating between replicas gets no more tries than one hitting a single server.
public struct RateLimitRepository: Sendable {
    let store: Store

    /// Counts one event of `subject` against `limit` and says whether it is allowed. Refused events
    /// count too: hammering a limit keeps it shut.
    public func hit(_ limit: RateLimit, subject: String) async throws -> RateLimitDecision {
        let now = store.now()
        let (current, previous) = limit.windows(at: now)
        let counter = "\(limit.name):\(subject)"
        let (hits, earlier) = try await store.database.write(workspace: nil) { sql in
            let row = try await sql.raw(
                """
                INSERT INTO rate_limits (counter, window_start, hits) VALUES (\(bind: counter), \(bind: current), 1)
                ON CONFLICT (counter, window_start) DO UPDATE SET hits = rate_limits.hits + 1
                RETURNING hits
                """
            ).first()
            let before = try await sql.raw(
                "SELECT hits FROM rate_limits WHERE counter = \(bind: counter) AND window_start = \(bind: previous)"
            ).first()
            return (try row?.int("hits") ?? 1, try before?.int("hits") ?? 0)
        }
        return limit.decide(current: hits, previous: earlier, at: now)
    }

    /// Drops the windows no decision reads any more (older than `age`).
    public func prune(olderThan age: TimeInterval = 3600) async throws {
        let cutoff = store.now().addingTimeInterval(-age).milliseconds
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("DELETE FROM rate_limits WHERE window_start < \(bind: cutoff)").run()
        }
    }
}
