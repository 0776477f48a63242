import TaskinfaCore

/// The workspace a store call works in and who is acting. Every workspace-owned query filters on
/// `workspaceID`, and the only way to get a scope is after a membership check (see `Access` in the
/// server), so an unscoped query can't be written by accident.
public struct WorkspaceScope: Sendable, Equatable {
    public let workspaceID: String
    public let actor: Actor
    public let role: Role
    /// The person behind the call: the signed-in user, or the user who created the API key.
    public let userID: String
    /// Set when a bot worker calls (with its own key): its writes to a task are fenced by its claim.
    public let workerID: String?
    /// The claim token the worker presented (`X-Taskinfa-Claim`), if any.
    public let claimToken: String?

    public init(
        workspaceID: String, actor: Actor, role: Role, userID: String, workerID: String? = nil, claimToken: String? = nil
    ) {
        self.workspaceID = workspaceID
        self.actor = actor
        self.role = role
        self.userID = userID
        self.workerID = workerID
        self.claimToken = claimToken
    }

    public var isWorker: Bool { workerID != nil }

    public func require(_ action: Action) throws {
        try Permission.check(role, action)
    }
}
