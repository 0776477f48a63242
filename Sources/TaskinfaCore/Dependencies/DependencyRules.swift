/// What a `blocks` dependency means for the board.
public enum DependencyRules {
    /// A task that waits for unfinished work can't be planned (To Do) or started (In Progress):
    /// it would sit in the agents' queue without ever being claimable, or be worked on too early.
    /// It may stay where it already is; only entering these columns is refused.
    public static func needsFinishedBlockers(toEnter status: TaskStatus) -> Bool {
        status == .todo || status == .inProgress
    }

    /// The refusal, naming what the task waits for.
    public static func blocked(by keys: [String], entering status: TaskStatus) -> ConflictError {
        ConflictError(
            "it waits for \(keys.sorted().joined(separator: ", ")), not done yet; it can enter \(status.rawValue) once that is done",
            field: "status")
    }
}
