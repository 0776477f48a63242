import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listWorkspaces(_ input: Operations.ListWorkspaces.Input) async throws -> Operations.ListWorkspaces.Output {
        switch try Access.caller() {
        case .user(let user, _):
            let memberships = try await store.workspaces.memberships(userID: user.id)
            return .ok(.init(body: .json(.init(workspaces: memberships.map { .init($0.workspace, role: $0.role) }))))
        case .apiKey(let found):
            let workspace = try await store.workspaces.get(try await access.workspace(found.key.workspaceID))
            return .ok(.init(body: .json(.init(workspaces: [.init(workspace, role: found.role)]))))
        }
    }

    func createWorkspace(_ input: Operations.CreateWorkspace.Input) async throws -> Operations.CreateWorkspace.Output {
        let (user, _) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try Workspace.validName(body.name) }
        let description = validator.check {
            try TextRules.body(body.description, field: "description", maxLength: Workspace.maxDescriptionLength)
        }
        try validator.throwIfInvalid()
        let workspace = try await store.workspaces.create(name: name!, description: description ?? nil, owner: user)
        return .created(.init(body: .json(.init(workspace, role: .owner))))
    }

    func getWorkspace(_ input: Operations.GetWorkspace.Input) async throws -> Operations.GetWorkspace.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        return .ok(.init(body: .json(.init(try await store.workspaces.get(scope), role: scope.role))))
    }

    func updateWorkspace(_ input: Operations.UpdateWorkspace.Input) async throws -> Operations.UpdateWorkspace.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try body.name.map(Workspace.validName) }
        let description = validator.check {
            try patch(body.description, "description").map {
                try TextRules.body($0, field: "description", maxLength: Workspace.maxDescriptionLength)
            }
        }
        let retention = validator.check { try body.auditRetentionDays.map(Workspace.validAuditRetention) }
        let domains = validator.check { try body.ssoDomains.map { try SingleSignOnRules.domains($0) } }
        let joinRole = validator.check { try body.ssoRole.map { try SingleSignOnRules.joinRole(try Role.parse($0.rawValue, field: "sso_role")) } }
        if body.requireTwoFactor == true {
            // Whoever turns it on must already pass it, or the workspace locks them out first.
            validator.check {
                guard case .user(let user, _) = try Access.caller(), user.twoFactorEnabled else {
                    throw ValidationError(field: "require_two_factor", message: "turn on two-factor sign-in for your own account first")
                }
            }
        }
        try validator.throwIfInvalid()
        let workspace = try await store.workspaces.update(
            scope, name: name ?? nil, description: description ?? nil, requireTwoFactor: body.requireTwoFactor,
            auditRetentionDays: retention ?? nil, ssoDomains: domains ?? nil, ssoRole: joinRole ?? nil)
        return .ok(.init(body: .json(.init(workspace, role: scope.role))))
    }

    func deleteWorkspace(_ input: Operations.DeleteWorkspace.Input) async throws -> Operations.DeleteWorkspace.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        try await store.workspaces.delete(scope)
        return .noContent(.init())
    }

    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let members = try await store.workspaces.members(scope)
        return .ok(.init(body: .json(.init(members: members.map(Components.Schemas.Member.init)))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let member = try await store.workspaces.setRole(scope, userID: input.path.userId, role: body.role.domain)
        return .ok(.init(body: .json(.init(member))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        try await store.workspaces.removeMember(scope, userID: input.path.userId)
        return .noContent(.init())
    }

    func transferOwnership(_ input: Operations.TransferOwnership.Input) async throws -> Operations.TransferOwnership.Output {
        _ = try Access.signedInUser()
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let member = try await store.workspaces.transferOwnership(scope, to: body.userId)
        return .ok(.init(body: .json(.init(member))))
    }
}
