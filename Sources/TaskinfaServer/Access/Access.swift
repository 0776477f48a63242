import TaskinfaCore
import TaskinfaStore

/// Turns "this caller wants that resource" into a `WorkspaceScope`, or into the 404 a non-member
/// gets (the same answer as for a resource that doesn't exist, so ids can't be probed).
struct Access: Sendable {
    let store: Store

    /// The signed-in caller, or 401.
    static func caller() throws -> Caller {
        guard let caller = RequestInfo.current.caller else {
            throw AccessError.unauthenticated("sign in, or send an API key as Authorization: Bearer tk_…")
        }
        return caller
    }

    /// A signed-in person (not an API key), for account-level actions.
    static func signedInUser() throws -> (User, Session) {
        guard case .user(let user, let session) = try caller() else {
            throw AccessError.refused("this action needs a signed-in user, not an API key")
        }
        return (user, session)
    }

    func workspace(_ workspaceID: String) async throws -> WorkspaceScope {
        let caller = try Self.caller()
        let scope = try await resolve(workspaceID, caller: caller)
        RequestInfo.current.responseNotes?.audit { $0.workspaceID = workspaceID }
        return scope
    }

    private func resolve(_ workspaceID: String, caller: Caller) async throws -> WorkspaceScope {
        switch caller {
        case .user(let user, _):
            guard let membership = try await store.workspaces.access(userID: user.id, workspaceID: workspaceID) else {
                throw NotFoundError("workspace", id: workspaceID)
            }
            // Checked here, where every operation finds its workspace, so that no route can forget it.
            if membership.requiresTwoFactor && !user.twoFactorEnabled { throw AccessError.secondFactorEnrolmentNeeded }
            return WorkspaceScope(
                workspaceID: workspaceID, actor: caller.actor, role: membership.role, userID: user.id,
                projectRoles: membership.projectRoles.mapValues { $0.effective(over: membership.role) })
        case .apiKey(let found):
            guard found.key.workspaceID == workspaceID else { throw NotFoundError("workspace", id: workspaceID) }
            // A person's key carries its creator's project roles, never above the key's own role;
            // bots work by their claims, not by project. A key acting as admin or owner has a
            // creator who runs the workspace, whom no project role changes: no lookup.
            var projectRoles: [String: Role] = [:]
            if found.key.workerID == nil, found.role < .admin, let creator = try await store.workspaces.access(userID: found.user.id, workspaceID: workspaceID) {
                projectRoles = creator.projectRoles.mapValues { $0.effective(over: creator.role, keyRole: found.key.role) }
            }
            return WorkspaceScope(
                workspaceID: workspaceID, actor: caller.actor, role: found.role, principal: found.key.principal,
                userID: found.user.id, workerID: found.key.workerID, executionID: found.key.executionID,
                claimToken: RequestInfo.current.claimToken, keyScopes: found.key.scopes, projectRoles: projectRoles)
        }
    }

    /// The workspaces the caller may see: all memberships, or the key's one workspace.
    func workspaceIDs() async throws -> [String] {
        switch try Self.caller() {
        case .user(let user, _): try await store.workspaces.memberships(userID: user.id).map(\.workspace.id)
        case .apiKey(let found): [found.key.workspaceID]
        }
    }

    /// The scope of the workspace holding a task (by id or key).
    func task(_ ref: String) async throws -> WorkspaceScope {
        guard let workspaceID = try await store.tasks.locate(ref, among: workspaceIDs()) else {
            throw NotFoundError("task", id: ref)
        }
        return try await workspace(workspaceID)
    }

    /// Like `task`, but also finds a deleted task through its events (for its activity feed).
    func taskHistory(_ ref: String) async throws -> WorkspaceScope {
        if let scope = try? await task(ref) { return scope }
        for workspaceID in try await workspaceIDs() {
            let scope = try await workspace(workspaceID)
            if (try? await store.events.activity(scope, taskRef: ref, before: nil, limit: 1)) != nil { return scope }
        }
        throw NotFoundError("task", id: ref)
    }

    func project(_ projectID: String) async throws -> WorkspaceScope {
        try await owned(by: store.projects.workspaceOf(projectID: projectID), resource: "project", id: projectID)
    }

    func apiKey(_ keyID: String) async throws -> WorkspaceScope {
        try await owned(by: store.apiKeys.workspaceOf(keyID: keyID), resource: "api_key", id: keyID)
    }

    func worker(_ workerID: String) async throws -> WorkspaceScope {
        try await owned(by: store.workers.workspaceOf(workerID: workerID), resource: "worker", id: workerID)
    }

    /// The worker itself (its own key) acting on its own record: heartbeats and claims.
    func workerSelf(_ workerID: String) async throws -> WorkspaceScope {
        let scope = try await worker(workerID)
        guard scope.workerID == workerID else {
            throw AccessError.refused("only the worker's own key can do this")
        }
        return scope
    }

    func savedFilter(_ filterID: String) async throws -> WorkspaceScope {
        try await owned(by: store.savedFilters.workspaceOf(filterID: filterID), resource: "saved_filter", id: filterID)
    }

    private func owned(by workspaceID: String?, resource: String, id: String) async throws -> WorkspaceScope {
        guard let workspaceID else { throw NotFoundError(resource, id: id) }
        do {
            return try await workspace(workspaceID)
        } catch is NotFoundError {
            throw NotFoundError(resource, id: id)
        }
    }
}
