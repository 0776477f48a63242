import TaskinfaCore

/// The workspace a store call works in and who is acting. Every workspace-owned query filters on
/// `workspaceID`, and the only way to get a scope is after a membership check (see `Access` in the
/// server), so an unscoped query can't be written by accident.
public struct WorkspaceScope: Sendable, Equatable {
    public let workspaceID: String
    public let actor: Actor
    public let role: Role
    /// What kind of credential the call came with (a person, a key, a worker, an agent).
    public let principal: Principal
    /// The person behind the call: the signed-in user, or the user who created the API key.
    public let userID: String
    /// Set when a bot calls (the worker's own key, or the key of one of its executions): its
    /// writes to a task are fenced by its claim.
    public let workerID: String?
    /// Set when the agent of an execution calls with that execution's key: it may write only to
    /// that execution and its task.
    public let executionID: String?
    /// The claim token the worker presented (`X-Taskinfa-Claim`), if any.
    public let claimToken: String?
    /// The scopes of the API key the call came with; nil for a signed-in person.
    public let keyScopes: Set<KeyScope>?
    /// The role the caller acts with in each project where they hold a project role (see
    /// `ProjectRole`); elsewhere, `role`.
    public let projectRoles: [String: Role]

    public init(
        workspaceID: String, actor: Actor, role: Role, principal: Principal = .person, userID: String,
        workerID: String? = nil, executionID: String? = nil, claimToken: String? = nil, keyScopes: Set<KeyScope>? = nil,
        projectRoles: [String: Role] = [:]
    ) {
        self.keyScopes = keyScopes
        self.projectRoles = projectRoles
        self.workspaceID = workspaceID
        self.actor = actor
        self.role = role
        self.principal = principal
        self.userID = userID
        self.workerID = workerID
        self.executionID = executionID
        self.claimToken = claimToken
    }

    /// A bot: the worker process or its agent.
    public var isWorker: Bool { workerID != nil }

    /// Checks role and principal; `heldWork` means the caller must still hold the task it writes to.
    @discardableResult
    public func require(_ action: Action) throws -> Reach {
        try check(action, as: role)
    }

    /// The role the caller acts with in a project.
    public func role(inProject projectID: String?) -> Role {
        projectID.flatMap { projectRoles[$0] } ?? role
    }

    /// The check for an action on something in a project, once the project is known.
    @discardableResult
    public func require(_ action: Action, inProject projectID: String?) throws -> Reach {
        try check(action, as: role(inProject: projectID))
    }

    /// Before the project is known (the task isn't loaded yet): the action must be allowed by the
    /// workspace role or by one of the caller's project roles. `require(_:inProject:)` follows.
    @discardableResult
    public func requireInSomeProject(_ action: Action) throws -> Reach {
        try check(action, as: projectRoles.values.reduce(role, max))
    }

    private func check(_ action: Action, as role: Role) throws -> Reach {
        let reach = try Permission.check(role, action, as: principal)
        if let keyScopes {
            let needed = KeyScope.required(for: action)
            guard keyScopes.contains(needed) else {
                throw AccessError.refused("this API key's scopes (\(KeyScope.stored(keyScopes))) don't include \(needed.rawValue)")
            }
        }
        return reach
    }

    /// The server itself (the lease reaper): acts as the system, with every right.
    static func system(_ workspaceID: String) -> WorkspaceScope {
        WorkspaceScope(workspaceID: workspaceID, actor: .system, role: .owner, userID: "system")
    }
}
