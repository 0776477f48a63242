import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

/// Each bad create body (besides `project_id`) and the fields its 400 must name.
private let invalidCreates: [([String: JSONValue], [String])] = [
    (["title": .string("")], ["title"]),
    (["title": .string(String(repeating: "x", count: 501))], ["title"]),
    (["title": .string("ok"), "labels": .array([.string("a"), .string("")])], ["labels[1]"]),
    (["title": .string("ok"), "due_date": .string("2026-02-30")], ["due_date"]),
    (["title": .string("ok"), "assignee_id": .string("usr_nobody")], ["assignee_id"]),
    (["title": .string("ok"), "parent_id": .string("tsk_missing")], ["parent_id"]),
    (["title": .string("ok"), "status": .string("doing")], ["status"]),
    (["title": .number(42)], ["title"]),
    (["title": .string("ok"), "surprise": .bool(true)], ["body"]),
]

@Suite struct TaskTests {
    @Test func creatingATaskHonoursTheStatusAndNumbersItInItsProject() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "WEB")
            let first = try await api.task(account, project: project, title: "First", status: "todo")
            let second = try await api.task(account, project: project, title: "Second", status: "in_progress")
            #expect(first["key"]?.string == "WEB-1" && first["status"]?.string == "todo")
            #expect(second["key"]?.string == "WEB-2" && second["status"]?.string == "in_progress")
            #expect(second["started_at"]?.string != nil)
            #expect(first["started_at"] == nil || first["started_at"]?.isNull == true)
            let byKey = try await api.call(.get, "/api/v1/tasks/web-2", as: account.credential)
            #expect(byKey.json["id"] == second["id"])
            #expect(byKey.headers[.eTag] == "\"1\"")
        }
    }

    @Test(arguments: invalidCreates)
    func everyInvalidFieldOfACreateIsNamed(body: [String: JSONValue], fields: [String]) async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            var object = body
            object["project_id"] = .string(project)
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/tasks", json: .object(object), as: account.credential)
            #expect(reply.status == .badRequest, "\(reply.text)")
            if fields == ["body"] {
                #expect(!reply.problemFields.isEmpty)
            } else {
                #expect(reply.problemFields == fields, "\(reply.text)")
            }
            let list = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/tasks", as: account.credential)
            #expect(list.json["tasks"]?.array?.isEmpty == true)
        }
    }

    @Test func aTaskInAnotherWorkspacesProjectIsRefused() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            let bob = try await api.signUp("Bob")
            let bobsProject = try await api.project(bob)
            let reply = try await api.call(
                .post, "/api/v1/workspaces/\(ann.workspaceID)/tasks",
                json: ["project_id": .string(bobsProject), "title": "sneaky"], as: ann.credential)
            #expect(reply.status == .badRequest)
            #expect(reply.problemFields == ["project_id"])
        }
    }

    @Test func aStaleIfMatchIsRefusedAndWritesNothing() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(account, project: project, title: "Shared")
            let path = "/api/v1/tasks/\(task["id"]!.string!)"
            let first = try await api.call(.patch, path, json: ["title": "Mine"], as: account.credential, headers: [.ifMatch: "\"1\""])
            #expect(first.status == .ok)
            #expect(first.headers[.eTag] == "\"2\"")
            let stale = try await api.call(.patch, path, json: ["title": "Theirs"], as: account.credential, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            let move = try await api.call(.post, path + "/move", json: ["status": "done"], as: account.credential, headers: [.ifMatch: "\"1\""])
            #expect(move.status == .preconditionFailed)
            let delete = try await api.call(.delete, path, as: account.credential, headers: [.ifMatch: "W/\"1\""])
            #expect(delete.status == .preconditionFailed)
            let now = try await api.call(.get, path, as: account.credential)
            #expect(now.json["title"]?.string == "Mine" && now.json["version"]?.int == 2)
        }
    }

    @Test func nullClearsAFieldAndAbsentLeavesItAlone() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(
                account, project: project, title: "Due",
                extra: [
                    "description": "some *markdown*", "due_date": "2026-12-24",
                    "assignee_id": .string(account.userID), "labels": ["Bug", "bug", "UI"],
                ])
            #expect(task["labels"] == ["Bug", "UI"])
            let path = "/api/v1/tasks/\(task["id"]!.string!)"
            let kept = try await api.call(.patch, path, json: ["priority": "urgent"], as: account.credential)
            #expect(kept.json["due_date"]?.string == "2026-12-24" && kept.json["description"]?.string == "some *markdown*")
            let cleared = try await api.call(
                .patch, path, json: ["due_date": nil, "assignee_id": nil, "description": nil], as: account.credential)
            #expect(cleared.status == .ok)
            #expect(cleared.json["due_date"] == nil || cleared.json["due_date"]?.isNull == true)
            #expect(cleared.json["assignee_id"] == nil || cleared.json["assignee_id"]?.isNull == true)
            #expect(cleared.json["description"] == nil || cleared.json["description"]?.isNull == true)
            #expect(cleared.json["priority"]?.string == "urgent")
            let nullTitle = try await api.call(.patch, path, json: ["title": nil], as: account.credential)
            #expect(nullTitle.status == .badRequest)
        }
    }

    @Test func anUnchangedPatchKeepsTheVersion() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(account, project: project, title: "Same")
            let reply = try await api.call(.patch, "/api/v1/tasks/\(task["id"]!.string!)", json: ["title": "Same"], as: account.credential)
            #expect(reply.json["version"]?.int == 1)
        }
    }

    @Test func completionTimesFollowTheColumns() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            let task = try await api.task(account, project: project, title: "Flow", status: "todo")
            let path = "/api/v1/tasks/\(task["id"]!.string!)"
            let started = try await api.call(.patch, path, json: ["status": "in_progress"], as: account.credential)
            #expect(started.json["started_at"]?.string != nil)
            let done = try await api.call(.post, path + "/move", json: ["status": "done"], as: account.credential)
            #expect(done.json["completed_at"]?.string != nil)
            let reopened = try await api.call(.post, path + "/move", json: ["status": "todo"], as: account.credential)
            #expect(reopened.json["completed_at"] == nil || reopened.json["completed_at"]?.isNull == true)
            #expect(reopened.json["started_at"] == started.json["started_at"])
        }
    }

    @Test func movesPlaceATaskExactlyWhereAsked() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "MM")
            for title in ["a", "b", "c", "d"] { try await api.task(account, project: project, title: title) }
            #expect(try await api.column(account, "todo") == ["MM-1", "MM-2", "MM-3", "MM-4"])
            func move(_ key: String, _ body: JSONValue) async throws -> API.Reply {
                try await api.call(.post, "/api/v1/tasks/\(key)/move", json: body, as: account.credential)
            }
            #expect(try await move("MM-4", ["status": "todo", "before_id": "MM-1"]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-4", "MM-1", "MM-2", "MM-3"])
            #expect(try await move("MM-4", ["status": "todo", "after_id": "MM-2"]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-1", "MM-2", "MM-4", "MM-3"])
            #expect(try await move("MM-1", ["status": "todo"]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-2", "MM-4", "MM-3", "MM-1"])
            #expect(try await move("MM-3", ["status": "todo", "after_id": "MM-2", "before_id": "MM-4"]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-2", "MM-3", "MM-4", "MM-1"])
            // Neighbours that are no longer adjacent: the client's view is stale.
            #expect(try await move("MM-1", ["status": "todo", "after_id": "MM-2", "before_id": "MM-4"]).status == .conflict)
            // Into another column, between its cards.
            #expect(try await move("MM-4", ["status": "review"]).status == .ok)
            #expect(try await move("MM-2", ["status": "review", "before_id": "MM-4"]).status == .ok)
            #expect(try await api.column(account, "review") == ["MM-2", "MM-4"])
            #expect(try await api.column(account, "todo") == ["MM-3", "MM-1"])
            let wrongColumn = try await move("MM-1", ["status": "done", "before_id": "MM-3"])
            #expect(wrongColumn.status == .badRequest && wrongColumn.problemFields == ["before_id"])
            let itself = try await move("MM-1", ["status": "todo", "before_id": "MM-1"])
            #expect(itself.status == .badRequest)
            // After the last card: nothing below it.
            #expect(try await move("MM-3", ["status": "todo", "after_id": "MM-1"]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-1", "MM-3"])
            let unknown = try await move("MM-1", ["status": "todo", "after_id": "tsk_nothere"])
            #expect(unknown.status == .badRequest && unknown.problemFields == ["after_id"])
            // References by id as well as by key; the moved task named by its key is still itself.
            let firstID = try #require(try await api.call(.get, "/api/v1/tasks/MM-1", as: account.credential).json["id"]?.string)
            #expect(try await move("MM-3", ["status": "todo", "before_id": .string(firstID)]).status == .ok)
            #expect(try await api.column(account, "todo") == ["MM-3", "MM-1"])
            let itselfByID = try await move("MM-1", ["status": "todo", "after_id": .string(firstID)])
            #expect(itselfByID.status == .badRequest && itselfByID.problemFields == ["after_id"])
            let unknownKey = try await move("MM-1", ["status": "todo", "before_id": "MM-99"])
            #expect(unknownKey.status == .badRequest && unknownKey.problemFields == ["before_id"])
            #expect(try await move("MM-99", ["status": "todo", "before_id": "MM-1"]).status == .notFound)
        }
    }

    @Test func listsFilterSortAndPageWithoutGapsOrRepeats() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let web = try await api.project(account, name: "Web", key: "WEB")
            let api2 = try await api.project(account, name: "API", key: "API")
            for index in 0..<25 {
                try await api.task(
                    account, project: index % 2 == 0 ? web : api2, title: "Task \(index)",
                    status: ["backlog", "todo", "done"][index % 3],
                    extra: [
                        "priority": .string(["low", "medium", "high", "urgent"][index % 4]),
                        "labels": index % 5 == 0 ? ["Bug"] : [],
                        "assignee_id": index % 3 == 0 ? .string(account.userID) : nil,
                    ])
            }
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            func all(_ query: String) async throws -> [JSONValue] {
                var collected: [JSONValue] = []
                var cursor: String?
                repeat {
                    let separator = query.isEmpty ? "?" : "?\(query)&"
                    let page = try await api.call(
                        .get, base + separator + "limit=4" + (cursor.map { "&cursor=\($0)" } ?? ""), as: account.credential)
                    #expect(page.status == .ok, "\(page.text)")
                    collected += page.json["tasks"]?.array ?? []
                    cursor = page.json["next_cursor"]?.string
                } while cursor != nil
                return collected
            }
            let board = try await all("")
            #expect(board.count == 25)
            #expect(Set(board.compactMap { $0["id"]?.string }).count == 25)
            let order = ["backlog", "todo", "in_progress", "review", "done"]
            let columns: [Int] = board.compactMap { task in order.firstIndex(of: task["status"]?.string ?? "") }
            #expect(columns == columns.sorted())

            #expect(try await all("project_id=\(web)").count == 13)
            #expect(try await all("status=todo&status=done").count == 16)
            #expect(try await all("priority=urgent").count == 6)
            #expect(try await all("label=bug").count == 5)
            #expect(try await all("assignee=me").count == 9)
            #expect(try await all("assignee=none").count == 16)

            let byPriority = try await all("sort=priority")
            let ranks = byPriority.compactMap { ["urgent", "high", "medium", "low"].firstIndex(of: $0["priority"]?.string ?? "") }
            #expect(ranks == ranks.sorted())
            let newest = try await all("sort=created_at&order=desc")
            let times = newest.compactMap { $0["created_at"]?.string }
            #expect(times == times.sorted(by: >))
            let byTitle = try await all("sort=title")
            #expect(byTitle.compactMap { $0["title"]?.string } == byTitle.compactMap { $0["title"]?.string }.sorted())
        }
    }

    @Test func badListParametersAreNamed() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            let limit = try await api.call(.get, base + "?limit=0", as: account.credential)
            #expect(limit.status == .badRequest)
            let status = try await api.call(.get, base + "?status=doing", as: account.credential)
            #expect(status.status == .badRequest)
            let cursor = try await api.call(.get, base + "?cursor=nonsense", as: account.credential)
            #expect(cursor.status == .badRequest && cursor.problemFields == ["cursor"])
            let relevance = try await api.call(.get, base + "?sort=relevance", as: account.credential)
            #expect(relevance.status == .badRequest && relevance.problemFields == ["sort"])
        }
    }

    @Test func subtasksFilterByParentAndGoWithIt() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "PP")
            let parent = try await api.task(account, project: project, title: "Parent")
            let child = try await api.task(account, project: project, title: "Child", extra: ["parent_id": "PP-1"])
            #expect(child["parent_id"] == parent["id"])
            let base = "/api/v1/workspaces/\(account.workspaceID)/tasks"
            #expect(try await api.call(.get, base + "?parent_id=PP-1", as: account.credential).json["tasks"]?.array?.count == 1)
            #expect(try await api.call(.get, base + "?parent_id=none", as: account.credential).json["tasks"]?.array?.count == 1)
            let cycle = try await api.call(.patch, "/api/v1/tasks/PP-1", json: ["parent_id": "PP-2"], as: account.credential)
            #expect(cycle.status == .badRequest && cycle.problemFields == ["parent_id"])
            #expect(try await api.call(.delete, "/api/v1/tasks/PP-1", as: account.credential).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/tasks/PP-2", as: account.credential).status == .notFound)
        }
    }

    @Test func bulkChangesAreAllOrNothing() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "BB")
            for title in ["one", "two", "three"] { try await api.task(account, project: project, title: title) }
            let bulk = "/api/v1/workspaces/\(account.workspaceID)/tasks/bulk"
            let refused = try await api.call(
                .post, bulk, json: ["action": "update", "task_ids": ["BB-1", "BB-2", "tsk_nope"], "changes": ["priority": "urgent"]],
                as: account.credential)
            #expect(refused.status == .badRequest)
            #expect(refused.problemFields == ["task_ids[2]"])
            let untouched = try await api.call(.get, "/api/v1/tasks/BB-1", as: account.credential)
            #expect(untouched.json["priority"]?.string == "medium" && untouched.json["version"]?.int == 1)

            let badChange = try await api.call(
                .post, bulk, json: ["action": "update", "task_ids": ["BB-1"], "changes": ["labels": [""]]], as: account.credential)
            #expect(badChange.problemFields == ["changes.labels[0]"])

            let updated = try await api.call(
                .post, bulk, json: ["action": "update", "task_ids": ["BB-1", "BB-2"], "changes": ["priority": "high", "due_date": nil]],
                as: account.credential)
            #expect(updated.status == .ok)
            #expect(updated.json["tasks"]?.array?.allSatisfy { $0["priority"]?.string == "high" } == true)

            let moved = try await api.call(
                .post, bulk, json: ["action": "move", "task_ids": ["BB-3", "BB-1"], "status": "review"], as: account.credential)
            #expect(moved.status == .ok)
            #expect(try await api.column(account, "review") == ["BB-3", "BB-1"])

            let deleted = try await api.call(.post, bulk, json: ["action": "delete", "task_ids": ["BB-1", "BB-2"]], as: account.credential)
            #expect(deleted.json["deleted_ids"]?.array?.count == 2)
            #expect(try await api.column(account, "todo").isEmpty)
        }
    }

    @Test func commentsAreWrittenByTheCallerNeverByABodyField() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp("Ann")
            let project = try await api.project(account, key: "CC")
            _ = try await api.task(account, project: project, title: "Talk")
            let spoof = try await api.call(
                .post, "/api/v1/tasks/CC-1/comments", json: ["body": "hi", "author": "Mallory"], as: account.credential)
            #expect(spoof.status == .badRequest)
            let reply = try await api.call(
                .post, "/api/v1/tasks/CC-1/comments", json: ["body": "Please fix", "type": "human_message"], as: account.credential)
            #expect(reply.status == .created)
            #expect(reply.json["author"]?["name"]?.string == "Ann")
            #expect(reply.json["author"]?["type"]?.string == "user")
            #expect(reply.json["type"]?.string == "human_message")
            for index in 0..<4 {
                _ = try await api.call(.post, "/api/v1/tasks/CC-1/comments", json: ["body": .string("n\(index)")], as: account.credential)
            }
            let page1 = try await api.call(.get, "/api/v1/tasks/CC-1/comments?limit=3", as: account.credential)
            let cursor = try #require(page1.json["next_cursor"]?.string)
            let page2 = try await api.call(.get, "/api/v1/tasks/CC-1/comments?limit=3&cursor=\(cursor)", as: account.credential)
            let bodies = (page1.json["comments"]?.array ?? []) + (page2.json["comments"]?.array ?? [])
            #expect(bodies.compactMap { $0["body"]?.string } == ["Please fix", "n0", "n1", "n2", "n3"])
        }
    }

    @Test func savedFiltersArePersonal() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let base = "/api/v1/workspaces/\(account.workspaceID)/saved-filters"
            let created = try await api.call(
                .post, base, json: ["name": "Urgent bugs", "filters": ["priority": ["urgent"], "label": "bug", "sort": "priority"]],
                as: account.credential)
            #expect(created.status == .created)
            #expect(created.json["filters"]?["priority"] == ["urgent"])
            let id = created.json["id"]!.string!
            let invalid = try await api.call(
                .patch, "/api/v1/saved-filters/\(id)", json: ["filters": ["sort": "relevance"]], as: account.credential)
            #expect(invalid.status == .badRequest && invalid.problemFields == ["filters.sort"])
            // What it stores stays inside the contract: each column once, a project by its id.
            let repeated = try await api.call(
                .post, base, json: ["name": "Twice", "filters": ["status": ["todo", "todo", "done", "todo"]]], as: account.credential)
            #expect(repeated.json["filters"]?["status"] == ["todo", "done"])
            let badProject = try await api.call(
                .post, base, json: ["name": "Bad", "filters": ["project_id": .string(String(repeating: "é", count: 80))]],
                as: account.credential)
            #expect(badProject.status == .badRequest && badProject.problemFields == ["filters.project_id"])
            #expect(try await api.call(.delete, "/api/v1/saved-filters/\(repeated.json["id"]!.string!)", as: account.credential).status == .noContent)
            let renamed = try await api.call(.patch, "/api/v1/saved-filters/\(id)", json: ["name": "Hot"], as: account.credential)
            #expect(renamed.json["name"]?.string == "Hot" && renamed.json["filters"]?["label"]?.string == "bug")
            #expect(try await api.call(.get, base, as: account.credential).json["saved_filters"]?.array?.count == 1)
            #expect(try await api.call(.delete, "/api/v1/saved-filters/\(id)", as: account.credential).status == .noContent)
            #expect(try await api.call(.get, base, as: account.credential).json["saved_filters"]?.array?.isEmpty == true)
        }
    }
}
