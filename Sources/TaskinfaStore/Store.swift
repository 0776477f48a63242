import Foundation
import TaskinfaCore

/// Every repository over one database, with the clock and randomness they stamp rows with.
public struct Store: Sendable {
    public let database: Database
    public let clock: Clock
    public let random: SecureRandom
    let batches: WriteBatches

    public init(database: Database, clock: Clock = .live, random: SecureRandom = .live) {
        self.database = database
        self.clock = clock
        self.random = random
        self.batches = WriteBatches(database: database)
    }

    /// The current time at the precision it is stored with (milliseconds), so that a value read
    /// back equals the one written and events agree with rows.
    public func now() -> Date {
        Timestamp.date(milliseconds: Timestamp.milliseconds(clock.now()))
    }

    public var accounts: AccountRepository { AccountRepository(store: self) }
    public var workspaces: WorkspaceRepository { WorkspaceRepository(store: self) }
    public var apiKeys: APIKeyRepository { APIKeyRepository(store: self) }
    public var projects: ProjectRepository { ProjectRepository(store: self) }
    public var tasks: TaskRepository { TaskRepository(store: self) }
    public var comments: CommentRepository { CommentRepository(store: self) }
    public var events: EventRepository { EventRepository(store: self) }
    public var savedFilters: SavedFilterRepository { SavedFilterRepository(store: self) }
    public var workers: WorkerRepository { WorkerRepository(store: self) }
    public var executions: ExecutionRepository { ExecutionRepository(store: self) }
    public var diffs: ExecutionDiffs { ExecutionDiffs(store: self) }
    public var reviews: ReviewRepository { ReviewRepository(store: self) }
    public var analytics: AnalyticsRepository { AnalyticsRepository(store: self) }
    public var overview: OverviewRepository { OverviewRepository(store: self) }
    public var dependencies: DependencyRepository { DependencyRepository(store: self) }
    public var invitations: InvitationRepository { InvitationRepository(store: self) }
    public var mailOutbox: MailOutbox { MailOutbox(store: self) }
    public var rateLimits: RateLimitRepository { RateLimitRepository(store: self) }
    public var streamAdmission: StreamAdmissionRepository { StreamAdmissionRepository(store: self) }
    public var sealedSecrets: SealedSecrets { SealedSecrets(store: self) }
    public var audit: AuditRepository { AuditRepository(store: self) }
    public var singleSignOn: SingleSignOnRepository { SingleSignOnRepository(store: self) }
    public var projectMembers: ProjectMemberRepository { ProjectMemberRepository(store: self) }
}
