import Foundation
import HTTPTypes
import TaskinfaCore
import TaskinfaServer
import Testing

/// Each analytics figure against a fixture built by hand with a clock the test moves, so every
/// expected number is known (the suite runs on SQLite and, in CI, on PostgreSQL).
@Suite struct AnalyticsTests {
    @Test func everyFigureMatchesAHandBuiltFixture() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.clock = time.clock }) { api in
            let owner = try await api.signUp()
            let web = try await api.project(owner, key: "WEB")
            let ops = try await api.project(owner, name: "Ops", key: "OPS")
            func move(_ key: String, _ status: String) async throws {
                let reply = try await api.call(.post, "/api/v1/tasks/\(key)/move", json: ["status": .string(status)], as: owner.credential)
                try #require(reply.status == .ok, "\(reply.text)")
            }
            // WEB: two medium tasks done after 1 h and 3 h of work, a high one done 4 h after it was
            // created (never started), one left in To Do.
            for title in ["a", "b", "c"] { try await api.task(owner, project: web, title: title) }
            try await api.task(owner, project: web, title: "d", extra: ["priority": "high"])
            try await move("WEB-1", "in_progress")
            time.advance(by: 3600)
            try await move("WEB-1", "done")
            try await move("WEB-2", "in_progress")
            time.advance(by: 3 * 3600)
            try await move("WEB-2", "done")
            try await move("WEB-4", "done")
            // Review: one task waiting far longer than the rest.
            for title in ["r1", "r2", "r3", "r4"] { try await api.task(owner, project: web, title: title, status: "backlog") }
            try await move("WEB-5", "review")
            time.advance(by: 5.5 * 3600)
            for key in ["WEB-6", "WEB-7", "WEB-8"] { try await move(key, "review") }
            time.advance(by: 1800)

            // OPS: one run succeeds (2 loops, tokens, cost), one fails; a minute each.
            try await api.task(owner, project: ops, title: "agent one")
            try await api.task(owner, project: ops, title: "agent two")
            let worker = try await api.worker(owner, name: "alpha", configuration: ["allowed_project_ids": [.string(ops)]])
            // A minute each, with a heartbeat halfway: a jump past the 45 s lease would let the
            // reaper expire the run before it finishes, when the machine is slow.
            func work(_ claim: JSONValue) async throws {
                time.advance(by: 30)
                _ = try await api.heartbeat(worker, running: [claim["execution"]?["id"]?.string ?? ""])
                time.advance(by: 30)
            }
            let first = try #require(try await api.claim(worker))
            try await work(first)
            _ = try await api.finish(
                worker, first, ["outcome": "succeeded", "loops": 2, "input_tokens": 100, "output_tokens": 50, "cost_usd": 0.5])
            let second = try #require(try await api.claim(worker))
            try await work(second)
            _ = try await api.finish(worker, second, ["outcome": "failed", "reason": "tests failed", "loops": 1])

            let web7 = try await api.call(
                .get, "/api/v1/workspaces/\(owner.workspaceID)/analytics?period=day&project_id=\(web)", as: owner.credential)
            #expect(web7.status == .ok, "\(web7.text)")
            let report = web7.json
            #expect(report["status_counts"]?["done"]?.int == 3)
            #expect(report["status_counts"]?["todo"]?.int == 1)
            #expect(report["status_counts"]?["review"]?.int == 4)
            let buckets = try #require(report["buckets"]?.array)
            #expect(buckets.count == 30)
            #expect(buckets.compactMap { $0["done"]?.int }.reduce(0, +) == 3)
            #expect(buckets.compactMap { $0["created"]?.int }.reduce(0, +) == 8)
            #expect(buckets.last?["remaining"]?.int == 5)
            let cycle = try #require(report["cycle_times"]?.array)
            let medium = try #require(cycle.first { $0["priority"]?.string == "medium" })
            #expect(medium["count"]?.int == 2 && medium["p50_seconds"]?.double == 3600 && medium["p90_seconds"]?.double == 10_800)
            let high = try #require(cycle.first { $0["priority"]?.string == "high" })
            #expect(high["p50_seconds"]?.double == 14_400 && high["p90_seconds"]?.double == 14_400)
            let bottlenecks = try #require(report["bottlenecks"]?.array)
            #expect(bottlenecks.map { $0["key"]?.string } == ["WEB-5"])
            #expect(bottlenecks.first?["age_seconds"]?.double == 21_720, "6 h and 2 min")
            #expect(bottlenecks.first?["column_median_seconds"]?.double == 1920, "30 min and 2 min")
            #expect(report["workers"]?.array?.isEmpty == true, "the agents worked on OPS only")

            let all = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/analytics", as: owner.credential).json
            #expect(all["period"]?.string == "week")
            let alpha = try #require(all["workers"]?[0])
            #expect(alpha["name"]?.string == "alpha" && alpha["runs"]?.int == 2 && alpha["succeeded"]?.int == 1)
            #expect(alpha["success_rate"]?.double == 0.5 && alpha["mean_loops"]?.double == 1.5)
            #expect(alpha["mean_duration_seconds"]?.double == 60 && alpha["retries"]?.int == 0)
            #expect(alpha["input_tokens"]?.int == 100 && alpha["output_tokens"]?.int == 50 && alpha["cost_usd"]?.double == 0.5)
            #expect(all["executors"]?[0]?["name"]?.string == "claude" && all["executors"]?[0]?["runs"]?.int == 2)
            #expect(all["stop_reasons"]?.array?.map { "\($0["outcome"]!.string!) \($0["reason"]!.string!) \($0["count"]!.int!)" } == ["failed tests failed 1"])

            let bad = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/analytics?period=year", as: owner.credential)
            #expect(bad.status == .badRequest)
            let elsewhere = try await api.signUp("Eve")
            let foreign = try await api.call(
                .get, "/api/v1/workspaces/\(elsewhere.workspaceID)/analytics?project_id=\(web)", as: elsewhere.credential)
            #expect(foreign.status == .notFound)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/analytics", as: elsewhere.credential).status == .notFound)
        }
    }

    @Test func theOverviewHasACardPerProject() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let web = try await api.project(owner, key: "WEB")
            _ = try await api.project(owner, name: "Ops", key: "OPS")
            try await api.task(owner, project: web, title: "one")
            try await api.task(owner, project: web, title: "two", status: "backlog")
            _ = try await api.call(.patch, "/api/v1/tasks/WEB-2", json: ["flagged": true], as: owner.credential)
            let worker = try await api.worker(owner)
            _ = try await api.heartbeat(worker, status: "idle")
            _ = try #require(try await api.claim(worker))
            let overview = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/overview", as: owner.credential).json
            let cards = try #require(overview["projects"]?.array)
            #expect(cards.map { $0["key"]?.string } == ["OPS", "WEB"])
            let card = cards[1]
            #expect(card["counts"]?["in_progress"]?.int == 1 && card["counts"]?["backlog"]?.int == 1)
            #expect(card["running"]?.int == 1 && card["flagged"]?.int == 1)
            #expect(card["latest_event"]?["type"]?.string == "execution.started")
            #expect(card["latest_event"]?["task_key"]?.string == "WEB-1")
            #expect(cards[0]["latest_event"] == nil)
            #expect(overview["workers_online"]?.int == 1 && overview["workers_total"]?.int == 1)
        }
    }
}
