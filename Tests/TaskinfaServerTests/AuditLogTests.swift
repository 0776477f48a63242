import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TaskinfaCore
import TaskinfaServer
import TaskinfaStore
import Testing
import Yams

/// The audit log: what lands in it (people's changes, refusals, sign-ins, an agent's commands),
/// who may read it, its filters and exports, that nothing edits it, and its retention.
@Suite struct AuditLogTests {
    static func entries(_ api: API, _ owner: API.Account, _ query: String = "") async throws -> [JSONValue] {
        let reply = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log\(query)", as: owner.credential)
        try #require(reply.status == .ok, "\(reply.text)")
        return reply.json["entries"]?.array ?? []
    }

    @Test func changesAndRefusalsAreLoggedWithWhoWhatAndWhere() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Olga")
            let project = try await api.project(owner)
            let task = try await api.task(owner, project: project, title: "Write the docs")
            let taskID = try #require(task["id"]?.string)
            let headers: HTTPFields = [.userAgent: "AuditTest/1.0"]
            _ = try await api.call(
                .patch, "/api/v1/tasks/\(taskID)", json: ["priority": "high", "description": "secret plans"], as: owner.credential,
                headers: headers)
            let key = try await api.apiKey(for: owner)
            _ = try await api.call(.delete, "/api/v1/projects/\(project)", as: .key("tk_wrong"))

            let all = try await Self.entries(api, owner)
            let actions = all.compactMap { $0["action"]?.string }
            #expect(actions.contains("project.create") && actions.contains("task.create") && actions.contains("api_key.create"))
            #expect(all.first { $0["action"]?.string == "task.create" }?["resource_id"]?.string == taskID, "a create names what it made")
            let update = try #require(all.first { $0["action"]?.string == "task.update" })
            #expect(update["resource_id"]?.string == taskID)
            #expect(update["actor_id"]?.string == owner.userID && update["actor_type"]?.string == "user")
            #expect(update["user_agent"]?.string == "AuditTest/1.0")
            #expect(update["outcome"]?.string == "success")
            #expect(update["details"]?["priority"]?.string == "high")
            #expect(update["details"]?["fields"]?.array?.compactMap(\.string) == ["description", "priority"])
            #expect(update["details"]?["description"] == nil, "free text stays out of the log")
            _ = key

