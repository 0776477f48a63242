/// What a caller may do in a workspace: the permission matrix of plan §5.2, in one place.
public enum Action: String, Sendable, CaseIterable {
    case readWorkspace
    case updateWorkspace
    case deleteWorkspace
    case manageMembers
    case manageProjects
    case createTask
    case updateTask
    case deleteAnyTask
    case deleteOwnTask
    case comment
    case createAPIKey
    case manageAnyAPIKey
    case manageOwnSavedFilters
    case manageWorkers
    /// Stop a running agent (any member may: it's the "stop" button on the card).
    case cancelExecution
}

public enum Permission {
    /// The lowest role allowed to take each action.
    public static func minimumRole(for action: Action) -> Role {
        switch action {
        case .readWorkspace, .comment, .createAPIKey, .manageOwnSavedFilters: .viewer
        case .createTask, .updateTask, .deleteOwnTask, .cancelExecution: .member
        case .updateWorkspace, .manageMembers, .manageProjects, .deleteAnyTask, .manageAnyAPIKey, .manageWorkers: .admin
        case .deleteWorkspace: .owner
        }
    }

    public static func allows(_ role: Role, _ action: Action) -> Bool {
        role >= minimumRole(for: action)
    }

    /// Throws `AccessError.forbidden` naming the action when the role does not allow it.
    public static func check(_ role: Role, _ action: Action) throws {
        guard allows(role, action) else {
            throw AccessError.forbidden(action: action, role: role)
        }
    }
}
