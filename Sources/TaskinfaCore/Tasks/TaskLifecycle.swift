import Foundation

/// The start and completion times a status change implies (original §3.3, with its gap fixed):
/// - entering `in_progress` records `started_at` once;
/// - entering `review` or `done` records `completed_at` once;
/// - going back from review/done to an open column clears `completed_at` (the task was reopened).
public struct TaskLifecycle: Equatable, Sendable {
    public var startedAt: Date?
    public var completedAt: Date?

    public init(startedAt: Date?, completedAt: Date?) {
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    public func entering(_ status: TaskStatus, at now: Date) -> TaskLifecycle {
        var next = self
        if status == .inProgress && next.startedAt == nil { next.startedAt = now }
        if status.isFinished {
            if next.completedAt == nil { next.completedAt = now }
        } else {
            next.completedAt = nil
        }
        return next
    }
}
