import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@testable import TaskinfaStore

@Suite struct SearchTests {
    @Test func searchStaysCorrectThroughEditsMovesCommentsAndDeletes() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "SS")
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            func search(_ q: String) async throws -> [String] {
                let reply = try await api.call(.get, base + "?q=\(q)", as: account.credential)
                #expect(reply.status == .ok, "\(reply.text)")
                return reply.json["tasks"]?.array?.compactMap { $0["key"]?.string } ?? []
            }
            try await api.task(account, project: project, title: "Refresh the auth token", extra: ["description": "OAuth flow"])
            try await api.task(account, project: project, title: "Dark mode", extra: ["labels": ["frontend"]])
            #expect(try await search("auth") == ["SS-1"])
            #expect(try await search("oau") == ["SS-1"])
            #expect(try await search("front") == ["SS-2"])
            #expect(try await search("refresh%20tok") == ["SS-1"])
            #expect(try await search("refresh%20dark").isEmpty)

            _ = try await api.call(.patch, "/api/v1/tasks/SS-1", json: ["title": "Rotate the session key"], as: account.credential)
            #expect(try await search("refresh").isEmpty)
            #expect(try await search("rotate") == ["SS-1"])

            _ = try await api.call(.post, "/api/v1/tasks/SS-2/move", json: ["status": "done"], as: account.credential)
            #expect(try await search("dark") == ["SS-2"])

            _ = try await api.call(.post, "/api/v1/tasks/SS-2/comments", json: ["body": "needs contrast checking"], as: account.credential)
            #expect(try await search("contrast") == ["SS-2"])

            _ = try await api.call(.delete, "/api/v1/tasks/SS-2", as: account.credential)
            #expect(try await search("contrast").isEmpty)
            #expect(try await search("dark").isEmpty)
        }
    }

    @Test func titleMatchesRankAboveDescriptionMatches() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "RR")
            try await api.task(account, project: project, title: "Unrelated", extra: ["description": "mentions billing once"])
            try await api.task(account, project: project, title: "Billing page")
            let reply = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/tasks?q=billing", as: account.credential)
            #expect(reply.json["tasks"]?.array?.compactMap { $0["key"]?.string } == ["RR-2", "RR-1"])
            let sorted = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?q=billing&sort=created_at", as: account.credential)
            #expect(sorted.json["tasks"]?.array?.compactMap { $0["key"]?.string } == ["RR-1", "RR-2"])
        }
    }

    /// A prefix longer than the index's prefix index is looked up as the words it begins
    /// (`SearchWords`); the answer must be the one the prefix itself gives, whichever way it goes.
    @Test func aLongPrefixFindsEveryWordItBegins() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "LP")
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            func search(_ q: String) async throws -> Set<String> {
                let reply = try await api.call(.get, base + "?q=\(q)&limit=100", as: account.credential)
                #expect(reply.status == .ok, "\(reply.text)")
                return Set(reply.json["tasks"]?.array?.compactMap { $0["title"]?.string } ?? [])
            }
            for title in ["zebra crossing", "Zebrafish tank", "two zebras", "zebroid", "ÜBERWEISUNG prüfen"] {
                try await api.task(account, project: project, title: title)
            }
            _ = try await api.call(.delete, "/api/v1/tasks/LP-4", as: account.credential)
            _ = try await api.call(.post, "/api/v1/tasks/LP-1/comments", json: ["body": "zebrawood sample"], as: account.credential)
            #expect(try await search("zebr") == ["zebra crossing", "Zebrafish tank", "two zebras"])
            #expect(try await search("zebraw") == ["zebra crossing"])
            #expect(try await search("zebras%20cross").isEmpty)
            #expect(try await search("two%20zebr") == ["two zebras"])
            // Not plain ASCII: left to each engine's own folding, which both share for this.
            #expect(try await search("%C3%BCberw") == ["ÜBERWEISUNG prüfen"])

            // More words than are worth looking up one by one: the prefix answers as it is.
            var many = Set<String>()
            for index in 0..<(SearchWords.maxWords + 4) {
                let title = "quartz\(String(UnicodeScalar(UInt8(97 + index))))x mine"
                many.insert(title)
                try await api.task(account, project: project, title: title)
            }
            #expect(try await search("quartz") == many)
            #expect(try await search("quartzb") == ["quartzbx mine"])
        }
    }

    @Test func searchOperatorsAreJustWords() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "QQ")
            try await api.task(account, project: project, title: "Quote \"this\" NEAR that")
            let reply = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?q=%22this%22%20NEAR*%20(that", as: account.credential)
            #expect(reply.status == .ok)
            #expect(reply.json["tasks"]?.array?.count == 1)
        }
    }
}

@Suite struct SearchPagingTests {
    @Test func relevancePagesCoverEveryMatchOnce() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "PG")
            for index in 0..<7 {
                try await api.task(
                    account, project: project, title: index % 2 == 0 ? "invoice export \(index)" : "other \(index)",
                    extra: ["description": index % 2 == 0 ? "nothing" : "mentions invoice once"])
            }
            _ = try await api.call(.post, "/api/v1/tasks/PG-2/comments", json: ["body": "invoice question"], as: account.credential)
            var keys: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.call(
                    .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?q=invoice&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""),
                    as: account.credential)
                keys += page.json["tasks"]?.array?.compactMap { $0["key"]?.string } ?? []
                cursor = page.json["next_cursor"]?.string
            } while cursor != nil
            #expect(keys.count == 7 && Set(keys).count == 7)
            // Title matches first.
            #expect(Set(keys.prefix(4)) == ["PG-1", "PG-3", "PG-5", "PG-7"])
        }
    }
}
