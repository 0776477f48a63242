import Testing

@testable import TaskinfaCore

@Suite struct PermissionTests {
    @Test func rolesAreOrdered() {
        #expect(Role.viewer < Role.member && Role.member < Role.admin && Role.admin < Role.owner)
    }

    @Test(arguments: [
        (Role.viewer, Action.readWorkspace, true), (.viewer, .comment, true), (.viewer, .createTask, false),
        (.viewer, .updateTask, false), (.member, .createTask, true), (.member, .updateTask, true),
        (.member, .deleteOwnTask, true), (.member, .deleteAnyTask, false), (.member, .manageProjects, false),
        (.admin, .manageProjects, true), (.admin, .manageMembers, true), (.admin, .deleteWorkspace, false),
        (.owner, .deleteWorkspace, true), (.member, .registerWorkers, false), (.admin, .registerWorkers, true),
    ])
    func theMatrixAllowsWhatPlan52Says(role: Role, action: Action, allowed: Bool) {
        #expect(Permission.allows(role, action) == allowed)
    }

    @Test func aRefusalNamesTheActionAndRole() {
        #expect(throws: AccessError.forbidden(action: .createTask, role: .viewer)) {
            try Permission.check(.viewer, .createTask)
        }
    }

    /// Keys and members are a signed-in person's business: no key, however high its role, reaches them.
    @Test(arguments: [
        Action.manageOwnAPIKeys, .manageAnyAPIKey, .manageMembers, .leaveWorkspace, .registerWorkers, .deleteWorkspace,
    ])
    func noKeyManagesKeysOrMembers(action: Action) {
        for principal in [Principal.apiKey, .worker, .agent] {
            #expect(Permission.reach(of: principal, for: action) == .none, "\(principal)")
            #expect(throws: AccessError.self) { try Permission.check(.owner, action, as: principal) }
        }
        #expect(Permission.reach(of: .person, for: action) == .workspace)
    }

    @Test func botsReadEverythingAndWriteOnlyWhatTheyHold() {
        for principal in [Principal.worker, .agent] {
            #expect(Permission.reach(of: principal, for: .readWorkspace) == .workspace)
            #expect(Permission.reach(of: principal, for: .comment) == .workspace)
            for action in [Action.createTask, .updateTask, .completeExecution] {
                #expect(Permission.reach(of: principal, for: action) == .heldWork, "\(principal) \(action)")
            }
            for action in Action.allCases
            where ![.readWorkspace, .comment, .createTask, .updateTask, .completeExecution, .runExecutions].contains(action) {
                #expect(Permission.reach(of: principal, for: action) == .none, "\(principal) \(action)")
            }
        }
        // Heartbeats, claims, logs and reports are the worker process's alone, not its agent's.
        #expect(Permission.reach(of: .worker, for: .runExecutions) == .heldWork)
        #expect(Permission.reach(of: .agent, for: .runExecutions) == .none)
        #expect(Permission.reach(of: .person, for: .runExecutions) == .none)
        #expect(Permission.reach(of: .apiKey, for: .runExecutions) == .none)
    }

    @Test func aKeyStillWorksTheBoardWithinItsRole() {
        #expect(Permission.allows(.member, .createTask, as: .apiKey))
        #expect(Permission.allows(.admin, .manageProjects, as: .apiKey))
        #expect(Permission.allows(.admin, .configureWorkers, as: .apiKey))
        #expect(!Permission.allows(.viewer, .createTask, as: .apiKey))
    }
}
