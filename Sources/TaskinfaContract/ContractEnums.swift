import TaskinfaAPI
import TaskinfaCore

// The contract's enums and the domain's, case by case. Written as switches on purpose: when a
// case is added on either side, these stop compiling instead of crashing a running server on a
// value the other side doesn't know (`ContractEnumTests` checks that every case round-trips).

// A member's role.
extension Components.Schemas.Role {
    public init(_ value: Role) {
        switch value {
        case .owner: self = .owner
        case .admin: self = .admin
        case .member: self = .member
        case .viewer: self = .viewer
        }
    }

    public var domain: Role {
        switch self {
        case .owner: .owner
        case .admin: .admin
        case .member: .member
        case .viewer: .viewer
        }
    }
}

// A board column.
extension Components.Schemas.TaskStatus {
    public init(_ value: TaskStatus) {
        switch value {
        case .backlog: self = .backlog
        case .todo: self = .todo
        case .inProgress: self = .inProgress
        case .review: self = .review
        case .done: self = .done
        }
    }

    public var domain: TaskStatus {
        switch self {
        case .backlog: .backlog
        case .todo: .todo
        case .inProgress: .inProgress
        case .review: .review
        case .done: .done
        }
    }
}

// A task's priority.
extension Components.Schemas.TaskPriority {
    public init(_ value: TaskPriority) {
        switch value {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .urgent: self = .urgent
        }
    }

    public var domain: TaskPriority {
        switch self {
        case .low: .low
        case .medium: .medium
        case .high: .high
        case .urgent: .urgent
        }
    }
}

// How a task list is sorted.
extension Components.Schemas.TaskSort {
    public init(_ value: TaskSort) {
        switch value {
        case .position: self = .position
        case .createdAt: self = .createdAt
        case .updatedAt: self = .updatedAt
        case .priority: self = .priority
        case .dueDate: self = .dueDate
        case .title: self = .title
        case .relevance: self = .relevance
        }
    }

    public var domain: TaskSort {
        switch self {
        case .position: .position
        case .createdAt: .createdAt
        case .updatedAt: .updatedAt
        case .priority: .priority
        case .dueDate: .dueDate
        case .title: .title
        case .relevance: .relevance
        }
    }
}

// Which way a list is sorted.
extension Components.Schemas.SortOrder {
    public init(_ value: SortDirection) {
        switch value {
        case .asc: self = .asc
        case .desc: self = .desc
        }
    }

    public var domain: SortDirection {
        switch self {
        case .asc: .asc
        case .desc: .desc
        }
    }
}

// What a comment is.
extension Components.Schemas.CommentType {
    public init(_ value: CommentKind) {
        switch value {
        case .comment: self = .comment
        case .progress: self = .progress
        case .question: self = .question
        case .summary: self = .summary
        case .error: self = .error
        case .humanMessage: self = .humanMessage
        }
    }

    public var domain: CommentKind {
        switch self {
        case .comment: .comment
        case .progress: .progress
        case .question: .question
        case .summary: .summary
        case .error: .error
        case .humanMessage: .humanMessage
        }
    }
}

// Who did something.
extension Components.Schemas.Actor._TypePayload {
    public init(_ value: Actor.Kind) {
        switch value {
        case .user: self = .user
        case .bot: self = .bot
        case .system: self = .system
        }
    }

    public var domain: Actor.Kind {
        switch self {
        case .user: .user
        case .bot: .bot
        case .system: .system
        }
    }
}

// A worker's state.
extension Components.Schemas.WorkerStatus {
    public init(_ value: WorkerStatus) {
        switch value {
        case .idle: self = .idle
        case .working: self = .working
        case .error: self = .error
        case .offline: self = .offline
        }
    }

    public var domain: WorkerStatus {
        switch self {
        case .idle: .idle
        case .working: .working
        case .error: .error
        case .offline: .offline
        }
    }
}

// The agent CLI a worker drives.
extension Components.Schemas.WorkerConfiguration.ExecutorPayload {
    public init(_ value: ExecutorKind) {
        switch value {
        case .claude: self = .claude
        case .codex: self = .codex
        case .gemini: self = .gemini
        case .opencode: self = .opencode
        case .aider: self = .aider
        case .command: self = .command
        }
    }

