import Foundation
import SQLKit
import TaskinfaCore

/// Who holds which role in a project. Admins and the project's leads manage them; only members of
/// the workspace can hold one.
public struct ProjectMemberRepository: Sendable {
    let store: Store

    public func list(_ scope: WorkspaceScope, projectID: String) async throws -> [ProjectMember] {
        try await store.database.read { sql in
            _ = try await ProjectRepository.load(projectID, scope: scope, on: sql)
            return try await sql.raw(
                """
                SELECT u.*, pm.role AS project_role, m.role AS workspace_role FROM project_members pm
                JOIN users u ON u.id = pm.user_id
                JOIN workspace_members m ON m.workspace_id = pm.workspace_id AND m.user_id = pm.user_id AND m.status = 'active'
                WHERE pm.project_id = \(bind: projectID) AND pm.workspace_id = \(bind: scope.workspaceID)
                ORDER BY u.name, u.id
                """
            ).all().map { row in
                ProjectMember(
                    user: try AccountRepository.user(from: row), workspaceRole: try Role.parse(row.string("workspace_role")),
                    role: try ProjectRole.parse(row.string("project_role")))
            }
        }
    }

    /// Gives a member a role in the project (or changes it).
    public func set(_ scope: WorkspaceScope, projectID: String, userID: String, role: ProjectRole) async throws -> ProjectMember {
        try scope.require(.manageProjects, inProject: projectID)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            _ = try await ProjectRepository.load(projectID, scope: scope, on: sql)
            guard
                let member = try await sql.raw(
                    """
                    SELECT u.*, m.role AS workspace_role FROM workspace_members m JOIN users u ON u.id = m.user_id
                    WHERE m.workspace_id = \(bind: scope.workspaceID) AND m.user_id = \(bind: userID) AND m.status = 'active'
                    """
                ).first()
            else { throw ValidationError(field: "user_id", message: "is not a member of this workspace") }
            // A lead may not make someone else a lead: widening stays with the workspace's admins.
            if role == .lead && scope.role < .admin {
                throw AccessError.refused("only an admin makes someone a project lead")
            }
            try await sql.raw(
                """
                INSERT INTO project_members (project_id, workspace_id, user_id, role, created_at)
                VALUES (\(bind: projectID), \(bind: scope.workspaceID), \(bind: userID), \(bind: role.rawValue), \(bind: now.milliseconds))
                ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role
                """
            ).run()
            return ProjectMember(
                user: try AccountRepository.user(from: member), workspaceRole: try Role.parse(member.string("workspace_role")), role: role)
        }
    }

    /// Takes the role away; taking away a role nobody holds is done already.
    public func remove(_ scope: WorkspaceScope, projectID: String, userID: String) async throws {
        try scope.require(.manageProjects, inProject: projectID)
        try await store.database.write(workspace: scope.workspaceID) { sql in
            _ = try await ProjectRepository.load(projectID, scope: scope, on: sql)
            try await sql.raw(
                """
                DELETE FROM project_members WHERE project_id = \(bind: projectID) AND workspace_id = \(bind: scope.workspaceID)
                  AND user_id = \(bind: userID)
                """
            ).run()
        }
    }
}
