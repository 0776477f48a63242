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

    public init(workspaceID: String, actor: Actor, role: Role, userID: String) {
        self.workspaceID = workspaceID
        self.actor = actor
        self.role = role
        self.userID = userID
    }

    public func require(_ action: Action) throws {
        try Permission.check(role, action)
    }
}
