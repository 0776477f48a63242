import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listProjectMembers(_ input: Operations.ListProjectMembers.Input) async throws -> Operations.ListProjectMembers.Output {
        let scope = try await access.project(input.path.projectId)
        let members = try await store.projectMembers.list(scope, projectID: input.path.projectId)
        return .ok(.init(body: .json(.init(members: members.map(Components.Schemas.ProjectMember.init)))))
    }

    func setProjectMember(_ input: Operations.SetProjectMember.Input) async throws -> Operations.SetProjectMember.Output {
        let scope = try await access.project(input.path.projectId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "role", message: "must be JSON") }
        let member = try await store.projectMembers.set(
            scope, projectID: input.path.projectId, userID: input.path.userId, role: try ProjectRole.parse(body.role.rawValue))
        return .ok(.init(body: .json(.init(member))))
    }

    func removeProjectMember(_ input: Operations.RemoveProjectMember.Input) async throws -> Operations.RemoveProjectMember.Output {
        let scope = try await access.project(input.path.projectId)
        try await store.projectMembers.remove(scope, projectID: input.path.projectId, userID: input.path.userId)
        return .noContent(.init())
    }
}
