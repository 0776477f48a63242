import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct BadInputTests {
    @Test func malformedJSONIsA400NamingTheBody() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/projects", raw: "{\"name\": ", as: account.credential)
            #expect(reply.status == .badRequest)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.problemFields == ["body"])
        }
    }

    @Test func wrongTypesAndUnknownValuesNameTheirField() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            let wrongType = try await api.call(
                .post, base, json: ["project_id": .string(project), "title": "x", "labels": "bug"], as: account.credential)
            #expect(wrongType.status == .badRequest && wrongType.problemFields == ["labels"], "\(wrongType.text)")
            let badEnum = try await api.call(
                .post, base, json: ["project_id": .string(project), "title": "x", "priority": "asap"], as: account.credential)
            #expect(badEnum.status == .badRequest && badEnum.problemFields == ["priority"], "\(badEnum.text)")
            let missing = try await api.call(.post, base, json: ["title": "x"], as: account.credential)
            #expect(missing.status == .badRequest && missing.problemFields == ["project_id"], "\(missing.text)")
            let badLimit = try await api.call(.get, base + "?limit=many", as: account.credential)
            #expect(badLimit.status == .badRequest, "\(badLimit.text)")
            let badETag = try await api.call(.get, "/api/v1/tasks/x", as: account.credential)
            #expect(badETag.status == .notFound)
        }
    }

    @Test func anOversizedBodyIsA413() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let huge = "{\"name\": \"" + String(repeating: "x", count: 1_100_000) + "\"}"
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/projects", raw: huge, as: account.credential)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func aBodyThatIsNotJSONIsRefused() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/projects", raw: "name=x", as: account.credential,
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(reply.status.code >= 400 && reply.status.code < 500, "\(reply.status)")
        }
    }

    @Test func sqlAndHTMLAreStoredAndReturnedAsText() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let evil = "Robert'); DROP TABLE tasks;-- <img src=x onerror=alert(1)>"
            let task = try await api.task(account, project: project, title: evil, extra: ["labels": ["<b>", "' OR 1=1"]])
            let back = try await api.call(.get, "/api/v1/tasks/\(task["id"]!.string!)", as: account.credential)
            #expect(back.json["title"]?.string == evil)
            #expect(back.json["labels"] == ["<b>", "' OR 1=1"])
            let search = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?q=DROP%20TABLE", as: account.credential)
            #expect(search.json["tasks"]?.array?.count == 1)
        }
    }

    @Test func unknownRoutesAndMethodsAreProblems() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let missing = try await api.call(.get, "/api/v1/nothing-here", as: account.credential)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }
}
