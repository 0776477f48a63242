/// What a finished execution does to its task (original §7 with §10.4's gaps closed):
/// - success moves the task to review: an agent never moves a task to done, a person does;
/// - failure and an expired lease put it back in To Do and count an attempt; after the retry
///   limit it stays out of the queue, flagged for a person;
/// - a blocked agent hands the task to a person at once (flagged, its reason as a question);
/// - a cancelled execution leaves the task in To Do, flagged, so no worker grabs it again;
/// - a released one puts it back at the top of To Do for the next worker, without counting an
///   attempt (the worker stopped, or its host won't run what the task needs);
/// - a reply touches neither status nor attempts.
public struct TaskDisposition: Equatable, Sendable {
    public var status: TaskStatus?
    public var countsAsAttempt: Bool
    public var flag: Bool
    public var comment: String
    public var commentKind: CommentKind

    public static func after(
        _ outcome: ExecutionStatus, kind: ExecutionKind, failedAttempts: Int, retryLimit: Int, reason: String?,
        summary: String?
    ) -> TaskDisposition {
        if outcome == .released {
            return TaskDisposition(
                status: kind == .reply ? nil : .todo, countsAsAttempt: false, flag: false,
                comment: "\(reason ?? "The worker gave the task back.")"
                    + (kind == .reply ? " The question waits for another worker." : " The task goes back to To Do for the next worker."),
                commentKind: .error)
        }
        if kind == .reply {
            let text = outcome == .succeeded ? (summary ?? "Done.") : "Could not answer: \(reason ?? outcome.rawValue)"
            return TaskDisposition(
                status: nil, countsAsAttempt: false, flag: false, comment: text,
                commentKind: outcome == .succeeded ? .summary : .error)
        }
        switch outcome {
        case .running, .released:
            return TaskDisposition(status: nil, countsAsAttempt: false, flag: false, comment: "", commentKind: .progress)
        case .succeeded:
            return TaskDisposition(
                status: .review, countsAsAttempt: false, flag: false,
                comment: summary.map { "Ready for review.\n\n\($0)" } ?? "Ready for review.", commentKind: .summary)
        case .failed, .expired:
            let attempts = failedAttempts + 1
            let exhausted = attempts >= retryLimit
            let cause = outcome == .expired ? "The worker stopped responding (its lease expired)." : "The attempt failed: \(reason ?? "unknown reason")."
            let next =
                exhausted
                ? " This was attempt \(attempts) of \(retryLimit); the task is out of the queue until a person looks at it."
                : " Attempt \(attempts) of \(retryLimit); it goes back to To Do for another try."
            return TaskDisposition(
                status: .todo, countsAsAttempt: true, flag: exhausted, comment: cause + next, commentKind: .error)
        case .blocked:
            return TaskDisposition(
                status: .todo, countsAsAttempt: false, flag: true,
                comment: "The agent is blocked and needs a person: \(reason ?? "no reason given")", commentKind: .question)
        case .cancelled:
            return TaskDisposition(
                status: .todo, countsAsAttempt: false, flag: true,
                comment: "The execution was cancelled\(reason.map { ": \($0)" } ?? ".") The task stays out of the queue until a person moves it again.",
                commentKind: .comment)
        }
    }
}
