import Foundation

/// The time axis of the analytics: a bucket size and how far back it looks — the last 30 days, 12
/// weeks (Monday to Sunday) or 12 months, calendar-aligned in UTC, the last bucket holding today.
public enum AnalyticsPeriod: String, Sendable, CaseIterable {
    case day, week, month

    public var bucketCount: Int {
        switch self {
        case .day: 30
        case .week, .month: 12
        }
    }

    public static func parse(_ raw: String?, field: String = "period") throws -> AnalyticsPeriod {
        guard let raw else { return .week }
        guard let period = AnalyticsPeriod(rawValue: raw) else {
            throw ValidationError(field: field, message: "must be day, week or month")
        }
        return period
    }

    /// The buckets ending with the one that holds `now`, oldest first.
    public func buckets(endingAt now: Date) -> [DateInterval] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        calendar.firstWeekday = 2
        let component: Calendar.Component
        let start: Date
        switch self {
        case .day:
            component = .day
            start = calendar.startOfDay(for: now)
        case .week:
            component = .weekOfYear
            start = calendar.dateInterval(of: .weekOfYear, for: now)!.start
        case .month:
            component = .month
            start = calendar.dateInterval(of: .month, for: now)!.start
        }
        return (0..<bucketCount).reversed().map { back in
            let from = calendar.date(byAdding: component, value: -back, to: start)!
            let to = calendar.date(byAdding: component, value: 1, to: from)!
            return DateInterval(start: from, end: to)
        }
    }
}

/// Where the analytics draw their lines, as rules rather than numbers scattered through SQL.
public enum AnalyticsRules {
    /// A task is a bottleneck when it has sat in its column this many times the column's median…
    public static let bottleneckFactor = 3
    /// …and at least this long (a column whose tasks all move within minutes has no bottleneck).
    public static let bottleneckMinimum: TimeInterval = 3600
    /// The columns where waiting is a problem (the backlog waits by design, done is done).
    public static let flowColumns: [TaskStatus] = [.todo, .inProgress, .review]

    /// How long a task must have sat in a column whose median stay is `median` to be a bottleneck:
    /// longer than both the factor times the median and the minimum.
    public static func bottleneckThreshold(median: TimeInterval) -> TimeInterval {
        max(Double(bottleneckFactor) * median, bottleneckMinimum)
    }

    /// The `limit` longest-waiting of the bottlenecks found per column, the oldest first (ties by
    /// task id, so the list is the same on every read).
    public static func longestWaiting(_ candidates: [AnalyticsReport.Bottleneck], limit: Int = 10) -> [AnalyticsReport.Bottleneck] {
        Array(candidates.sorted { ($0.age, $1.taskID) > ($1.age, $0.taskID) }.prefix(limit))
    }

    /// The zero-based index of the nearest-rank `percent`-th percentile among `count` sorted values:
    /// ⌈percent·count / 100⌉ − 1, in integers (no rounding error at any count).
    public static func percentileIndex(_ percent: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(count - 1, max(0, (percent * count + 99) / 100 - 1))
    }

    /// Success rate of the runs that counted (0 when there were none).
    public static func successRate(succeeded: Int, runs: Int) -> Double {
        runs == 0 ? 0 : Double(succeeded) / Double(runs)
    }
}
