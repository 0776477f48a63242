import TaskinfaCore

/// When the same failure comes back execution after execution (an agent that can't reach its
/// model, a broken toolchain on the host), retrying at once only burns tasks' attempts in a moment.
/// Each repeat of the identical failure doubles the pause before the next claim, from 5 seconds up
/// to 5 minutes; any other ending resets it.
struct RepeatedFailures: Sendable {
    static let first: Duration = .seconds(5)
    static let longest: Duration = .seconds(300)

    private(set) var lastReason: String?
    private(set) var repeats = 0

    /// Records how an execution ended; returns how long to wait before claiming again, if at all.
    mutating func record(_ outcome: ExecutionStatus?, reason: String?) -> Duration? {
        guard outcome == .failed, let reason else {
            lastReason = nil
            repeats = 0
            return nil
        }
        if reason == lastReason {
            repeats += 1
        } else {
            lastReason = reason
            repeats = 0
        }
        guard repeats > 0 else { return nil }
        let factor = 1 << min(repeats - 1, 10)
        return min(Self.longest, Self.first * factor)
    }
}
