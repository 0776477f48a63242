import Foundation
import HTTPTypes
import TaskinfaCore
import TaskinfaServer
import Testing

/// Project roles narrow or widen a member's rights in one project, for them and their keys.
@Suite struct ProjectRoleTests {
    /// An owner with two projects, and a member and a viewer of the workspace.
    struct World {
        let owner: API.Account
        let member: API.Account
        let viewer: API.Account
        let web: String
        let ops: String
    }

    static func world(_ api: API) async throws -> World {
        let owner = try await api.signUp("Olga")
        var people: [API.Account] = []
        for (name, role) in [("Max", "member"), ("Vic", "viewer")] {
            people.append(try await api.join(try await api.signUp(name), workspaceOf: owner, as: role))
        }
        return World(
            owner: owner, member: people[0], viewer: people[1], web: try await api.project(owner, name: "Web", key: "WEB"),
            ops: try await api.project(owner, name: "Ops", key: "OPS"))
    }

    static func setRole(_ api: API, _ world: World, _ project: String, _ person: API.Account, _ role: String, as who: API.Account? = nil)
        async throws -> API.Reply
    {
        try await api.call(
            .put, "/api/v1/projects/\(project)/members/\(person.userID)", json: ["role": .string(role)], as: (who ?? world.owner).credential)
    }

    static func createTask(_ api: API, _ person: API.Account, in project: String) async throws -> HTTPResponse.Status {
        try await api.call(
            .post, "/api/v1/workspaces/\(person.workspaceID)/tasks", json: ["project_id": .string(project), "title": "t"], as: person.credential
        ).status
    }

    @Test func aViewerMadeContributorWorksThatProjectOnly() async throws {
        try await TestApp.run { api in
            let world = try await Self.world(api)
            #expect(try await Self.createTask(api, world.viewer, in: world.web) == .forbidden)
            #expect(try await Self.setRole(api, world, world.web, world.viewer, "contributor").status == .ok)
            #expect(try await Self.createTask(api, world.viewer, in: world.web) == .created)
            #expect(try await Self.createTask(api, world.viewer, in: world.ops) == .forbidden, "elsewhere still a viewer")
            let listed = try await api.call(.get, "/api/v1/projects/\(world.web)/members", as: world.viewer.credential)
            #expect(listed.json["members"]?.array?.first?["role"]?.string == "contributor")
            #expect(listed.json["members"]?.array?.first?["workspace_role"]?.string == "viewer")
        }
    }

    @Test func aMemberMadeProjectViewerCanNoLongerChangeItsTasks() async throws {
        try await TestApp.run { api in
            let world = try await Self.world(api)
            let task = try await api.task(world.owner, project: world.web, title: "Ship it")
            let id = try #require(task["id"]?.string)
            #expect(try await Self.setRole(api, world, world.web, world.member, "viewer").status == .ok)
            let key = try await api.apiKey(for: world.member)
            for credential in [world.member.credential, key] {
                let edit = try await api.call(.patch, "/api/v1/tasks/\(id)", json: ["title": "changed"], as: credential)
                #expect(edit.status == .forbidden, "\(edit.text)")
                let move = try await api.call(.post, "/api/v1/tasks/\(id)/move", json: ["status": "done"], as: credential)
                #expect(move.status == .forbidden)
                let bulk = try await api.call(
                    .post, "/api/v1/workspaces/\(world.owner.workspaceID)/tasks/bulk",
                    json: ["action": "update", "task_ids": [.string(id)], "changes": ["priority": "high"]], as: credential)
                #expect(bulk.status == .forbidden)
                #expect(try await api.call(.post, "/api/v1/tasks/\(id)/comments", json: ["body": "still may comment"], as: credential).status == .created)
            }
            #expect(try await Self.createTask(api, world.member, in: world.ops) == .created, "other projects as before")
            // Taking the role away gives the workspace role back.
            #expect(try await api.call(.delete, "/api/v1/projects/\(world.web)/members/\(world.member.userID)", as: world.owner.credential).status == .noContent)
            #expect(try await api.call(.patch, "/api/v1/tasks/\(id)", json: ["title": "changed"], as: world.member.credential).status == .ok)
        }
    }

    @Test func aLeadRunsTheProjectButMakesNoLeadsAndNothingElse() async throws {
        try await TestApp.run { api in
            let world = try await Self.world(api)
            #expect(try await Self.setRole(api, world, world.web, world.member, "lead").status == .ok)
            let othersTask = try #require(try await api.task(world.owner, project: world.web, title: "Owner's")["id"]?.string)
            #expect(try await api.call(.patch, "/api/v1/projects/\(world.web)", json: ["name": "Website"], as: world.member.credential).status == .ok)
            #expect(try await api.call(.delete, "/api/v1/tasks/\(othersTask)", as: world.member.credential).status == .noContent)
            #expect(try await Self.setRole(api, world, world.web, world.viewer, "contributor", as: world.member).status == .ok)
            #expect(try await Self.setRole(api, world, world.web, world.viewer, "lead", as: world.member).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/projects/\(world.ops)", json: ["name": "Operations"], as: world.member.credential).status == .forbidden)
            let invite = try await api.call(
                .post, "/api/v1/workspaces/\(world.owner.workspaceID)/invitations", json: ["email": "x@example.com", "role": "member"],
                as: world.member.credential)
            #expect(invite.status == .forbidden, "a lead is no workspace admin")
            // Someone who leaves the workspace loses their project roles with it.
            _ = try await api.call(.delete, "/api/v1/workspaces/\(world.owner.workspaceID)/members/\(world.member.userID)", as: world.owner.credential)
            let people = try await api.call(.get, "/api/v1/projects/\(world.web)/members", as: world.owner.credential)
            #expect(people.json["members"]?.array?.contains { $0["user"]?["id"]?.string == world.member.userID } == false)
        }
    }

    @Test func onlyMembersOfTheWorkspaceHoldProjectRoles() async throws {
        try await TestApp.run { api in
            let world = try await Self.world(api)
            let stranger = try await api.signUp("Sam")
            let reply = try await Self.setRole(api, world, world.web, stranger, "contributor")
            #expect(reply.status == .badRequest && reply.problemFields == ["user_id"])
            let wrong = try await api.call(
                .put, "/api/v1/projects/\(world.web)/members/\(world.member.userID)", json: ["role": "boss"], as: world.owner.credential)
            #expect(wrong.status == .badRequest)
        }
    }
}
