import Foundation
import TaskinfaCore

/// Counts for a limit that guards capacity rather than credentials (an API key's requests a
/// minute): each replica counts hits in memory, judges each hit against the database's total as
/// last read plus its own hits since, and adds its hits to the database in arrears — when a
/// twentieth of the limit has gathered (at most 64), and at least every second. A request then
/// costs no write of its own; before, every key request was a write and a fifth of a create's time.
///
/// The first hit of a window on a replica waits for the database's count, so a replica that starts
/// late knows what the others have counted. Across replicas a key may get a little past its limit
/// (each replica's hits since its last addition); on one replica every hit is judged exactly in
/// order. The sign-in limits, which guard credentials, stay exact (`RateLimitRepository.hit`).
actor SharedRateCounter {
    private struct Window: Hashable {
        let counter: String
        let start: Int64
    }

    private struct Tally {
        /// The database's count at the last addition, this replica's hits in it.
        var total = 0
        /// Hits not yet added to the database.
        var pending = 0
        /// The previous window's count, for the sliding estimate.
        var previous = 0
        var lastAdded = Date.distantPast
        var adding = false
    }

    private let database: Database
    private var tallies: [Window: Tally] = [:]
    /// A window's first read from the database, which its other hits wait for.
    private var loading: [Window: Task<Void, any Error>] = [:]

    init(database: Database) {
        self.database = database
    }

    static func threshold(for limit: RateLimit) -> Int { max(1, min(64, limit.limit / 20)) }

    func hit(_ limit: RateLimit, subject: String, at now: Date) async throws -> RateLimitDecision {
        let (current, previous) = limit.windows(at: now)
        let window = Window(counter: "\(limit.name):\(subject)", start: current)
        if tallies[window] == nil {
            forget(before: previous, keeping: window)
            if let load = loading[window] {
                try await load.value
            } else {
                let load = Task { try await self.load(window, previous: previous, at: now) }
                loading[window] = load
                defer { loading[window] = nil }
                try await load.value
            }
        }
        guard var tally = tallies[window] else { throw DatabaseError.closed }
        tally.pending += 1
        let decision = limit.decide(current: tally.total + tally.pending, previous: tally.previous, at: now)
        if !tally.adding && (tally.pending >= Self.threshold(for: limit) || now.timeIntervalSince(tally.lastAdded) >= 1) {
            tally.adding = true
            Task { await self.add(window, at: now) }
        }
        tallies[window] = tally
        return decision
    }

    /// Reads the window's count (and the previous one's) from the database.
    private func load(_ window: Window, previous: Int64, at now: Date) async throws {
        let (total, earlier) = try await database.write(workspace: nil) { sql in
            (
                try await RateLimitRepository.add(0, to: window.counter, window: window.start, on: sql),
                try await RateLimitRepository.count(of: window.counter, window: previous, on: sql)
            )
        }
        if tallies[window] == nil { tallies[window] = Tally(total: total, previous: earlier, lastAdded: now) }
    }

    /// Adds the window's pending hits to the database and takes its total back; hits that came in
    /// meanwhile follow within a second, so the database catches up even when the requests stop.
    private func add(_ window: Window, at now: Date) async {
        while let pending = tallies[window]?.pending, pending > 0 {
            do {
                let total = try await database.write(workspace: nil) { sql in
                    try await RateLimitRepository.add(pending, to: window.counter, window: window.start, on: sql)
                }
                tallies[window]?.total = total
                tallies[window]?.pending -= pending
                tallies[window]?.lastAdded = now
            } catch {
                // The hits stay pending for the next addition (the next hit starts it); meanwhile
                // they still count here.
                break
            }
            if tallies[window]?.pending ?? 0 > 0 { try? await Task.sleep(for: .seconds(1)) }
        }
        tallies[window]?.adding = false
    }

    /// Drops windows older than the previous one (their hits are added first).
    private func forget(before start: Int64, keeping window: Window) {
        for old in tallies.keys where old.start < start && old != window {
            if let tally = tallies.removeValue(forKey: old), tally.pending > 0 {
                let database = self.database
                Task {
                    _ = try? await database.write(workspace: nil) { sql in
                        try await RateLimitRepository.add(tally.pending, to: old.counter, window: old.start, on: sql)
                    }
                }
            }
        }
    }
}
