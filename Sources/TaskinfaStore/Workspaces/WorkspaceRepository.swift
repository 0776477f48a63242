import Foundation
import SQLKit
import TaskinfaCore

/// Workspaces and their members.
public struct WorkspaceRepository: Sendable {
    let store: Store

    /// The workspaces a user is an active member of, with their role, oldest first.
    public func memberships(userID: String) async throws -> [WorkspaceMembership] {
        try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT w.*, m.role FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
                WHERE m.user_id = \(bind: userID) AND m.status = 'active'
                ORDER BY w.created_at, w.id
                """
            ).all().map { row in
                WorkspaceMembership(workspace: try Self.workspace(from: row), role: try Role.parse(row.string("role")))
            }
        }
    }

    /// What a member may do here: their role, their roles in projects, and whether the workspace
    /// demands a second factor of its members; nil when they are not an active member (or it
    /// doesn't exist).
    public struct Access: Sendable {
        public var role: Role
        public var projectRoles: [String: ProjectRole]
        public var requiresTwoFactor: Bool
    }

    public func access(userID: String, workspaceID: String) async throws -> Access? {
        try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT m.role, w.require_two_factor FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
                    WHERE m.workspace_id = \(bind: workspaceID) AND m.user_id = \(bind: userID) AND m.status = 'active'
                    """
                ).first()
            else { return nil }
            var projectRoles: [String: ProjectRole] = [:]
            for project in try await sql.raw(
                "SELECT project_id, role FROM project_members WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)"
            ).all() {
                projectRoles[try project.string("project_id")] = try ProjectRole.parse(project.string("role"))
            }
            return Access(
                role: try Role.parse(row.string("role")), projectRoles: projectRoles, requiresTwoFactor: try row.int("require_two_factor") != 0)
        }
    }

    public func create(name: String, description: String?, owner: User) async throws -> Workspace {
        let now = store.now()
        let workspace = Workspace(
            id: store.random.id(.workspace), name: name, description: description, createdAt: now, updatedAt: now)
        try await store.database.write(workspace: nil) { sql in
            try await Self.insert(workspace, owner: owner, on: sql)
        }
        return workspace
    }

    /// Inserts a workspace with its owner membership and its first event.
    static func insert(_ workspace: Workspace, owner: User, on sql: any SQLDatabase) async throws {
        let now = workspace.createdAt.milliseconds
        try await sql.raw(
            """
            INSERT INTO workspaces (id, name, description, created_by, created_at, updated_at)
            VALUES (\(bind: workspace.id), \(bind: workspace.name), \(bind: workspace.description), \(bind: owner.id),
                    \(bind: now), \(bind: now))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO workspace_members (workspace_id, user_id, role, joined_at)
            VALUES (\(bind: workspace.id), \(bind: owner.id), 'owner', \(bind: now))
            """
        ).run()
        let actor = Actor(type: .user, id: owner.id, name: owner.name)
        try await EventLog.append(
            EventDraft(type: .workspaceCreated, actor: actor, payload: EventPayload.WorkspaceSnapshot(workspace: workspace)),
            workspace: workspace.id, on: sql, at: workspace.createdAt)
    }

    /// A new membership and its `member.joined` event (an accepted invitation, a sign-in by domain).
    static func addMember(_ user: User, role: Role, to workspaceID: String, invitedBy: String?, on sql: any SQLDatabase, at now: Date)
        async throws
    {
        try await sql.raw(
            """
            INSERT INTO workspace_members (workspace_id, user_id, role, invited_by, joined_at)
            VALUES (\(bind: workspaceID), \(bind: user.id), \(bind: role.rawValue), \(bind: invitedBy), \(bind: now.milliseconds))
            """
        ).run()
        try await EventLog.append(
            EventDraft(
                type: .memberJoined, actor: Actor(type: .user, id: user.id, name: user.name),
                payload: EventPayload.MemberSnapshot(userID: user.id, name: user.name, role: role)),
            workspace: workspaceID, on: sql, at: now)
    }

    public func get(_ scope: WorkspaceScope) async throws -> Workspace {
        try await store.database.read { sql in
            guard let row = try await sql.raw("SELECT * FROM workspaces WHERE id = \(bind: scope.workspaceID)").first()
            else { throw NotFoundError("workspace", id: scope.workspaceID) }
            return try Self.workspace(from: row)
        }
    }

    public func update(
        _ scope: WorkspaceScope, name: String?, description: String??, requireTwoFactor: Bool? = nil, auditRetentionDays: Int? = nil,
        ssoDomains: [String]? = nil, ssoRole: Role? = nil
    ) async throws -> Workspace {
        try scope.require(.updateWorkspace)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            guard let row = try await sql.raw("SELECT * FROM workspaces WHERE id = \(bind: scope.workspaceID)").first()
            else { throw NotFoundError("workspace", id: scope.workspaceID) }
            var workspace = try Self.workspace(from: row)
            if let name { workspace.name = name }
            if let description { workspace.description = description }
            if let requireTwoFactor { workspace.requireTwoFactor = requireTwoFactor }
            if let auditRetentionDays { workspace.auditRetentionDays = auditRetentionDays }
            if let ssoDomains { workspace.ssoDomains = ssoDomains }
            if let ssoRole { workspace.ssoRole = ssoRole }
            workspace.updatedAt = now
            try await sql.raw(
                """
                UPDATE workspaces SET name = \(bind: workspace.name), description = \(bind: workspace.description),
                       require_two_factor = \(bind: workspace.requireTwoFactor ? 1 : 0),
                       audit_retention_days = \(bind: workspace.auditRetentionDays),
                       sso_domains = \(bind: workspace.ssoDomains.isEmpty ? nil : workspace.ssoDomains.joined(separator: ",")),
                       sso_role = \(bind: workspace.ssoRole.rawValue),
                       updated_at = \(bind: now.milliseconds)
                WHERE id = \(bind: scope.workspaceID)
                """
            ).run()
            try await EventLog.append(
                EventDraft(
                    type: .workspaceUpdated, actor: scope.actor, payload: EventPayload.WorkspaceSnapshot(workspace: workspace)),
                workspace: scope.workspaceID, on: sql, at: now)
            return workspace
        }
    }

    /// Deletes the workspace and everything in it (owners only).
    public func delete(_ scope: WorkspaceScope) async throws {
        try scope.require(.deleteWorkspace)
        try await store.database.write(workspace: scope.workspaceID) { sql in
            // Children first where a foreign key does not cascade (tasks → projects).
            try await sql.raw("DELETE FROM tasks WHERE workspace_id = \(bind: scope.workspaceID)").run()
            try await sql.raw("DELETE FROM workspaces WHERE id = \(bind: scope.workspaceID)").run()
        }
    }

    public func members(_ scope: WorkspaceScope) async throws -> [Member] {
        try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT u.*, m.role, m.joined_at FROM workspace_members m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = \(bind: scope.workspaceID) AND m.status = 'active'
                ORDER BY m.joined_at, u.id
                """
            ).all().map { row in
                Member(
                    user: try AccountRepository.user(from: row), role: try Role.parse(row.string("role")),
                    joinedAt: try row.date("joined_at"))
            }
        }
    }

    /// Changes a member's role. Only owners grant or take away ownership, and a workspace always
    /// keeps at least one owner.
    public func setRole(_ scope: WorkspaceScope, userID: String, role: Role) async throws -> Member {
        try scope.require(.manageMembers)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let current = try await Self.memberRole(userID: userID, in: scope.workspaceID, on: sql)
            if (current == .owner || role == .owner) && scope.role != .owner {
                throw AccessError.refused("only an owner can grant or take away the owner role")
            }
            if current == .owner && role != .owner {
                try await Self.requireAnotherOwner(besides: userID, in: scope.workspaceID, on: sql)
            }
            try await sql.raw(
                """
                UPDATE workspace_members SET role = \(bind: role.rawValue)
                WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: userID)
                """
            ).run()
            return try await Self.member(userID: userID, in: scope.workspaceID, on: sql)
        }
    }

    /// Removes a member (admins), or lets members leave on their own. The last owner can't go.
    public func removeMember(_ scope: WorkspaceScope, userID: String) async throws {
        try scope.require(userID == scope.userID ? .leaveWorkspace : .manageMembers)
        try await store.database.write(workspace: scope.workspaceID) { sql in
            let current = try await Self.memberRole(userID: userID, in: scope.workspaceID, on: sql)
            if current == .owner {
                if scope.role != .owner { throw AccessError.refused("only an owner can remove an owner") }
                try await Self.requireAnotherOwner(besides: userID, in: scope.workspaceID, on: sql)
            }
            try await sql.raw(
                "DELETE FROM workspace_members WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: userID)"
            ).run()
            // Someone who leaves and comes back starts without the project roles they had.
            try await sql.raw(
                "DELETE FROM project_members WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: userID)"
            ).run()
        }
    }

    /// The member becomes owner and the caller (an owner) admin, in one transaction: the workspace
    /// is never without an owner, nor with one more than was meant.
    public func transferOwnership(_ scope: WorkspaceScope, to userID: String) async throws -> Member {
        try scope.require(.transferWorkspace)
        guard userID != scope.userID else {
            throw ValidationError(field: "user_id", message: "is you; choose another member to hand the workspace to")
        }
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            _ = try await Self.memberRole(userID: userID, in: scope.workspaceID, on: sql)
            try await sql.raw(
                "UPDATE workspace_members SET role = 'owner' WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: userID)"
            ).run()
            try await sql.raw(
                """
                UPDATE workspace_members SET role = 'admin'
                WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: scope.userID)
                """
            ).run()
            return try await Self.member(userID: userID, in: scope.workspaceID, on: sql)
        }
    }

    private static func member(userID: String, in workspaceID: String, on sql: any SQLDatabase) async throws -> Member {
        guard
            let row = try await sql.raw(
                """
                SELECT u.*, m.role, m.joined_at FROM workspace_members m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = \(bind: workspaceID) AND m.user_id = \(bind: userID)
                """
            ).first()
        else { throw NotFoundError("member", id: userID) }
        return Member(
            user: try AccountRepository.user(from: row), role: try Role.parse(row.string("role")), joinedAt: try row.date("joined_at"))
    }

    private static func memberRole(userID: String, in workspaceID: String, on sql: any SQLDatabase) async throws -> Role {
        guard
            let row = try await sql.raw(
                "SELECT role FROM workspace_members WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)"
            ).first()
        else { throw NotFoundError("member", id: userID) }
        return try Role.parse(row.string("role"))
    }

    private static func requireAnotherOwner(besides userID: String, in workspaceID: String, on sql: any SQLDatabase)
        async throws
    {
        let others = try await sql.raw(
            """
            SELECT COUNT(*) AS owners FROM workspace_members
            WHERE workspace_id = \(bind: workspaceID) AND role = 'owner' AND status = 'active' AND user_id <> \(bind: userID)
            """
        ).first()?.int("owners") ?? 0
        if others == 0 {
            throw ConflictError("a workspace must keep at least one owner; make someone else owner first", field: "role")
        }
    }

    static func workspace(from row: any SQLRow) throws -> Workspace {
        Workspace(
            id: try row.string("id"), name: try row.string("name"), description: try row.optionalString("description"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            requireTwoFactor: try row.contains(column: "require_two_factor") && row.int("require_two_factor") != 0,
            auditRetentionDays: row.contains(column: "audit_retention_days")
                ? try row.int("audit_retention_days") : Workspace.defaultAuditRetentionDays,
            ssoDomains: (row.contains(column: "sso_domains") ? try row.optionalString("sso_domains") : nil)?
                .split(separator: ",").map(String.init) ?? [],
            ssoRole: row.contains(column: "sso_role") ? try Role.parse(row.string("sso_role")) : .member)
    }
}