    public var domain: ExecutorKind {
        switch self {
        case .claude: .claude
        case .codex: .codex
        case .gemini: .gemini
        case .opencode: .opencode
        case .aider: .aider
        case .command: .command
        }
    }
}

// Where a worker runs its agent.
extension Components.Schemas.WorkerConfiguration.SandboxPayload {
    public init(_ value: SandboxMode) {
        switch value {
        case .auto: self = .auto
        case .bubblewrap: self = .bubblewrap
        case .none: self = .none
        }
    }

    public var domain: SandboxMode {
        switch self {
        case .auto: .auto
        case .bubblewrap: .bubblewrap
        case .none: .none
        }
    }
}

// What an execution does.
extension Components.Schemas.Execution.KindPayload {
    public init(_ value: ExecutionKind) {
        switch value {
        case .task: self = .task
        case .reply: self = .reply
        }
    }

    public var domain: ExecutionKind {
        switch self {
        case .task: .task
        case .reply: .reply
        }
    }
}

// How an execution stands or ended.
extension Components.Schemas.Execution.StatusPayload {
    public init(_ value: ExecutionStatus) {
        switch value {
        case .running: self = .running
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .blocked: self = .blocked
        case .cancelled: self = .cancelled
        case .expired: self = .expired
        case .released: self = .released
        }
    }

    public var domain: ExecutionStatus {
        switch self {
        case .running: .running
        case .succeeded: .succeeded
        case .failed: .failed
        case .blocked: .blocked
        case .cancelled: .cancelled
        case .expired: .expired
        case .released: .released
        }
    }
}

// What a dependency means.
extension Components.Schemas.Dependency.KindPayload {
    public init(_ value: DependencyKind) {
        switch value {
        case .blocks: self = .blocks
        case .relatesTo: self = .relatesTo
        case .duplicates: self = .duplicates
        }
    }

    public var domain: DependencyKind {
        switch self {
        case .blocks: .blocks
        case .relatesTo: .relatesTo
        case .duplicates: .duplicates
        }
    }
}

// What a new dependency means.
extension Components.Schemas.AddDependencyRequest.KindPayload {
    public init(_ value: DependencyKind) {
        switch value {
        case .blocks: self = .blocks
        case .relatesTo: self = .relatesTo
        case .duplicates: self = .duplicates
        }
    }

    public var domain: DependencyKind {
        switch self {
        case .blocks: .blocks
        case .relatesTo: .relatesTo
        case .duplicates: .duplicates
        }
    }
}

// What a worker may report as an execution's outcome: every final status but `expired`, which only
// the server decides.
extension Components.Schemas.FinishExecutionRequest.OutcomePayload {
    public init?(_ status: ExecutionStatus) {
        switch status {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .blocked: self = .blocked
        case .cancelled: self = .cancelled
        case .released: self = .released
        case .running, .expired: return nil
        }
    }

    public var domain: ExecutionStatus {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .blocked: .blocked
        case .cancelled: .cancelled
        case .released: .released
        }
    }
}

// What an API key may be used for.
extension Components.Schemas.KeyScope {
    public init(_ value: KeyScope) {
        switch value {
        case .read: self = .read
        case .write: self = .write
        case .admin: self = .admin
        case .worker: self = .worker
        }
    }

    public var domain: KeyScope {
        switch self {
        case .read: .read
        case .write: .write
        case .admin: .admin
        case .worker: .worker
        }
    }
}

// Where an invitation stands.
extension Components.Schemas.Invitation.StatePayload {
    public init(_ value: Invitation.State) {
        switch value {
        case .pending: self = .pending
        case .expired: self = .expired
        case .accepted: self = .accepted
        case .revoked: self = .revoked
        }
    }

    public var domain: Invitation.State {
        switch self {
        case .pending: .pending
        case .expired: .expired
        case .accepted: .accepted
        case .revoked: .revoked
        }
    }
}

// How an e-mail fared.
extension Components.Schemas.MailDelivery.StatePayload {
    public init(_ value: MailDelivery.State) {
        switch value {
        case .queued: self = .queued
        case .sent: self = .sent
        case .failed: self = .failed
        }
    }

    public var domain: MailDelivery.State {
        switch self {
        case .queued: .queued
        case .sent: .sent
        case .failed: .failed
        }
    }
}
