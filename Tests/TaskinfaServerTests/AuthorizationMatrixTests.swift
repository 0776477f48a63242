import Foundation
import HTTPTypes
import TaskinfaCore
import TaskinfaServer
import Testing
import Yams

/// Every operation of the contract, called by every kind of caller, against the expected allow or
/// deny. An operation missing from `expected` fails the test: a new route can't ship unchecked.
///
/// Allowed means the request got past the access checks (any answer but 401, 403 or 404 — a 400 for
/// a state the fixture isn't in still proves the caller was let in); denied means 401, 403 or 404,
/// or for a bot the 409 of the claim fence ("does not hold the claim": a worker whose lease ended
/// learns it that way). A 500 fails either way (503 is an answer: no mail server). Each write runs in a world of its own, so one caller's success (a
/// deletion) can't make the next caller look refused.
@Suite struct AuthorizationMatrixTests {
    enum Caller: Int, CaseIterable, CustomStringConvertible {
        case anonymous, viewer, member, admin, owner, outsider, apiKey, heldBot, idleBot, readKey, writeKey

        var description: String {
            [
                "anonymous", "viewer", "member", "admin", "owner", "outsider", "admin's API key", "bot holding the claim",
                "bot without it", "admin's read-only key", "admin's read-write key",
            ][rawValue]
        }
    }

