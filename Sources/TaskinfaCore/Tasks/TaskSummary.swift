/// What a card shows about a task's surroundings: its conversation, its subtasks, and whether it
/// waits for unfinished work. Read with the task in lists and single reads; never stored.
public struct TaskSummary: Equatable, Sendable {
    public var comments: Int
    public var subtasks: Int
    public var subtasksDone: Int
    /// Some task it waits for (`blocks`) is not done.
    public var blocked: Bool

    public init(comments: Int, subtasks: Int, subtasksDone: Int, blocked: Bool) {
        self.comments = comments
        self.subtasks = subtasks
        self.subtasksDone = subtasksDone
        self.blocked = blocked
    }
}
