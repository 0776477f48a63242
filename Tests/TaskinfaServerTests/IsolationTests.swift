import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

/// A second user probing the first user's resources, by cookie and by API key, on every route that
/// names a resource: each answers 404 (exactly like a resource that doesn't exist) and changes nothing.
@Suite struct IsolationTests {
    @Test func anotherWorkspacesResourcesAnswer404OnEveryRoute() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            let project = try await api.project(ann, key: "ANN")
            let task = try await api.task(ann, project: project, title: "Ann's secret")
            let taskID = task["id"]!.string!
            _ = try await api.call(.post, "/api/v1/tasks/\(taskID)/comments", json: ["body": "private"], as: ann.credential)
            let key = try await api.call(
                .post, "/api/v1/workspaces/\(ann.workspaceID)/api-keys", json: ["name": "k"], as: ann.credential)
            let keyID = key.json["api_key"]!["id"]!.string!
            let filter = try await api.call(
                .post, "/api/v1/workspaces/\(ann.workspaceID)/saved-filters", json: ["name": "f", "filters": [:]],
                as: ann.credential)
            let filterID = filter.json["id"]!.string!
            let annSession = try await api.call(.get, "/api/v1/auth/sessions", as: ann.credential).json["sessions"]![0]!["id"]!.string!

            let bob = try await api.signUp("Bob")
            let bobKey = try await api.apiKey(for: bob)
            let w = "/api/v1/workspaces/\(ann.workspaceID)"
            let probes: [(HTTPRequest.Method, String, JSONValue?)] = [
                (.get, w, nil), (.patch, w, ["name": "pwned"]), (.delete, w, nil),
                (.get, w + "/members", nil), (.patch, w + "/members/\(ann.userID)", ["role": "viewer"]),
                (.delete, w + "/members/\(ann.userID)", nil),
                (.get, w + "/api-keys", nil), (.post, w + "/api-keys", ["name": "x"]),
                (.patch, "/api/v1/api-keys/\(keyID)", ["name": "x"]), (.delete, "/api/v1/api-keys/\(keyID)", nil),
                (.get, w + "/projects", nil), (.post, w + "/projects", ["name": "x"]),
                (.get, "/api/v1/projects/\(project)", nil), (.patch, "/api/v1/projects/\(project)", ["name": "x"]),
                (.delete, "/api/v1/projects/\(project)", nil),
                (.get, w + "/tasks", nil), (.get, w + "/tasks?q=secret", nil),
                (.post, w + "/tasks", ["project_id": .string(project), "title": "x"]),
                (.post, w + "/tasks/bulk", ["action": "delete", "task_ids": [.string(taskID)]]),
                (.get, "/api/v1/tasks/\(taskID)", nil), (.get, "/api/v1/tasks/ANN-1", nil),
                (.patch, "/api/v1/tasks/\(taskID)", ["title": "x"]), (.delete, "/api/v1/tasks/\(taskID)", nil),
                (.post, "/api/v1/tasks/\(taskID)/move", ["status": "done"]),
                (.get, "/api/v1/tasks/\(taskID)/comments", nil), (.post, "/api/v1/tasks/\(taskID)/comments", ["body": "x"]),
                (.get, "/api/v1/tasks/\(taskID)/activity", nil), (.get, w + "/activity", nil),
                (.get, w + "/events?since=0", nil), (.get, w + "/events", nil),
                (.get, w + "/saved-filters", nil), (.post, w + "/saved-filters", ["name": "x", "filters": [:]]),
                (.patch, "/api/v1/saved-filters/\(filterID)", ["name": "x"]), (.delete, "/api/v1/saved-filters/\(filterID)", nil),
            ]
            for credential in [bob.credential, bobKey] {
                for (method, path, body) in probes {
                    let reply = try await api.call(method, path, json: body, as: credential)
                    // Creating a key needs a session (403 for a key) before membership is checked.
                    let allowed: Set<HTTPResponse.Status> =
                        path.hasSuffix("/api-keys") && method == .post ? [.notFound, .forbidden] : [.notFound]
                    #expect(allowed.contains(reply.status), "\(method) \(path) answered \(reply.status)")
                }
                let revoke = try await api.call(.delete, "/api/v1/auth/sessions/\(annSession)", as: bob.credential)
                #expect(revoke.status == .notFound)
            }
            // Bob's own views show nothing of Ann's.
            let bobsTasks = try await api.call(.get, "/api/v1/workspaces/\(bob.workspaceID)/tasks?q=secret", as: bob.credential)
            #expect(bobsTasks.json["tasks"]?.array?.isEmpty == true)
            // And nothing of Ann's changed.
            let check = try await api.call(.get, "/api/v1/tasks/\(taskID)", as: ann.credential)
            #expect(check.json["title"]?.string == "Ann's secret" && check.json["version"]?.int == 1)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: ann.credential).status == .ok)
        }
    }
}
