import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct ConcurrencyTests {
    @Test func concurrentMovesNeverLoseDuplicateOrMisorderTasks() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "CC")
            for index in 1...12 { try await api.task(account, project: project, title: "t\(index)") }
            let keys = (1...12).map { "CC-\($0)" }
            // 60 moves from 12 concurrent clients: to the top, before/after random cards, between columns.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<12 {
                    group.addTask {
                        var generator = SystemRandomNumberGenerator()
                        for _ in 0..<5 {
                            let key = keys[client]
                            let anchor = keys.randomElement(using: &generator)!
                            let status = ["todo", "todo", "review"].randomElement(using: &generator)!
                            var body: [String: JSONValue] = ["status": .string(status)]
                            if anchor != key { body[Bool.random(using: &generator) ? "before_id" : "after_id"] = .string(anchor) }
                            let reply = try await api.call(
                                .post, "/api/v1/tasks/\(key)/move", json: .object(body), as: account.credential)
                            // A reference card that is in the other column is a 400; nothing else may fail.
                            #expect(reply.status == .ok || reply.status == .badRequest, "\(reply.text)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let todo = try await api.column(account, "todo")
            let review = try await api.column(account, "review")
            #expect((todo + review).sorted() == keys.sorted())
            for status in ["todo", "review"] {
                let reply = try await api.call(
                    .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?status=\(status)&limit=200", as: account.credential)
                let positions = reply.json["tasks"]?.array?.compactMap { $0["position"]?.string } ?? []
                #expect(positions == positions.sorted() && Set(positions).count == positions.count)
            }
        }
    }

    @Test func concurrentCreatesGetDistinctNumbers() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "NN")
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<40 {
                    group.addTask { try await api.task(account, project: project, title: "n\(index)")["key"]!.string! }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(keys) == Set((1...40).map { "NN-\($0)" }))
            let column = try await api.column(account, "todo")
            #expect(column.count == 40)
        }
    }

    /// Creates arriving together (on PostgreSQL written together, several in one statement) are
    /// each written whole and alone: numbers without gaps per project, positions in order per
    /// column, labels, an event each with the task as answered and a sequence without gaps; a
    /// create refused (unknown project, assignee or parent) takes nothing from the others.
    @Test func createsArrivingTogetherAreEachWrittenWholeAndAlone() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let first = try await api.project(account, key: "AA")
            let second = try await api.project(account, key: "BB")
            let parent = try await api.task(account, project: first, title: "parent")["id"]!.string!
            let before = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/events?since=0&limit=200", as: account.credential)
            let lastSequence = try #require(before.json["last_id"]?.int)

            struct Outcome: Sendable {
                let index: Int
                let status: HTTPResponse.Status
                let task: JSONValue
                let fields: [String]
            }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        var body: [String: JSONValue] = [
                            "project_id": .string(index % 3 == 0 ? second : first), "title": .string("c\(index) “quoted” \\ \u{1F680}"),
                            "status": .string(index % 2 == 0 ? "todo" : "in_progress"),
                        ]
                        if index % 4 == 0 { body["labels"] = ["Bug", .string("c\(index)")] }
                        if index % 5 == 0 { body["assignee_id"] = .string(account.userID) }
                        if index % 7 == 0 { body["parent_id"] = .string(parent) }
                        if index == 11 { body["project_id"] = "prj_unknown" }
                        if index == 13 { body["assignee_id"] = "usr_unknown" }
                        if index == 17 { body["parent_id"] = "tsk_unknown" }
                        let reply = try await api.call(
                            .post, "/api/v1/workspaces/\(account.workspaceID)/tasks", json: .object(body), as: account.credential)
                        return Outcome(index: index, status: reply.status, task: reply.json, fields: reply.problemFields)
                    }
                }
                return try await group.reduce(into: [Int: Outcome]()) { $0[$1.index] = $1 }
            }
            #expect(outcomes[11]?.status == .badRequest && outcomes[11]?.fields == ["project_id"])
            #expect(outcomes[13]?.status == .badRequest && outcomes[13]?.fields == ["assignee_id"])
            #expect(outcomes[17]?.status == .badRequest && outcomes[17]?.fields == ["parent_id"])
            let created = outcomes.values.filter { $0.status == .created }.sorted { $0.index < $1.index }
            #expect(created.count == 57)

            // Numbers per project: 1 (the parent) and then every create, without gaps.
            let keys = created.compactMap { $0.task["key"]?.string }
            #expect(Set(keys.filter { $0.hasPrefix("AA-") }) == Set((2...(1 + keys.count { $0.hasPrefix("AA-") })).map { "AA-\($0)" }))
            #expect(Set(keys.filter { $0.hasPrefix("BB-") }) == Set((1...keys.count { $0.hasPrefix("BB-") }).map { "BB-\($0)" }))
            for outcome in created {
                let index = outcome.index
                #expect(outcome.task["parent_id"]?.string == (index % 7 == 0 ? parent : nil))
                #expect(outcome.task["assignee_id"]?.string == (index % 5 == 0 ? account.userID : nil))
                #expect(outcome.task["labels"] == (index % 4 == 0 ? ["Bug", .string("c\(index)")] : []))
            }
            for status in ["todo", "in_progress"] {
                let reply = try await api.call(
                    .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?status=\(status)&limit=200", as: account.credential)
                let positions = reply.json["tasks"]?.array?.compactMap { $0["position"]?.string } ?? []
                #expect(positions == positions.sorted() && Set(positions).count == positions.count)
            }
            let labelled = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?label=bug&limit=200", as: account.credential)
            #expect(labelled.json["tasks"]?.array?.count == created.count { $0.index % 4 == 0 })

            // One event per create, in a sequence without gaps, each carrying the task as answered.
            let after = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/events?since=\(lastSequence)&limit=200", as: account.credential)
            let events = after.json["events"]?.array ?? []
            #expect(events.compactMap { $0["id"]?.int } == Array((lastSequence + 1)...(lastSequence + created.count)))
            let answered = Dictionary(uniqueKeysWithValues: created.map { ($0.task["id"]!.string!, $0.task) })
            for event in events {
                let snapshot = event["data"]?["task"]
                let task = answered[snapshot?["id"]?.string ?? ""]
                for field in ["number", "key", "position", "title", "labels", "parent_id", "assignee_id", "status"] {
                    #expect(snapshot?[field] == task?[field], "\(field)")
                }
            }
            // The workspace's counter went on with them: the next write's event follows.
            try await api.task(account, project: second, title: "after")
            let next = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/events?since=\(lastSequence + created.count)", as: account.credential)
            #expect(next.json["events"]?.array?.compactMap { $0["id"]?.int } == [lastSequence + created.count + 1])
        }
    }

    @Test func concurrentUpdatesWithIfMatchLetExactlyOneWin() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "WW")
            try await api.task(account, project: project, title: "contested")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await api.call(
                            .patch, "/api/v1/tasks/WW-1", json: ["title": .string("writer \(index)")], as: account.credential,
                            headers: [.ifMatch: "\"1\""]
                        ).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 412 }.count == 9)
        }
    }
}
