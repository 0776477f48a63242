import Foundation
import HTTPTypes
import TaskinfaCore
import Testing

/// What the worker pages need beyond registration: a new key, disabling, the run history.
@Suite struct WorkerManagementTests {
    @Test func rotatingAKeyRevokesTheOldOneAndDisablingStopsNewWork() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let web = try await api.project(owner, key: "WEB")
            try await api.task(owner, project: web, title: "one")
            try await api.task(owner, project: web, title: "two")
            let worker = try await api.worker(owner)
            let first = try #require(try await api.claim(worker))
            _ = try await api.finish(worker, first, ["outcome": "failed", "reason": "no luck", "loops": 1])

            let rotated = try await api.call(.post, "/api/v1/workers/\(worker.id)/rotate-key", as: owner.credential)
            #expect(rotated.status == .ok)
            let secret = try #require(rotated.json["secret"]?.string)
            #expect(rotated.json["command"]?.string?.hasSuffix(secret) == true)
            #expect(try await api.heartbeat(worker, status: "idle").status == .unauthorized)
            let renewed = API.WorkerAccount(id: worker.id, key: .key(secret))
            #expect(try await api.heartbeat(renewed, status: "idle").status == .ok)
            let member = try await api.apiKey(for: owner, role: "member")
            #expect(try await api.call(.post, "/api/v1/workers/\(worker.id)/rotate-key", as: member).status == .forbidden)

            let disabled = try await api.call(.patch, "/api/v1/workers/\(worker.id)", json: ["enabled": false], as: owner.credential)
            #expect(disabled.json["enabled"]?.bool == false)
            #expect(try await api.claim(renewed) == nil)
            _ = try await api.call(.patch, "/api/v1/workers/\(worker.id)", json: ["enabled": true], as: owner.credential)
            #expect(try await api.claim(renewed) != nil)

            let history = try await api.call(.get, "/api/v1/workers/\(worker.id)/executions", as: owner.credential)
            let runs = try #require(history.json["executions"]?.array)
            #expect(runs.count == 2)
            #expect(runs.last?["task_key"]?.string == "WEB-1" && runs.last?["execution"]?["status"]?.string == "failed")
            #expect(runs.first?["execution"]?["executor"]?.string == "claude")
            let stranger = try await api.signUp("Eve")
            #expect(try await api.call(.get, "/api/v1/workers/\(worker.id)/executions", as: stranger.credential).status == .notFound)
        }
    }
}