    /// One letter per caller, in `Caller` order: anonymous, viewer, member, admin, owner, a member of
    /// another workspace, an admin's API key (every scope), the worker holding the task's claim,
    /// another worker, an admin's key with the `read` scope only, and one with `write` (not `admin`).
    /// `y` allowed, `n` denied.
    static let expected: [String: String] = [
        // Accounts: a person's own; keys and bots have no account to change.
        "signup": "yyyyyyyyyyy", "login": "yyyyyyyyyyy", "logout": "nyyyyynnnnn", "getMe": "nyyyyyyyyyy", "updateMe": "nyyyyynnnnn",
        "listSessions": "nyyyyynnnnn", "revokeSession": "nnnnynnnnnn", "changePassword": "nyyyyynnnnn",
        "requestPasswordReset": "yyyyyyyyyyy", "confirmPasswordReset": "yyyyyyyyyyy",
        // A person's second factor and their account's log: a signed-in person's own, never a key's.
        "getTwoFactor": "nyyyyynnnnn", "beginTwoFactorEnrolment": "nyyyyynnnnn", "enableTwoFactor": "nyyyyynnnnn",
        "disableTwoFactor": "nyyyyynnnnn", "regenerateRecoveryCodes": "nyyyyynnnnn", "getAccountAuditLog": "nyyyyynnnnn",
        // The workspace's audit log: admins and owners, and a key with the admin scope.
        "getAuditLog": "nnnyynynnnn",
        // Single sign-on: anyone may start one and come back with a code (the provider and the one-use state decide).
        "getSingleSignOn": "yyyyyyyyyyy", "startSingleSignOn": "yyyyyyyyyyy", "finishSingleSignOn": "yyyyyyyyyyy",
        // Workspaces and members.
        "listWorkspaces": "nyyyyyyyyyy", "createWorkspace": "nyyyyynnnnn", "getWorkspace": "nyyyynyyyyy",
        "updateWorkspace": "nnnyynynnnn", "deleteWorkspace": "nnnnynnnnnn", "listMembers": "nyyyynyyyyy",
        "updateMember": "nnnyynnnnnn", "removeMember": "nnnyynnnnnn", "transferOwnership": "nnnnynnnnnn",
        // Invitations: admins, signed in; the link's page is public, accepting is the invited address's.
        "listInvitations": "nnnyynnnnnn", "createInvitation": "nnnyynnnnnn", "revokeInvitation": "nnnyynnnnnn",
        "resendInvitation": "nnnyynnnnnn", "getInvitation": "yyyyyyyyyyy", "acceptInvitation": "ynnnnnnnnnn",
        // Keys: a signed-in person's own (admins: anyone's).
        "listApiKeys": "nyyyynnnnnn", "createApiKey": "nyyyynnnnnn", "updateApiKey": "nnnyynnnnnn", "revokeApiKey": "nnnyynnnnnn",
        // Projects.
        "listProjects": "nyyyynyyyyy", "createProject": "nnnyynynnnn", "getProject": "nyyyynyyyyy", "updateProject": "nnnyynynnnn",
        "deleteProject": "nnnyynynnnn",
        "listProjectMembers": "nyyyynyyyyy", "setProjectMember": "nnnyynynnnn", "removeProjectMember": "nnnyynynnnn",
        // Tasks: members write; the bot holding the claim writes its own task only.
        "listTasks": "nyyyynyyyyy", "createTask": "nnyyynyynny", "countTasks": "nyyyynyyyyy", "getBoard": "nyyyynyyyyy",
        "bulkTasks": "nnyyynynnny", "getTask": "nyyyynyyyyy", "updateTask": "nnyyynyynny", "deleteTask": "nnnyynynnny",
        "moveTask": "nnyyynyynny", "listComments": "nyyyynyyyyy", "createComment": "nyyyynyyyny", "getTaskActivity": "nyyyynyyyyy",
        "getWorkspaceActivity": "nyyyynyyyyy", "streamEvents": "nyyyynyyyyy",
        "listSavedFilters": "nyyyynynnny", "createSavedFilter": "nyyyynynnny", "updateSavedFilter": "nnnnynynnny",
        "deleteSavedFilter": "nnnnynynnny",
        // Workers: admins manage them; only a worker's own key runs as it.
        "listWorkers": "nyyyynyyyyy", "createWorker": "nnnyynnnnnn", "getWorker": "nyyyynyyyyy", "updateWorker": "nnnyynynnnn",
        "deleteWorker": "nnnyynnnnnn", "rotateWorkerKey": "nnnyynnnnnn", "listWorkerExecutions": "nyyyynyyyyy",
        "workerHeartbeat": "nnnnnnnynnn", "disconnectWorker": "nnnnnnnynnn", "claimTask": "nnnnnnnynnn",
        // Executions: read by all members; written by the worker holding them; stopped by members.
        "listExecutions": "nyyyynyyyyy", "getExecution": "nyyyynyyyyy", "getExecutionLogs": "nyyyynyyyyy",
        "appendExecutionLogs": "nnnnnnnynnn", "finishExecution": "nnnnnnnynnn", "requestCompletion": "nnnnnnnynnn",
        "cancelExecution": "nnyyynynnny", "getExecutionDiff": "nyyyynyyyyy", "reviewTask": "nnyyynynnny",
        "getAnalytics": "nyyyynyyyyy", "getOverview": "nyyyynyyyyy",
        "listDependencies": "nyyyynyyyyy", "addDependency": "nnyyynyynny", "removeDependency": "nnyyynyynny",
        "renderMarkdown": "nyyyyyyyyyy",
    ]

    /// What is wrong with `reply`, or nil when it is what the matrix says.
    static func mismatch(_ reply: API.Reply, _ operation: Operation, _ caller: Caller, allowed: Bool) -> String? {
        let code = reply.status.code
        if code == 500 { return "\(operation.id) as \(caller): 500 \(reply.text.prefix(200))" }
        let fenced = code == 409 && [.heldBot, .idleBot].contains(caller)
            && (reply.text.contains("does not hold the claim") || reply.text.contains("no longer held by this worker"))
        let denied = [401, 403, 404].contains(code) || fenced
        guard denied == allowed else { return nil }
        return "\(operation.id) as \(caller): expected \(allowed ? "allowed" : "denied"), got \(code) \(reply.text.prefix(160))"
    }

    struct Operation: Sendable {
        let id: String
        let method: HTTPRequest.Method
        let path: String
    }

