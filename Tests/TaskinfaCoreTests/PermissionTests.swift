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
        (.owner, .deleteWorkspace, true),
    ])
    func theMatrixAllowsWhatPlan52Says(role: Role, action: Action, allowed: Bool) {
        #expect(Permission.allows(role, action) == allowed)
    }

    @Test func aRefusalNamesTheActionAndRole() {
        #expect(throws: AccessError.forbidden(action: .createTask, role: .viewer)) {
            try Permission.check(.viewer, .createTask)
        }
    }
}
