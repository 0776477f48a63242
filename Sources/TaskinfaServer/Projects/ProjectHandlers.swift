import Foundation
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listProjects(_ input: Operations.ListProjects.Input) async throws -> Operations.ListProjects.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let projects = try await store.projects.list(scope)
        return .ok(.init(body: .json(.init(projects: projects.map(Components.Schemas.Project.init)))))
    }

    func createProject(_ input: Operations.CreateProject.Input) async throws -> Operations.CreateProject.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let draft = try ProjectDraft(
            name: body.name, key: body.key, description: body.description, repositoryURL: body.repositoryUrl,
            defaultBranch: body.defaultBranch)
        return .created(.init(body: .json(.init(try await store.projects.create(scope, draft)))))
    }

    func getProject(_ input: Operations.GetProject.Input) async throws -> Operations.GetProject.Output {
        let scope = try await access.project(input.path.projectId)
        return .ok(.init(body: .json(.init(try await store.projects.get(scope, id: input.path.projectId)))))
    }

    func updateProject(_ input: Operations.UpdateProject.Input) async throws -> Operations.UpdateProject.Output {
        let scope = try await access.project(input.path.projectId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let changes = try ProjectChanges(
            name: body.name, key: body.key, description: patch(body.description, "description"),
            repositoryURL: patch(body.repositoryUrl, "repository_url"), defaultBranch: body.defaultBranch)
        let project = try await store.projects.update(scope, id: input.path.projectId, changes)
        return .ok(.init(body: .json(.init(project))))
    }

    func deleteProject(_ input: Operations.DeleteProject.Input) async throws -> Operations.DeleteProject.Output {
        let scope = try await access.project(input.path.projectId)
        try await store.projects.delete(scope, id: input.path.projectId)
        return .noContent(.init())
    }
}
