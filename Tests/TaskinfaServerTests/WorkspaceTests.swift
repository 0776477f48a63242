import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct WorkspaceTests {
    @Test func aUserCanCreateAndBelongToSeveralWorkspaces() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let created = try await api.call(
                .post, "/api/v1/workspaces", json: ["name": "Team", "description": "shared"], as: account.credential)
            #expect(created.status == .created)
            #expect(created.json["role"]?.string == "owner")
            let list = try await api.call(.get, "/api/v1/workspaces", as: account.credential)
            #expect(list.json["workspaces"]?.array?.count == 2)
            let id = created.json["id"]!.string!
            let members = try await api.call(.get, "/api/v1/workspaces/\(id)/members", as: account.credential)
            #expect(members.json["members"]?[0]?["role"]?.string == "owner")
        }
    }

    @Test func aWorkspaceCanBeRenamedAndItsDescriptionCleared() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let path = "/api/v1/workspaces/\(account.workspaceID)"
            _ = try await api.call(.patch, path, json: ["description": "first"], as: account.credential)
            let renamed = try await api.call(.patch, path, json: ["name": "Renamed"], as: account.credential)
            #expect(renamed.json["name"]?.string == "Renamed")
            #expect(renamed.json["description"]?.string == "first")
            let cleared = try await api.call(.patch, path, json: ["description": nil], as: account.credential)
            #expect(cleared.json["description"] == nil || cleared.json["description"]?.isNull == true)
        }
    }

    @Test func theLastOwnerCannotLeaveOrStepDown() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let path = "/api/v1/workspaces/\(account.workspaceID)/members/\(account.userID)"
            #expect(try await api.call(.delete, path, as: account.credential).status == .conflict)
            #expect(try await api.call(.patch, path, json: ["role": "admin"], as: account.credential).status == .conflict)
        }
    }

    @Test func deletingAWorkspaceRemovesEverythingInIt() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(account, project: project, title: "Doomed")
            let key = try await api.apiKey(for: account)
            #expect(try await api.call(.delete, "/api/v1/workspaces/\(account.workspaceID)", as: account.credential).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/tasks/\(task["id"]!.string!)", as: account.credential).status == .notFound)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: key).status == .unauthorized)
            let list = try await api.call(.get, "/api/v1/workspaces", as: account.credential)
            #expect(list.json["workspaces"]?.array?.isEmpty == true)
        }
    }

    @Test func aViewerReadsAndCommentsButChangesNothing() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            let task = try await api.task(owner, project: project, title: "Read me")
            let viewer = try await api.apiKey(for: owner, role: "viewer")
            let id = task["id"]!.string!
            #expect(try await api.call(.get, "/api/v1/tasks/\(id)", as: viewer).status == .ok)
            let comment = try await api.call(.post, "/api/v1/tasks/\(id)/comments", json: ["body": "looks good"], as: viewer)
            #expect(comment.status == .created)
            let create = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/tasks", json: ["project_id": .string(project), "title": "x"],
                as: viewer)
            #expect(create.status == .forbidden)
            #expect(create.json["detail"]?.string?.contains("viewer") == true)
            #expect(try await api.call(.patch, "/api/v1/tasks/\(id)", json: ["title": "y"], as: viewer).status == .forbidden)
            #expect(try await api.call(.post, "/api/v1/tasks/\(id)/move", json: ["status": "done"], as: viewer).status == .forbidden)
            #expect(try await api.call(.delete, "/api/v1/tasks/\(id)", as: viewer).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/projects/\(project)", json: ["name": "z"], as: viewer).status == .forbidden)
        }
    }

    @Test func aMemberKeyManagesTasksButNotProjects() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            let member = try await api.apiKey(for: owner, role: "member")
            let created = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/tasks", json: ["project_id": .string(project), "title": "x"],
                as: member)
            #expect(created.status == .created)
            #expect(try await api.call(.delete, "/api/v1/projects/\(project)", as: member).status == .forbidden)
        }
    }
}
