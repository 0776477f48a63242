import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct ProjectTests {
    @Test func aProjectGetsAKeyFromItsNameWhenNoneIsGiven() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/projects",
                json: ["name": "Web Shop", "repository_url": "git@github.com:acme/shop.git", "description": "the shop"],
                as: account.credential)
            #expect(reply.status == .created)
            #expect(reply.json["key"]?.string == "WS")
            #expect(reply.json["default_branch"]?.string == "main")
            #expect(reply.json["repository_url"]?.string == "git@github.com:acme/shop.git")
        }
    }

    @Test func keysAreUniqueInAWorkspaceButNotAcrossWorkspaces() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            let bob = try await api.signUp("Bob")
            _ = try await api.project(ann, key: "WEB")
            let clash = try await api.call(
                .post, "/api/v1/workspaces/\(ann.workspaceID)/projects", json: ["name": "Other", "key": "web"],
                as: ann.credential)
            #expect(clash.status == .conflict)
            #expect(clash.problemFields == ["key"])
            // The original made project ids global slugs and answered 500 here (§10.4 #4).
            _ = try await api.project(bob, name: "Web", key: "WEB")
        }
    }

    @Test func everyBadProjectFieldIsNamed() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/projects",
                json: ["name": "", "key": "1X", "repository_url": "not a url", "default_branch": "a..b"],
                as: account.credential)
            #expect(reply.status == .badRequest)
            #expect(reply.problemFields == ["name", "key", "repository_url", "default_branch"])
        }
    }

    @Test func renamingTheKeyRenamesEveryTaskKey() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "OLD")
            _ = try await api.task(account, project: project, title: "One")
            let updated = try await api.call(
                .patch, "/api/v1/projects/\(project)", json: ["key": "NEW", "repository_url": nil], as: account.credential)
            #expect(updated.json["key"]?.string == "NEW")
            #expect(try await api.call(.get, "/api/v1/tasks/NEW-1", as: account.credential).status == .ok)
            #expect(try await api.call(.get, "/api/v1/tasks/OLD-1", as: account.credential).status == .notFound)
        }
    }

    @Test func aProjectWithTasksCannotBeDeleted() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(account, project: project, title: "Still here")
            let refused = try await api.call(.delete, "/api/v1/projects/\(project)", as: account.credential)
            #expect(refused.status == .conflict)
            #expect(refused.json["detail"]?.string?.contains("1 task") == true)
            _ = try await api.call(.delete, "/api/v1/tasks/\(task["id"]!.string!)", as: account.credential)
            #expect(try await api.call(.delete, "/api/v1/projects/\(project)", as: account.credential).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/projects/\(project)", as: account.credential).status == .notFound)
        }
    }
}
