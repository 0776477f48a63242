import Foundation
import HTTPTypes
import HummingbirdTesting
import TaskinfaCore
import Testing

/// A key does only what it was given: no key manages keys or members, and a bot's keys (the
/// worker's, and the one its agent holds) write only to the work it holds.
@Suite struct KeyAuthorityTests {
    @Test(arguments: ["owner", "worker", "agent"])
    func noKeyManagesKeysOrMembers(_ kind: String) async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner, key: "KA")
            let kept = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: ["name": "the owner's other key"],
                as: owner.credential)
            let keptID = try #require(kept.json["api_key"]?["id"]?.string)
            let key: Credential
            switch kind {
            case "owner":
                key = try await api.apiKey(for: owner, role: "owner")
            case "worker":
                key = try await api.worker(owner).key
            default:
                try await api.task(owner, project: project, title: "work")
                let worker = try await api.worker(owner)
                let claim = try #require(try await api.claim(worker))
                key = .key(try #require(claim["agent_key"]?.string))
            }
            let w = "/api/v1/workspaces/\(owner.workspaceID)"
            let refused: [(HTTPRequest.Method, String, JSONValue?)] = [
                (.get, w + "/api-keys", nil), (.post, w + "/api-keys", ["name": "more"]),
                (.patch, "/api/v1/api-keys/\(keptID)", ["name": "renamed"]), (.delete, "/api/v1/api-keys/\(keptID)", nil),
                (.patch, w + "/members/\(owner.userID)", ["role": "viewer"]), (.delete, w + "/members/\(owner.userID)", nil),
                (.delete, w, nil), (.post, w + "/workers", ["name": "another"]),
            ]
            for (method, path, body) in refused {
                let reply = try await api.call(method, path, json: body, as: key)
                #expect(reply.status == .forbidden, "\(kind) key: \(method) \(path) answered \(reply.status)")
            }
            // The owner's key is untouched and still listed.
            let keys = try await api.call(.get, w + "/api-keys", as: owner.credential)
            #expect(keys.json["api_keys"]?.array?.contains { $0["id"]?.string == keptID && $0["name"]?.string == "the owner's other key" } == true)
        }
    }

    @Test func aBotWritesOnlyWhatItHolds() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner, key: "BOT")
            try await api.task(owner, project: project, title: "held", extra: ["priority": "urgent"])
            try await api.task(owner, project: project, title: "not held")
            let worker = try await api.worker(owner)
            let claim = try #require(try await api.claim(worker))
            #expect(claim["task"]?["key"]?.string == "BOT-1")
            let agent = Credential.key(try #require(claim["agent_key"]?.string))
            let w = "/api/v1/workspaces/\(owner.workspaceID)"

            for key in [worker.key, agent] {
                // Another task: no edits, moves, deletes, dependencies or new top-level tasks.
                let edits: [(HTTPRequest.Method, String, JSONValue?)] = [
                    (.patch, "/api/v1/tasks/BOT-2", ["title": "taken over"]),
                    (.post, "/api/v1/tasks/BOT-2/move", ["status": "review"]),
                    (.delete, "/api/v1/tasks/BOT-2", nil),
                    (.post, "/api/v1/tasks/BOT-2/dependencies", ["depends_on_task_id": "BOT-1"]),
                    (.post, w + "/tasks", ["project_id": .string(project), "title": "new top-level task"]),
                    (.post, w + "/tasks/bulk", ["task_ids": ["BOT-2"], "action": "delete"]),
                    // Its own task: not who it belongs to, not its project, not unflag itself.
                    (.patch, "/api/v1/tasks/BOT-1", ["assignee_id": .string(owner.userID)]),
                ]
                for (method, path, body) in edits {
                    let reply = try await api.call(method, path, json: body, as: key)
                    #expect(reply.status == .forbidden || reply.status == .conflict, "\(method) \(path) answered \(reply.status)")
                }
                // Reading and commenting stay open.
                #expect(try await api.call(.get, "/api/v1/tasks/BOT-2", as: key).status == .ok)
                let comment = try await api.call(.post, "/api/v1/tasks/BOT-2/comments", json: ["body": "seen"], as: key)
                #expect(comment.status == .created)
                #expect(comment.json["type"]?.string != "human_message")
            }
            let untouched = try await api.call(.get, "/api/v1/tasks/BOT-2", as: owner.credential)
            #expect(untouched.json["title"]?.string == "not held")
            #expect(untouched.json["status"]?.string == "todo")

            // Its held task takes the agent's writes, and a subtask of it.
            let progress = try await api.call(.patch, "/api/v1/tasks/BOT-1", json: ["description": "found the cause"], as: agent)
            #expect(progress.status == .ok)
            let subtask = try await api.call(
                .post, w + "/tasks", json: ["project_id": .string(project), "title": "follow-up", "parent_id": "BOT-1"], as: agent)
            #expect(subtask.status == .created)

            // Once the execution is over, the agent's key is dead.
            #expect(try await api.finish(worker, claim, ["outcome": "succeeded"]).status == .ok)
            #expect(try await api.call(.get, "/api/v1/tasks/BOT-1", as: agent).status == .unauthorized)
        }
    }

    @Test func aTaskAssignedToAWorkerIsClaimedByThatWorkerOnly() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner, key: "AS")
            let alpha = try await api.worker(owner, name: "alpha")
            let beta = try await api.worker(owner, name: "beta")
            try await api.task(owner, project: project, title: "for beta", extra: ["priority": "urgent"])
            let assigned = try await api.call(.patch, "/api/v1/tasks/AS-1", json: ["assignee_id": .string(beta.id)], as: owner.credential)
            #expect(assigned.status == .ok)
            #expect(assigned.json["assignee_id"]?.string == beta.id)
            let unknown = try await api.call(.patch, "/api/v1/tasks/AS-1", json: ["assignee_id": "wrk_nobody"], as: owner.credential)
            #expect(unknown.status == .badRequest)
            #expect(unknown.problemFields == ["assignee_id"])

            #expect(try await api.claim(alpha) == nil)
            let claim = try #require(try await api.claim(beta))
            #expect(claim["task"]?["key"]?.string == "AS-1")

            // Deleting the worker leaves its tasks to anyone.
            try await api.task(owner, project: project, title: "for alpha", extra: ["assignee_id": .string(alpha.id)])
            #expect(try await api.call(.delete, "/api/v1/workers/\(alpha.id)", as: owner.credential).status == .noContent)
            let orphan = try await api.call(.get, "/api/v1/tasks/AS-2", as: owner.credential)
            #expect(orphan.json["assignee_id"]?.isNull ?? true)
        }
    }
}
