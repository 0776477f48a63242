import Foundation
import SQLKit
import TaskinfaCore

public struct ProjectRepository: Sendable {
    let store: Store

    public func list(_ scope: WorkspaceScope) async throws -> [Project] {
        try await store.database.read { sql in
            try await sql.raw(
                "SELECT * FROM projects WHERE workspace_id = \(bind: scope.workspaceID) ORDER BY name, id"
            ).all().map(Self.project(from:))
        }
    }

    /// The workspace a project belongs to, for routes addressed by project id.
    public func workspaceOf(projectID: String) async throws -> String? {
        try await store.database.read { sql in
            try await sql.raw("SELECT workspace_id FROM projects WHERE id = \(bind: projectID)").first()?.string("workspace_id")
        }
    }

    public func get(_ scope: WorkspaceScope, id: String) async throws -> Project {
        try await store.database.read { sql in try await Self.load(id, scope: scope, on: sql) }
    }

    public func create(_ scope: WorkspaceScope, _ draft: ProjectDraft) async throws -> Project {
        try scope.require(.manageProjects)
        let now = store.now()
        let project = Project(
            id: store.random.id(.project), workspaceID: scope.workspaceID, name: draft.name, key: draft.key,
            description: draft.description, repositoryURL: draft.repositoryURL, defaultBranch: draft.defaultBranch,
            createdAt: now, updatedAt: now)
        do {
            try await store.database.write(workspace: scope.workspaceID) { sql in
                try await sql.raw(
                    """
                    INSERT INTO projects (id, workspace_id, name, key, description, repository_url, default_branch,
                                          created_at, updated_at)
                    VALUES (\(bind: project.id), \(bind: project.workspaceID), \(bind: project.name), \(bind: project.key),
                            \(bind: project.description), \(bind: project.repositoryURL), \(bind: project.defaultBranch),
                            \(bind: now.milliseconds), \(bind: now.milliseconds))
                    """
                ).run()
                try await EventLog.append(
                    EventDraft(type: .projectCreated, actor: scope.actor, payload: EventPayload.ProjectSnapshot(project: project)),
                    workspace: scope.workspaceID, on: sql, at: now)
            }
        } catch where ConstraintViolation.isUnique(error) {
            throw ConflictError("another project in this workspace already uses the key \(draft.key)", field: "key")
        }
        return project
    }

    public func update(_ scope: WorkspaceScope, id: String, _ changes: ProjectChanges) async throws -> Project {
        try scope.require(.manageProjects, inProject: id)
        let now = store.now()
        do {
            return try await store.database.write(workspace: scope.workspaceID) { sql in
                let old = try await Self.load(id, scope: scope, on: sql)
                var project = old
                if let name = changes.name { project.name = name }
                if let key = changes.key { project.key = key }
                if let description = changes.description { project.description = description }
                if let url = changes.repositoryURL { project.repositoryURL = url }
                if let branch = changes.defaultBranch { project.defaultBranch = branch }
                let changed = project.changes(since: old)
                guard !changed.isEmpty else { return old }
                project.updatedAt = now
                try await sql.raw(
                    """
                    UPDATE projects SET name = \(bind: project.name), key = \(bind: project.key),
                           description = \(bind: project.description), repository_url = \(bind: project.repositoryURL),
                           default_branch = \(bind: project.defaultBranch), updated_at = \(bind: now.milliseconds)
                    WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspaceID)
                    """
                ).run()
                try await EventLog.append(
                    EventDraft(
                        type: .projectUpdated, actor: scope.actor,
                        payload: EventPayload.ProjectSnapshot(project: project, changes: changed)),
                    workspace: scope.workspaceID, on: sql, at: now)
                return project
            }
        } catch where ConstraintViolation.isUnique(error) {
            throw ConflictError("another project in this workspace already uses the key \(changes.key ?? "")", field: "key")
        }
    }

    /// Deletes an empty project; one that still holds tasks is a conflict (move or delete them first).
    public func delete(_ scope: WorkspaceScope, id: String) async throws {
        try scope.require(.manageProjects, inProject: id)
        let now = store.now()
        try await store.database.write(workspace: scope.workspaceID) { sql in
            let project = try await Self.load(id, scope: scope, on: sql)
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM tasks WHERE project_id = \(bind: id)").first()?.int("n") ?? 0
            if count > 0 {
                throw ConflictError("the project still holds \(count) task(s); move or delete them first")
            }
            try await sql.raw("DELETE FROM projects WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspaceID)").run()
            try await EventLog.append(
                EventDraft(type: .projectDeleted, actor: scope.actor, payload: EventPayload.ProjectSnapshot(project: project)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
    }

    static func load(_ id: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> Project {
        guard
            let row = try await sql.raw(
                "SELECT * FROM projects WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspaceID)"
            ).first()
        else { throw NotFoundError("project", id: id) }
        return try project(from: row)
    }

    static func project(from row: any SQLRow) throws -> Project {
        Project(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            key: try row.string("key"), description: try row.optionalString("description"),
            repositoryURL: try row.optionalString("repository_url"), defaultBranch: try row.string("default_branch"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
