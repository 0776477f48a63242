/// What a caller may do in a workspace: the permission matrix of plan §5.2, in one place.
public enum Action: String, Sendable, CaseIterable {
    case readWorkspace
    case updateWorkspace
    case deleteWorkspace
    /// Hand the workspace to another member (they become owner, the caller admin).
    case transferWorkspace
    case manageMembers
    /// Leave a workspace of one's own accord.
    case leaveWorkspace
    case manageProjects
    case createTask
    case updateTask
    case deleteAnyTask
    case deleteOwnTask
    case comment
    /// Create, list, rename and revoke one's own API keys.
    case manageOwnAPIKeys
    /// The same for everybody's keys.
    case manageAnyAPIKey
    case manageOwnSavedFilters
    /// Add or remove a bot worker (adding one mints its key).
    case registerWorkers
    /// Change a worker's name, specialisations and configuration.
    case configureWorkers
    /// Stop a running agent (any member may: it's the "stop" button on the card).
    case cancelExecution
    /// What only a worker process does: heartbeats, claims, shipping logs, reporting an outcome.
    case runExecutions
    /// Say the agent is done with its task (MCP `complete_execution`).
    case completeExecution
    /// Approve an agent's work in review or send it back with comments: a person's call, never a bot's.
    case reviewWork
    /// Read and export the workspace's audit log.
    case readAuditLog
}

/// Who holds the credential a request came with. The role says how much a member may do; the
/// principal says which kinds of action the credential may take at all. A leaked key must not be
/// able to make more keys or change who belongs to the workspace, and a bot (the worker process,
/// or the agent it runs) touches only the work it holds.
public enum Principal: String, Sendable, CaseIterable {
    /// A person signed in with a session.
    case person
    /// A script with a person's API key: it acts as that person, within the key's role.
    case apiKey
    /// A bot worker process, with its own key.
    case worker
    /// The coding agent of one execution, with the key its worker handed it for that execution.
    case agent
}

/// How far an allowed action reaches.
public enum Reach: Sendable, Equatable {
    /// Not at all.
    case none
    /// Only the task (and execution) the bot holds a claim on: the store checks the claim.
    case heldWork
    /// Anywhere in the workspace.
    case workspace
}

public enum Permission {
    /// The lowest role allowed to take each action.
    public static func minimumRole(for action: Action) -> Role {
        switch action {
        case .readWorkspace, .comment, .manageOwnAPIKeys, .manageOwnSavedFilters, .leaveWorkspace: .viewer
        case .createTask, .updateTask, .deleteOwnTask, .cancelExecution, .runExecutions, .completeExecution, .reviewWork:
            .member
        case .updateWorkspace, .manageMembers, .manageProjects, .deleteAnyTask, .manageAnyAPIKey, .registerWorkers,
            .configureWorkers, .readAuditLog:
            .admin
        case .deleteWorkspace, .transferWorkspace: .owner
        }
    }

    /// Where a principal may take an action (before its role is considered).
    public static func reach(of principal: Principal, for action: Action) -> Reach {
        switch (principal, action) {
        case (.person, .runExecutions), (.person, .completeExecution):
            return .none
        case (.person, _):
            return .workspace
        // A key is a person's script: it works the board, but never manages keys, members, workers'
        // keys or the workspace's existence — those take a person who signed in.
        case (.apiKey, .manageOwnAPIKeys), (.apiKey, .manageAnyAPIKey), (.apiKey, .manageMembers),
            (.apiKey, .leaveWorkspace), (.apiKey, .registerWorkers), (.apiKey, .deleteWorkspace), (.apiKey, .transferWorkspace), (.apiKey, .runExecutions),
            (.apiKey, .completeExecution):
            return .none
        case (.apiKey, _):
            return .workspace
        // Bots read and comment on the board (their comments show as a bot's) and write only to
        // what they hold: the task of their claim (its fields, its column, subtasks under it and its
        // dependencies) and their execution.
        case (.worker, .readWorkspace), (.agent, .readWorkspace), (.worker, .comment), (.agent, .comment):
            return .workspace
        case (.worker, .runExecutions):
            return .heldWork
        case (.worker, .createTask), (.worker, .updateTask), (.worker, .completeExecution),
            (.agent, .createTask), (.agent, .updateTask), (.agent, .completeExecution):
            return .heldWork
        case (.worker, _), (.agent, _):
            return .none
        }
    }

    public static func allows(_ role: Role, _ action: Action, as principal: Principal = .person) -> Bool {
        reach(of: principal, for: action) != .none && role >= minimumRole(for: action)
    }

    /// Throws when the principal may not take the action at all, or the role is too low; otherwise
    /// says how far it reaches (`heldWork`: the caller must still prove its claim).
    @discardableResult
    public static func check(_ role: Role, _ action: Action, as principal: Principal = .person) throws -> Reach {
        let reach = reach(of: principal, for: action)
        guard reach != .none else { throw AccessError.refused(refusal(principal, action)) }
        guard role >= minimumRole(for: action) else {
            throw AccessError.forbidden(action: action, role: role)
        }
        return reach
    }

    /// Why a principal can't take an action, in words a person can act on.
    static func refusal(_ principal: Principal, _ action: Action) -> String {
        switch principal {
        case .person:
            return "only a bot worker's own key can do this"
        case .apiKey:
            return "an API key can't do this (\(action.rawValue)); sign in as a person"
        case .worker, .agent:
            let who = principal == .worker ? "a worker" : "an agent"
            switch action {
            case .runExecutions: return "only the worker process itself can do this, with its own key"
            default: return "\(who) can't do this (\(action.rawValue)); it works only on the task it holds"
            }
        }
    }
}
