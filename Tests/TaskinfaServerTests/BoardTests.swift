import Foundation
import HTTPTypes
import HummingbirdTesting
import TaskinfaCore
import Testing

/// What the board reads beside the tasks: column counts under a filter, due-date filters, the
/// counts on each card, the rule that keeps blocked work out of To Do and In Progress, and a
/// stream a browser can resume without headers.
@Suite struct BoardTests {
    @Test func columnCountsFollowTheFilter() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            let other = try await api.project(owner, name: "Ops", key: "OPS")
            for (status, priority) in [("todo", "high"), ("todo", "low"), ("done", "high"), ("review", "high")] {
                try await api.task(owner, project: project, title: "search me \(status)", status: status, extra: ["priority": .string(priority)])
            }
            try await api.task(owner, project: other, title: "elsewhere", status: "todo")
            let base = "/api/v1/workspaces/\(owner.workspaceID)/tasks/counts"
            let all = try await api.call(.get, base, as: owner.credential).json["counts"]
            #expect(all?["todo"]?.int == 3 && all?["done"]?.int == 1 && all?["review"]?.int == 1 && all?["backlog"]?.int == 0)
            let high = try await api.call(.get, base + "?priority=high&project_id=\(project)", as: owner.credential).json["counts"]
            #expect(high?["todo"]?.int == 1 && high?["done"]?.int == 1 && high?["in_progress"]?.int == 0)
            let searched = try await api.call(.get, base + "?q=search", as: owner.credential).json
            #expect(searched["counts"]?["todo"]?.int == 2 && searched["counts"]?["done"]?.int == 1)
            // A search says whether it counted every match (`SearchHitsTests` has one that didn't).
            #expect(searched["search_truncated"]?.bool == false)
            #expect(try await api.call(.get, base, as: owner.credential).json["search_truncated"] == nil)
            let board = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/board?q=search&project_id=\(project)", as: owner.credential)
            #expect(board.json["search_truncated"]?.bool == false)
            #expect(board.json["columns"]?.array?.compactMap { $0["count"]?.int } == [0, 2, 0, 1, 1])
            #expect(board.json["columns"]?[1]?["tasks"]?.array?.count == 2)
            // The counts follow moves between columns and projects, and deletes; a move within a
            // column changes nothing (they are kept by the database as the tasks change).
            try await api.call(.post, "/api/v1/tasks/WEB-1/move", json: ["status": "in_progress"], as: owner.credential)
            try await api.call(.post, "/api/v1/tasks/WEB-2/move", json: ["status": "todo", "before_id": "OPS-1"], as: owner.credential)
            try await api.call(.delete, "/api/v1/tasks/WEB-4", as: owner.credential)
            let later = try await api.call(.get, base, as: owner.credential).json["counts"]
            #expect(later?["todo"]?.int == 2 && later?["in_progress"]?.int == 1 && later?["review"]?.int == 0 && later?["done"]?.int == 1)
            let ops = try await api.call(.get, base + "?project_id=\(other)", as: owner.credential).json["counts"]
            #expect(ops?["todo"]?.int == 1 && ops?["in_progress"]?.int == 0)
            let stranger = try await api.signUp("Eve")
            #expect(try await api.call(.get, base, as: stranger.credential).status == .notFound)
            #expect(try await api.call(.get, base + "?priority=soon", as: owner.credential).status == .badRequest)
        }
    }

    @Test func theBoardComesInOneReadAndItsCursorsContinueInTheList() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            for index in 0..<5 { try await api.task(owner, project: project, title: "todo \(index)", status: "todo") }
            try await api.task(owner, project: project, title: "done", status: "done", extra: ["priority": "high"])
            let base = "/api/v1/workspaces/\(owner.workspaceID)"
            let board = try await api.call(.get, base + "/board?limit=2", as: owner.credential)
            #expect(board.status == .ok)
            let columns = try #require(board.json["columns"]?.array)
            #expect(columns.compactMap { $0["status"]?.string } == ["backlog", "todo", "in_progress", "review", "done"])
            let todo = columns[1]
            #expect(todo["count"]?.int == 5 && todo["tasks"]?.array?.compactMap { $0["key"]?.string } == ["WEB-1", "WEB-2"])
            #expect(todo["tasks"]?[0]?["summary"]?["comments"]?.int == 0)
            let cursor = try #require(todo["next_cursor"]?.string)
            let next = try await api.call(.get, base + "/tasks?status=todo&limit=2&cursor=\(cursor)", as: owner.credential)
            #expect(next.json["tasks"]?.array?.compactMap { $0["key"]?.string } == ["WEB-3", "WEB-4"])
            #expect(columns[0]["next_cursor"] == .null || columns[0]["next_cursor"] == nil)
            let some = try await api.call(.get, base + "/board?status=done&status=todo&priority=high", as: owner.credential)
            #expect(some.json["columns"]?.array?.compactMap { $0["status"]?.string } == ["todo", "done"])
            #expect(some.json["columns"]?[1]?["count"]?.int == 1 && some.json["columns"]?[0]?["count"]?.int == 0)
            let tooMany = try await api.call(.get, base + "/board?limit=500", as: owner.credential)
            #expect(tooMany.status == .badRequest)
            let stranger = try await api.signUp("Eve")
            #expect(try await api.call(.get, base + "/board", as: stranger.credential).status == .notFound)
        }
    }

    /// Under a search the board ranks the matches once for all columns: each column lists its own
    /// by relevance exactly as the list does for that column, and its cursor continues there.
    @Test func aSearchedBoardListsEachColumnByRelevanceAsTheListDoes() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            // The weakest match first, so that relevance and board order differ.
            try await api.task(owner, project: project, title: "quiet one", extra: ["description": "mentions falcon once"])
            try await api.task(owner, project: project, title: "falcon wing", extra: ["labels": ["falcon"]])
            try await api.task(owner, project: project, title: "falcon")
            try await api.task(owner, project: project, title: "labelled", extra: ["labels": ["falcon"]])
            try await api.task(owner, project: project, title: "falcon done", status: "done")
            try await api.task(owner, project: project, title: "no match")
            // Matches through a comment only, and through both its title and a comment.
            try await api.task(owner, project: project, title: "bird notes")
            try await api.call(.post, "/api/v1/tasks/WEB-7/comments", json: ["body": "a falcon, twice: falcon"], as: owner.credential)
            try await api.call(.post, "/api/v1/tasks/WEB-3/comments", json: ["body": "falcon"], as: owner.credential)
            let base = "/api/v1/workspaces/\(owner.workspaceID)"
            let list = try await api.call(.get, base + "/tasks?q=falcon&status=todo&limit=10", as: owner.credential)
            let ranked = list.json["tasks"]?.array?.compactMap { $0["key"]?.string } ?? []
            #expect(
                Set(ranked) == ["WEB-1", "WEB-2", "WEB-3", "WEB-4", "WEB-7"] && ranked != ["WEB-1", "WEB-2", "WEB-3", "WEB-4", "WEB-7"],
                "\(ranked)")

            let board = try await api.call(.get, base + "/board?q=falcon&limit=2", as: owner.credential)
            let columns = try #require(board.json["columns"]?.array, "\(board.text)")
            let todo = columns[1]
            #expect(todo["count"]?.int == 5)
            #expect(todo["tasks"]?.array?.compactMap { $0["key"]?.string } == Array(ranked.prefix(2)))
            let cursor = try #require(todo["next_cursor"]?.string)
            let next = try await api.call(.get, base + "/tasks?q=falcon&status=todo&limit=3&cursor=\(cursor)", as: owner.credential)
            #expect(next.json["tasks"]?.array?.compactMap { $0["key"]?.string } == Array(ranked.suffix(3)))
            #expect(columns[4]["tasks"]?.array?.compactMap { $0["key"]?.string } == ["WEB-5"] && columns[4]["count"]?.int == 1)
            // Reversed, as the list reverses it.
            let reversedList = try await api.call(.get, base + "/tasks?q=falcon&status=todo&order=desc", as: owner.credential)
            let reversedBoard = try await api.call(.get, base + "/board?q=falcon&order=desc&status=todo", as: owner.credential)
            #expect(
                reversedBoard.json["columns"]?[0]?["tasks"]?.array?.compactMap { $0["key"]?.string }
                    == reversedList.json["tasks"]?.array?.compactMap { $0["key"]?.string })
        }
    }

    @Test func dueDatesFilterByDayRanges() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            for (title, due) in [("past", "2026-11-30"), ("today", "2026-12-02"), ("next week", "2026-12-08")] {
                try await api.task(owner, project: project, title: title, extra: ["due_date": .string(due)])
            }
            try await api.task(owner, project: project, title: "someday")
            func titles(_ query: String) async throws -> [String] {
                try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks?\(query)&sort=due_date", as: owner.credential)
                    .json["tasks"]?.array?.compactMap { $0["title"]?.string } ?? []
            }
            #expect(try await titles("due_to=2026-12-01") == ["past"])
            #expect(try await titles("due_from=2026-12-02&due_to=2026-12-09") == ["today", "next week"])
            #expect(try await titles("due_from=2026-12-02") == ["today", "next week"])
            let bad = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks?due_from=tomorrow", as: owner.credential)
            #expect(bad.status == .badRequest && bad.problemFields == ["due_from"])
            let reversed = try await api.call(
                .get, "/api/v1/workspaces/\(owner.workspaceID)/tasks?due_from=2026-12-09&due_to=2026-12-01", as: owner.credential)
            #expect(reversed.status == .badRequest && reversed.problemFields == ["due_to"])
            let saved = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/saved-filters",
                json: ["name": "overdue", "filters": ["due_to": "2026-12-01"]], as: owner.credential)
            #expect(saved.status == .created && saved.json["filters"]?["due_to"]?.string == "2026-12-01")
        }
    }

    @Test func cardsCarryCommentSubtaskAndBlockedCounts() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            let parent = try await api.task(owner, project: project, title: "parent", status: "backlog")
            let parentID = try #require(parent["id"]?.string)
            let first = try await api.task(owner, project: project, title: "child 1", status: "done", extra: ["parent_id": .string(parentID)])
            try await api.task(owner, project: project, title: "child 2", status: "backlog", extra: ["parent_id": .string(parentID)])
            for body in ["one", "two"] {
                try await api.call(.post, "/api/v1/tasks/WEB-1/comments", json: ["body": .string(body)], as: owner.credential)
            }
            try await api.call(.post, "/api/v1/tasks/WEB-1/dependencies", json: ["depends_on_task_id": "WEB-3"], as: owner.credential)
            let listed = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks?status=backlog", as: owner.credential)
            let card = try #require(listed.json["tasks"]?.array?.first { $0["key"]?.string == "WEB-1" })
            #expect(card["summary"]?["comments"]?.int == 2)
            #expect(card["summary"]?["subtasks"]?.int == 2 && card["summary"]?["subtasks_done"]?.int == 1)
            #expect(card["summary"]?["blocked"] == .bool(true))
            #expect(first["summary"] == nil || first["summary"]?["blocked"] == .bool(false))
            try await api.call(.post, "/api/v1/tasks/WEB-3/move", json: ["status": "done"], as: owner.credential)
            let single = try await api.call(.get, "/api/v1/tasks/WEB-1", as: owner.credential).json
            #expect(single["summary"]?["blocked"] == .bool(false) && single["summary"]?["subtasks_done"]?.int == 2)
        }
    }

    @Test func aBlockedTaskCannotEnterToDoOrInProgress() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let project = try await api.project(owner)
            try await api.task(owner, project: project, title: "schema", status: "in_progress")
            try await api.task(owner, project: project, title: "importer", status: "backlog")
            try await api.task(owner, project: project, title: "already planned", status: "todo")
            try await api.task(owner, project: project, title: "also planned", status: "todo")
            for blocked in ["WEB-2", "WEB-3"] {
                let added = try await api.call(.post, "/api/v1/tasks/\(blocked)/dependencies", json: ["depends_on_task_id": "WEB-1"], as: owner.credential)
                #expect(added.status == .created)
            }
            for status in ["todo", "in_progress"] {
                let moved = try await api.call(.post, "/api/v1/tasks/WEB-2/move", json: ["status": .string(status)], as: owner.credential)
                #expect(moved.status == .conflict && moved.problemFields == ["status"])
                #expect(moved.json["detail"]?.string?.contains("WEB-1") == true)
                let patched = try await api.call(.patch, "/api/v1/tasks/WEB-2", json: ["status": .string(status)], as: owner.credential)
                #expect(patched.status == .conflict)
            }
            let bulk = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/tasks/bulk",
                json: ["action": "move", "status": "todo", "task_ids": ["WEB-2"]], as: owner.credential)
            #expect(bulk.status == .conflict)
            #expect(try await api.column(owner, "backlog") == ["WEB-2"])
            // Already in To Do before the dependency: it may stay and be reordered there.
            let reordered = try await api.call(.post, "/api/v1/tasks/WEB-3/move", json: ["status": "todo", "after_id": "WEB-4"], as: owner.credential)
            #expect(reordered.status == .ok)
            #expect(try await api.call(.post, "/api/v1/tasks/WEB-2/move", json: ["status": "review"], as: owner.credential).status == .ok)
            try await api.call(.post, "/api/v1/tasks/WEB-1/move", json: ["status": "done"], as: owner.credential)
            #expect(try await api.call(.post, "/api/v1/tasks/WEB-2/move", json: ["status": "todo"], as: owner.credential).status == .ok)
        }
    }

    @Test func aStreamResumesAfterTheQueryParameterUntilTheBrowserSendsItsOwn() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "RR")
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            for index in 0..<3 { try await api.task(account, project: project, title: "before \(index)") }
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"
            let resumed = try await SSEClient.collect(port: port, path: path + "?after=2", cookie: cookie, count: 2)
            #expect(resumed.frames.map(\.id) == [3, 4])
            // Last-Event-ID (the browser's reconnect) wins over the address it first used.
            let reconnected = try await SSEClient.collect(port: port, path: path + "?after=1", cookie: cookie, lastEventID: 3, count: 1)
            #expect(reconnected.frames.map(\.id) == [4])
            // An id this log never reached (a restored database): read everything again, then follow.
            let ahead = try await SSEClient.collect(
                port: port, path: path, cookie: cookie, lastEventID: 999, count: 2,
                whileConnected: { try await api.task(account, project: project, title: "after the reset") })
            let reset = try #require(ahead.frames.first)
            let lastID = try #require(reset.data.split(separator: ":").last.flatMap { Int64($0.dropLast()) })
            #expect(reset.event == "reset" && lastID >= 4)
            #expect(ahead.frames.last?.id == lastID + 1 && ahead.frames.last?.event == "task.created")
        }
    }
}
