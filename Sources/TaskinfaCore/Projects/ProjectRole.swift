/// A member's role in one project (plan §5.2, project-level permissions), which narrows or widens
/// what their workspace role lets them do there: a lead runs the project (its settings, anyone's
/// tasks), a contributor works its board, a viewer reads and comments. Admins and owners keep
/// their own role everywhere: a project role never narrows who runs the workspace.
public enum ProjectRole: String, CaseIterable, Sendable, Codable {
    case lead, contributor, viewer

    /// The role a person acts with inside the project.
    public func effective(over workspaceRole: Role) -> Role {
        guard workspaceRole < .admin else { return workspaceRole }
        switch self {
        case .lead: return .admin
        case .contributor: return .member
        case .viewer: return .viewer
        }
    }

    /// For a key: never more than the key's own role, nor than its creator's role in the project.
    public func effective(over workspaceRole: Role, keyRole: Role?) -> Role {
        let own = effective(over: workspaceRole)
        return keyRole.map { min($0, own) } ?? own
    }

    public static func parse(_ raw: String, field: String = "role") throws -> ProjectRole {
        guard let role = ProjectRole(rawValue: raw) else {
            throw ValidationError(field: field, message: "must be one of lead, contributor, viewer")
        }
        return role
    }
}

/// A person's role in a project, for the project's people list.
public struct ProjectMember: Equatable, Sendable {
    public var user: User
    public var workspaceRole: Role
    public var role: ProjectRole

    public init(user: User, workspaceRole: Role, role: ProjectRole) {
        self.user = user
        self.workspaceRole = workspaceRole
        self.role = role
    }
}