            let filtered = try await Self.entries(api, owner, "?action=task.")
            #expect(!filtered.isEmpty && filtered.allSatisfy { $0["action"]?.string?.hasPrefix("task.") == true })
            let page = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log?limit=1", as: owner.credential)
            let cursor = try #require(page.json["next_cursor"]?.string)
            let second = try await api.call(
                .get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log?limit=1&cursor=\(cursor)", as: owner.credential)
            #expect(second.json["entries"]?.array?.first?["id"] != page.json["entries"]?.array?.first?["id"])
        }
    }

    @Test func aRefusedChangeIsLoggedAsDenied() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Olga")
            let viewer = try await api.signUp("Vic")
            try await api.join(viewer, workspaceOf: owner, as: "viewer")
            let project = try await api.project(owner)
            let refused = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/tasks", json: ["project_id": .string(project), "title": "Nope"],
                as: viewer.credential)
            #expect(refused.status == .forbidden)
            let denied = try await Self.entries(api, owner, "?outcome=denied")
            let entry = try #require(denied.first { $0["action"]?.string == "task.create" })
            #expect(entry["actor_id"]?.string == viewer.userID)
            #expect(entry["details"]?["status"]?.int == 403)
            // Reading it is for admins: the viewer is refused, and so is a key without the admin scope.
            #expect(try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log", as: viewer.credential).status == .forbidden)
            let actions = try await Self.entries(api, owner).compactMap { $0["action"]?.string }
            #expect(actions.contains("invitation.create") && actions.contains("invitation.accept"))
        }
    }

    @Test func signInsAndFailedAttemptsShowOnTheAccountsOwnLog() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            _ = try await api.call(.post, "/api/v1/auth/login", json: ["email": .string(ann.email), "password": "wrong guess here"])
            _ = try await api.call(.post, "/api/v1/auth/login", json: ["email": .string(ann.email), "password": "mauve kettle orbit"])
            let reply = try await api.call(.get, "/api/v1/auth/audit-log", as: ann.credential)
            let entries = reply.json["entries"]?.array ?? []
            let logins = entries.filter { $0["action"]?.string == "auth.login" }
            #expect(logins.compactMap { $0["outcome"]?.string } == ["success", "denied"], "\(reply.text)")
            #expect(logins.allSatisfy { $0["details"]?["password"] == nil && !"\($0)".contains("wrong guess") })
            #expect(entries.contains { $0["action"]?.string == "auth.signup" })
            // Someone else's account log is theirs alone.
            let bob = try await api.signUp("Bob")
            let bobs = try await api.call(.get, "/api/v1/auth/audit-log", as: bob.credential).json["entries"]?.array ?? []
            #expect(!bobs.contains { $0["user_id"]?.string == ann.userID })
        }
    }

    @Test func anAgentsRunIsLoggedWithItsCommandsFilesAndTokens() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Olga")
            let project = try await api.project(owner)
            try await api.task(owner, project: project, title: "Fix the bug")
            let worker = try await api.worker(owner)
            let claim = try #require(try await api.claim(worker))
            let finished = try await api.finish(
                worker, claim,
                [
                    "outcome": "succeeded", "loops": 2, "files_changed": ["Sources/App.swift"], "input_tokens": 1200,
                    "output_tokens": 300, "commands": ["swift build", "swift test --filter App"],
                ])
            #expect(finished.status == .ok, "\(finished.text)")
            let runs = try await Self.entries(api, owner, "?action=execution.finish")
            let entry = try #require(runs.first)
            #expect(entry["actor_type"]?.string == "bot" && entry["actor_id"]?.string == worker.id)
            #expect(entry["details"]?["commands"]?.array?.compactMap(\.string) == ["swift build", "swift test --filter App"])
            #expect(entry["details"]?["files_changed"]?.array?.compactMap(\.string) == ["Sources/App.swift"])
            #expect(entry["details"]?["input_tokens"]?.int == 1200)
            let heartbeats = try await Self.entries(api, owner, "?action=worker.heartbeat")
            #expect(heartbeats.isEmpty, "a worker's pulse is not an audit event")
        }
    }

    @Test func exportsHoldEveryMatchingEntryAndDefuseFormulas() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Olga")
            let project = try await api.project(owner)
            for index in 1...3 { try await api.task(owner, project: project, title: "Task \(index)") }
            _ = try await api.call(
                .patch, "/api/v1/workspaces/\(owner.workspaceID)", json: ["name": "=HYPERLINK(\"http://evil\")"], as: owner.credential,
                headers: [.userAgent: "=cmd|' /C calc'!A0"])
            let csv = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log?format=csv", as: owner.credential)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "created_at,actor_type,actor_id,actor_name,action,resource_type,resource_id,outcome,ip_address,user_agent,details")
            #expect(lines.filter { $0.contains(",task.create,") }.count == 3)
            #expect(csv.text.contains(",'=cmd|"), "a formula-looking cell starts with a quote")
            #expect(!csv.text.contains(",=cmd|"))
            let json = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log?format=json", as: owner.credential)
            #expect(json.json["entries"]?.array?.count == lines.count - 1)
            #expect(json.json["next_cursor"] == .null || json.json["next_cursor"] == nil)
        }
    }

    @Test func noOperationChangesOrDeletesAnEntry() async throws {
        try await TestApp.run { api in
            let text = try await api.call(.get, "/api/openapi.yaml").text
            let spec = try #require(try Yams.load(yaml: text) as? [String: Any])
            let paths = try #require(spec["paths"] as? [String: [String: Any]])
            for (path, item) in paths where path.contains("audit") {
                let methods = Set(item.keys).subtracting(["parameters"])
                #expect(methods == ["get"], "\(path) offers \(methods.sorted())")
            }
        }
    }

    @Test func entriesPastTheWorkspacesRetentionArePruned() async throws {
        let time = ManualClock()
        let configuration = try await TestApp.configured { $0.clock = time.clock }
        let app = try buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let api = API(client: client)
            let owner = try await api.signUp("Olga")
            let tooShort = try await api.call(
                .patch, "/api/v1/workspaces/\(owner.workspaceID)", json: ["audit_retention_days": 1], as: owner.credential)
            #expect(tooShort.status == .badRequest && tooShort.problemFields == ["audit_retention_days"])
            let set = try await api.call(
                .patch, "/api/v1/workspaces/\(owner.workspaceID)", json: ["audit_retention_days": 7], as: owner.credential)
            #expect(set.json["audit_retention_days"]?.int == 7)
            let before = try await Self.entries(api, owner).count
            #expect(before >= 1)
            time.advance(by: 6 * 86_400)
            _ = try await api.project(owner)
            time.advance(by: 2 * 86_400)
            try await TwoFactorTests.withStore(configuration) { store in
                let pruned = try await store.audit.prune()
                #expect(pruned == before, "the entries older than 7 days, not the newer one")
            }
            let after = try await Self.entries(api, owner)
            #expect(after.compactMap { $0["action"]?.string } == ["project.create"])
        }
    }
}
