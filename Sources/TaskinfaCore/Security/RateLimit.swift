import Foundation

/// How often something may happen per subject (an address, an account, a key): at most `limit`
/// times in any `window`. Counted in fixed windows and read as a sliding one — the previous
/// window's count weighted by how much of it the sliding window still covers — so that a burst
/// across a window boundary gets no double allowance.
public struct RateLimit: Sendable, Equatable {
    /// Names the counter (`signin-ip`); with the subject it makes the counter's key.
    public var name: String
    public var limit: Int
    public var window: TimeInterval

    public init(name: String, limit: Int, window: TimeInterval) {
        self.name = name
        self.limit = limit
        self.window = window
    }

    /// The start (milliseconds) of the fixed window holding `now`, and of the one before it.
    public func windows(at now: Date) -> (current: Int64, previous: Int64) {
        let length = Int64(window * 1000)
        let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let current = milliseconds - milliseconds % length
        return (current, current - length)
    }

    /// The verdict on one more event, given the counts of the current window (this event
    /// included) and of the previous one.
    public func decide(current: Int, previous: Int, at now: Date) -> RateLimitDecision {
        let length = window * 1000
        let start = Double(windows(at: now).current)
        let elapsed = min(1, max(0, (now.timeIntervalSince1970 * 1000 - start) / length))
        let estimate = Double(previous) * (1 - elapsed) + Double(current)
        let untilWindowEnds = (1 - elapsed) * window
        guard estimate > Double(limit) else {
            return RateLimitDecision(
                allowed: true, limit: limit, remaining: max(0, limit - Int(estimate.rounded(.up))), reset: untilWindowEnds)
        }
        // When enough of the previous window has slid out, or else when this window ends and the
        // next one starts to weigh this one's count.
        var wait = untilWindowEnds
        if current <= limit, previous > 0 {
            let fraction = 1 - Double(limit - current) / Double(previous)
            wait = max(0, (fraction - elapsed) * window)
        } else if current > limit {
            wait = untilWindowEnds + window * (1 - Double(limit) / Double(current))
        }
        return RateLimitDecision(allowed: false, limit: limit, remaining: 0, reset: untilWindowEnds, retryAfter: max(1, wait.rounded(.up)))
    }
}

/// What a rate limit says about one request; also what the `RateLimit-*` headers report.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Seconds until the current window ends.
    public var reset: TimeInterval
    /// Seconds to wait before trying again, when refused.
    public var retryAfter: TimeInterval?

    public init(allowed: Bool, limit: Int, remaining: Int, reset: TimeInterval, retryAfter: TimeInterval? = nil) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.retryAfter = retryAfter
    }
}

/// Too many requests (HTTP 429 with `Retry-After`).
public struct RateLimitedError: Error, Equatable, Sendable {
    public var decision: RateLimitDecision
    public var message: String

    public init(_ decision: RateLimitDecision, message: String) {
        self.decision = decision
        self.message = message
    }
}
