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