    /// The operations of `openapi.yaml`, as the server serves it.
    static func operations(_ api: API) async throws -> [Operation] {
        let text = try await api.call(.get, "/api/openapi.yaml").text
        let spec = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        var found: [Operation] = []
        for (path, item) in paths {
            for (method, value) in item {
                guard let operation = value as? [String: Any], let id = operation["operationId"] as? String else { continue }
                found.append(Operation(id: id, method: HTTPRequest.Method(method.uppercased())!, path: path))
            }
        }
        return found.sorted { $0.id < $1.id }
    }

    @Test func everyOperationHasAnEntry() async throws {
        try await TestApp.run { api in
            let ids = Set(try await Self.operations(api).map(\.id))
            #expect(ids.count > 70)
            #expect(ids.subtracting(Self.expected.keys).sorted() == [], "operations without an entry in the matrix")
            #expect(Set(Self.expected.keys).subtracting(ids).sorted() == [], "entries for operations that don't exist")
            #expect(Self.expected.values.allSatisfy { $0.count == Caller.allCases.count })
        }
    }

    @Test func everyCallerGetsWhatTheMatrixSays() async throws {
        // A provider that isn't there: starting a sign-in gets past access and fails at it (502).
        try await TestApp.run(configure: {
            $0.singleSignOn = try? SingleSignOnSettings(issuer: "http://127.0.0.1:9", clientID: "matrix", clientSecret: nil, displayName: nil)
        }) { api in
            let operations = try await Self.operations(api)
            let shared = try await World.make(api)
            var mismatches: [String] = []
            for operation in operations {
                guard let row = Self.expected[operation.id] else { continue }
                // The callers of one operation side by side, each in a world of its own for a write.
                // Three at a time: enough to halve the time, little enough to leave the database
                // (PostgreSQL in CI) to the suites running beside this one.
                for batch in stride(from: 0, to: Caller.allCases.count, by: 3) {
                    try await withThrowingTaskGroup(of: String?.self) { group in
                        for caller in Caller.allCases[batch..<min(batch + 3, Caller.allCases.count)] {
                            let want = row[row.index(row.startIndex, offsetBy: caller.rawValue)]
                            group.addTask {
                                let world = operation.method == .get ? shared : try await World.make(api)
                                return Self.mismatch(
                                    try await world.call(operation, as: caller, api: api), operation, caller, allowed: want == "y")
                            }
                        }
                        for try await found in group { if let found { mismatches.append(found) } }
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.joined(separator: "\n"))")
        }
    }
}

/// A workspace with one person per role, an outsider, an admin's key, two workers (one holding a
/// claim on a task with a running execution), a second task, an open invitation, a saved filter.
struct World: Sendable {
    var accounts: [AuthorizationMatrixTests.Caller: API.Account] = [:]
    var credentials: [AuthorizationMatrixTests.Caller: Credential] = [:]
    var workspace = ""
    var project = ""
    var task = ""
    var otherTask = ""
    var target = ""
    var keyID = ""
    var worker = ""
    var execution = ""
    /// A finished execution (of another task, by the other worker) with a stored diff.
    var finishedTask = ""
    var finishedExecution = ""
    var claimToken = ""
    var invitation = ""
    var invitationToken = ""
    var savedFilter = ""
    var session = ""

    static func make(_ api: API) async throws -> World {
        var world = World()
        let owner = try await api.signUp("Owen")
        world.workspace = owner.workspaceID
        world.accounts[.owner] = owner
        func join(_ name: String, _ role: String) async throws -> API.Account {
            let person = try await api.signUp(name)
            let made = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations",
                json: ["email": .string(person.email), "role": .string(role)], as: owner.credential)
            let token = try InvitationTests.token(made)
            let accepted = try await api.call(.post, "/api/v1/invitations/\(token)/accept", as: person.credential)
            try #require(accepted.status == .ok, "\(accepted.text)")
            return API.Account(credential: person.credential, userID: person.userID, workspaceID: owner.workspaceID, email: person.email)
        }
        world.accounts[.admin] = try await join("Ada", "admin")
        world.accounts[.member] = try await join("Max", "member")
        world.accounts[.viewer] = try await join("Vic", "viewer")
        world.target = try await join("Tom", "member").userID
        world.accounts[.outsider] = try await api.signUp("Eve")
        for (caller, account) in world.accounts { world.credentials[caller] = account.credential }

        world.project = try await api.project(owner)
        try await api.task(owner, project: world.project, title: "held")
        world.otherTask = try #require(try await api.task(owner, project: world.project, title: "other", status: "backlog")["id"]?.string)
        world.credentials[.apiKey] = try await api.apiKey(for: owner, role: "admin")
        for (caller, scope) in [(AuthorizationMatrixTests.Caller.readKey, "read"), (.writeKey, "write")] {
            let made = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys",
                json: ["name": .string(scope), "role": "admin", "scopes": [.string(scope)]], as: owner.credential)
            world.credentials[caller] = .key(try #require(made.json["secret"]?.string, "\(made.text)"))
        }
        let spare = try await api.call(
            .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: ["name": "spare"], as: owner.credential)
        world.keyID = try #require(spare.json["api_key"]?["id"]?.string ?? spare.json["id"]?.string, "\(spare.text)")
        for (caller, name) in [(AuthorizationMatrixTests.Caller.heldBot, "held"), (.idleBot, "idle")] {
            let made = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/workers", json: ["name": .string(name)], as: owner.credential)
            world.credentials[caller] = .key(try #require(made.json["secret"]?.string, "\(made.text)"))
            if caller == .heldBot { world.worker = try #require(made.json["worker"]?["id"]?.string) }
        }
        let claim = try await api.call(.post, "/api/v1/workers/\(world.worker)/claim", json: [:], as: world.credentials[.heldBot])
        try #require(claim.status == .ok, "\(claim.text)")
        world.execution = try #require(claim.json["execution"]?["id"]?.string)
        world.claimToken = try #require(claim.json["claim_token"]?.string)
        world.task = try #require(claim.json["task"]?["id"]?.string)

        // The other worker finishes a run of a third task with a patch, for the diff route.
        let third = try #require(try await api.task(owner, project: world.project, title: "third")["id"]?.string)
        let otherWorker = try await api.call(.get, "/api/v1/auth/me", as: world.credentials[.idleBot]).json["worker_id"]?.string ?? ""
        let finished = try await api.call(.post, "/api/v1/workers/\(otherWorker)/claim", json: [:], as: world.credentials[.idleBot])
        try #require(finished.json["task"]?["id"]?.string == third, "\(finished.text)")
        world.finishedTask = third
        world.finishedExecution = try #require(finished.json["execution"]?["id"]?.string)
        let patch = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n"
        let done = try await api.call(
            .post, "/api/v1/tasks/\(third)/executions/\(world.finishedExecution)/finish",
            json: ["outcome": "succeeded", "diff": ["patch": .string(patch), "omitted": []]], as: world.credentials[.idleBot],
            headers: [HTTPField.Name("X-Taskinfa-Claim")!: .init(finished.json["claim_token"]?.string ?? "")])
        try #require(done.status == .ok, "\(done.text)")
        let dependency = try await api.call(
            .post, "/api/v1/tasks/\(world.task)/dependencies", json: ["depends_on_task_id": .string(world.otherTask)], as: owner.credential)
        try #require(dependency.status == .created || dependency.status == .ok, "\(dependency.text)")

        let invited = try await api.call(
            .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations", json: ["email": "pending@example.com"], as: owner.credential)
        world.invitation = try #require(invited.json["invitation"]?["id"]?.string)
        world.invitationToken = try InvitationTests.token(invited)
        let filter = try await api.call(
            .post, "/api/v1/workspaces/\(owner.workspaceID)/saved-filters", json: ["name": "mine", "filters": ["status": ["todo"]]],
            as: owner.credential)
        world.savedFilter = try #require(filter.json["id"]?.string, "\(filter.text)")
        let sessions = try await api.call(.get, "/api/v1/auth/sessions", as: owner.credential)
        world.session = try #require(sessions.json["sessions"]?[0]?["id"]?.string)
        return world
    }

    func call(_ operation: AuthorizationMatrixTests.Operation, as caller: AuthorizationMatrixTests.Caller, api: API) async throws
        -> API.Reply
    {
        var path = operation.path
        let values = [
            "workspace_id": workspace, "project_id": project, "task_id": task, "user_id": target, "key_id": keyID,
            "worker_id": worker, "execution_id": execution, "invitation_id": invitation, "token": invitationToken,
            "filter_id": savedFilter, "session_id": session,
        ]
        if operation.id == "getExecutionDiff" {
            path = "/tasks/\(finishedTask)/executions/\(finishedExecution)/diff"
        }
        for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        switch operation.id {
        case "streamEvents": path += "?since=0"
        case "removeDependency": path += "?depends_on_task_id=\(otherTask)"
        default: break
        }
        var headers: HTTPFields = [.accept: "application/json"]
        if caller == .heldBot { headers[HTTPField.Name("X-Taskinfa-Claim")!] = claimToken }
        return try await api.call(operation.method, "/api/v1" + path, json: body(for: operation.id), as: credentials[caller], headers: headers)
    }

    func body(for operation: String) -> JSONValue? {
        let unique = UUID().uuidString.prefix(8).lowercased()
        switch operation {
        case "signup": return ["email": .string("new-\(unique)@example.com"), "password": "mauve kettle orbit", "name": "New"]
        case "login": return ["email": .string(accounts[.owner]!.email), "password": "mauve kettle orbit"]
        case "updateMe": return ["name": "Renamed"]
        case "changePassword": return ["current_password": "mauve kettle orbit", "new_password": "copper lantern drift"]
        case "requestPasswordReset": return ["email": "someone@example.com"]
        case "confirmPasswordReset": return ["token": "not-a-token", "password": "copper lantern drift"]
        case "beginTwoFactorEnrolment": return ["password": "not the password"]
        case "finishSingleSignOn": return ["code": "a-code", "state": "not-a-state"]
        case "enableTwoFactor": return ["code": "123456"]
        case "disableTwoFactor", "regenerateRecoveryCodes": return ["password": "not the password", "code": "123456"]
        case "createWorkspace": return ["name": "Another"]
        case "updateWorkspace": return ["name": "Renamed"]
        case "updateMember": return ["role": "viewer"]
        case "setProjectMember": return ["role": "contributor"]
        case "transferOwnership": return ["user_id": .string(target)]
        case "createInvitation": return ["email": .string("invitee-\(unique)@example.com"), "role": "member"]
        case "acceptInvitation": return ["name": "Pat", "password": "mauve kettle orbit"]
        case "createApiKey": return ["name": "k"]
        case "updateApiKey": return ["name": "renamed"]
        case "createProject": return ["name": "Ops", "key": "OPS"]
        case "updateProject": return ["name": "Web 2"]
        case "createTask": return ["project_id": .string(project), "title": "new", "parent_id": .string(task)]
        case "bulkTasks": return ["action": "update", "task_ids": [.string(otherTask)], "changes": ["priority": "high"]]
        case "updateTask": return ["title": "changed"]
        case "moveTask": return ["status": "review"]
        case "createComment": return ["body": "hello"]
        case "createSavedFilter": return ["name": .string("f-\(unique)"), "filters": ["status": ["done"]]]
        case "updateSavedFilter": return ["name": "renamed"]
        case "createWorker": return ["name": .string("w-\(unique)")]
        case "updateWorker": return ["name": "renamed"]
        case "workerHeartbeat": return ["status": "working"]
        case "disconnectWorker": return [:]
        case "claimTask": return [:]
        case "appendExecutionLogs": return ["entries": [["stream": "stdout", "loop": 1, "text": "hello"]]]
        case "finishExecution": return ["outcome": "succeeded"]
        case "requestCompletion": return ["summary": "done"]
        case "reviewTask": return ["decision": "approve"]
        case "addDependency": return ["depends_on_task_id": .string(otherTask)]
        case "renderMarkdown": return ["texts": ["*hi*"]]
        case "logout", "revokeSession", "cancelExecution", "rotateWorkerKey", "resendInvitation": return nil
        default: return nil
        }
    }
}
