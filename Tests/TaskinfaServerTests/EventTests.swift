import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import TaskinfaCore
import TaskinfaServer
@testable import TaskinfaStore
import Testing

@Suite struct EventTests {
    @Test func sinceReturnsEventsAsJSONPages() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account)
            try await api.task(account, project: project, title: "One")
            let base = "/api/v1/workspaces/\(account.workspaceID)/events"
            let page = try await api.call(.get, base + "?since=0&limit=2", as: account.credential)
            #expect(page.status == .ok)
            let events = page.json["events"]?.array ?? []
            #expect(events.compactMap { $0["id"]?.int } == [1, 2])
            #expect(events.compactMap { $0["type"]?.string } == ["workspace.created", "project.created"])
            #expect(page.json["last_id"]?.int == 2)
            let next = try await api.call(.get, base + "?since=2", as: account.credential)
            #expect(next.json["events"]?[0]?["type"]?.string == "task.created")
            #expect(next.json["events"]?[0]?["data"]?["task"]?["title"]?.string == "One")
        }
    }

    /// A create's event carries the task as the create answered it: the number, key and position
    /// the store took (on PostgreSQL in SQL, in the insert's own statement) and the text as sent.
    @Test func aCreatedTasksEventCarriesTheTaskAsCreated() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "EV")
            var created: [JSONValue] = []
            for number in 1...3 {
                created.append(
                    try await api.task(
                        account, project: project, title: "Quote \" back\\slash \u{1F680} é #\(number)", status: "in_progress",
                        extra: ["labels": ["Bug", "ux"], "description": "line\nnext"]))
            }
            let page = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/events?since=2", as: account.credential)
            let snapshots = (page.json["events"]?.array ?? []).compactMap { $0["data"]?["task"] }
            #expect(snapshots.count == 3)
            for (snapshot, task) in zip(snapshots, created) {
                for field in ["id", "number", "key", "position", "title", "description", "labels", "status", "started_at", "version"] {
                    #expect(snapshot[field] == task[field], "\(field)")
                }
            }
            #expect(created.compactMap { $0["key"]?.string } == ["EV-1", "EV-2", "EV-3"])
            #expect(created.compactMap { $0["position"]?.string } == ["a0", "a1", "a2"])
        }
    }

    @Test func activityFeedsTellWhatHappenedAndWho() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp("Ann")
            let project = try await api.project(account, key: "AA")
            try await api.task(account, project: project, title: "Tracked")
            _ = try await api.call(.patch, "/api/v1/tasks/AA-1", json: ["priority": "high"], as: account.credential)
            _ = try await api.call(.post, "/api/v1/tasks/AA-1/move", json: ["status": "review"], as: account.credential)
            _ = try await api.call(.post, "/api/v1/tasks/AA-1/comments", json: ["body": "done?"], as: account.credential)
            let feed = try await api.call(.get, "/api/v1/tasks/AA-1/activity", as: account.credential)
            let events = feed.json["events"]?.array ?? []
            #expect(events.compactMap { $0["type"]?.string } == ["comment.created", "task.moved", "task.updated", "task.created"])
            #expect(events.allSatisfy { $0["actor"]?["name"]?.string == "Ann" })
            #expect(events[2]["data"]?["changes"]?["priority"] == ["from": "medium", "to": "high"])
            let taskID = events[0]["task_id"]!.string!
            _ = try await api.call(.delete, "/api/v1/tasks/AA-1", as: account.credential)
            let afterDelete = try await api.call(.get, "/api/v1/tasks/\(taskID)/activity?limit=1", as: account.credential)
            #expect(afterDelete.json["events"]?[0]?["type"]?.string == "task.deleted")
            #expect(afterDelete.json["next_cursor"]?.string != nil)

            let workspace = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/activity?limit=3", as: account.credential)
            let cursor = try #require(workspace.json["next_cursor"]?.string)
            let older = try await api.call(
                .get, "/api/v1/workspaces/\(account.workspaceID)/activity?limit=50&cursor=\(cursor)", as: account.credential)
            let ids = (workspace.json["events"]?.array ?? []) + (older.json["events"]?.array ?? [])
            #expect(ids.compactMap { $0["id"]?.int } == Array((1...7).reversed()))
        }
    }

    @Test func aStreamResumedWithLastEventIDMissesNothingAndRepeatsNothing() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "EE")
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"
            // 1 and 2 happened before we first connect; ask for everything from the start.
            let first = try await SSEClient.collect(
                port: port, path: path, cookie: cookie, lastEventID: 0, count: 4,
                whileConnected: {
                    try await api.task(account, project: project, title: "live 1")
                    try await api.task(account, project: project, title: "live 2")
                })
            #expect(first.frames.map(\.id) == [1, 2, 3, 4])
            #expect(first.frames.last?.event == "task.created")
            // Disconnected: the board keeps changing.
            for index in 0..<5 { try await api.task(account, project: project, title: "offline \(index)") }
            let resumed = try await SSEClient.collect(
                port: port, path: path, cookie: cookie, lastEventID: first.frames.last!.id, count: 7,
                whileConnected: {
                    _ = try await api.call(.post, "/api/v1/tasks/EE-1/move", json: ["status": "done"], as: account.credential)
                    _ = try await api.call(.post, "/api/v1/tasks/EE-1/comments", json: ["body": "ok"], as: account.credential)
                })
            #expect(resumed.frames.map(\.id) == Array(5...11))
            #expect(resumed.frames.suffix(2).map(\.event) == ["task.moved", "comment.created"])
        }
    }

    /// A commit whose signal never reached this server still reaches an open stream: the hub reads
    /// the log of every watched workspace now and then. The event is written through a connection
    /// of its own to the same database; on SQLite nothing tells the server (as with a replica whose
    /// notice was lost), on PostgreSQL its NOTIFY still does.
    @Test func anEventWhoseSignalWasLostStillReachesTheStream() async throws {
        let configuration = try await TestApp.configuration()
        try await TestApp.run(.live, configuration: configuration) { api in
            let account = try await api.signUp()
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            let elsewhere = try Database(location: configuration.databaseLocation(), logger: Logger(label: "test.elsewhere"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await elsewhere.run() }
                defer { group.cancelAll() }
                try await elsewhere.prepare()
                let result = try await SSEClient.collect(
                    port: port, path: "/api/v1/workspaces/\(account.workspaceID)/events", cookie: cookie, count: 1,
                    timeout: .seconds(60),
                    whileConnected: {
                        try await elsewhere.write(workspace: account.workspaceID) { sql in
                            let draft = try EventDraft(
                                type: .workspaceUpdated, actor: Actor(type: .system, id: "elsewhere", name: "Elsewhere"),
                                payload: ["note": "written elsewhere"])
                            try await EventLog.append(draft, workspace: account.workspaceID, on: sql, at: Date())
                        }
                    })
                #expect(result.frames.map(\.event) == ["workspace.updated"])
                #expect(result.frames.first?.data.contains("written elsewhere") == true)
            }
        }
    }

    @Test func aNewStreamStartsAtNowAndSendsKeepAlives() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            let project = try await api.project(account, key: "KK")
            let result = try await SSEClient.collect(
                port: port, path: "/api/v1/workspaces/\(account.workspaceID)/events", cookie: cookie, count: 1,
                whileConnected: {
                    try await Task.sleep(for: .milliseconds(1500))
                    try await api.task(account, project: project, title: "after the wait")
                })
            #expect(result.frames.map(\.event) == ["task.created"])
            #expect(result.frames[0].id == 3)
            #expect(result.comments.contains("keep-alive"))
        }
    }

    /// Up-to-date streams are written to by the hub itself (`EventHub.follow`): a burst of
    /// concurrent writes reaches every open stream whole, in order, each event once.
    @Test func aBurstReachesEveryOpenStreamInOrderAndOnce() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            let project = try await api.project(account, key: "BU")
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"
            let burst = 24
            let collect: @Sendable (@escaping @Sendable () async throws -> Void) async throws -> [SSEClient.Frame] = { inside in
                // Generous: the whole suite runs at once, and on PostgreSQL it shares two cores.
                try await SSEClient.collect(
                    port: port, path: path, cookie: cookie, count: burst, timeout: .seconds(60), whileConnected: inside
                ).frames
            }
            let streams = Frames()
            // Three streams open at once (each opens inside the one before), then the burst.
            let outer = try await collect {
                let middle = try await collect {
                    let inner = try await collect {
                        // Each create on its own connection: the test client has one, which would
                        // queue the burst one request behind the other (and time the last one out).
                        let http = HTTP(port: port, timeout: .seconds(60))
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for index in 0..<burst {
                                group.addTask {
                                    let reply = try await http.call(
                                        .POST, "/api/v1/workspaces/\(account.workspaceID)/tasks",
                                        json: ["project_id": .string(project), "title": .string("burst \(index)")], cookie: cookie)
                                    #expect(reply.status == 201, "create: \(reply.json)")
                                }
                            }
                            try await group.waitForAll()
                        }
                    }
                    await streams.add(inner)
                }
                await streams.add(middle)
            }
            await streams.add(outer)
            let all = await streams.all
            #expect(all.count == 3)
            for frames in all {
                let ids = frames.map(\.id)
                #expect(ids.count == burst)
                #expect(zip(ids, ids.dropFirst()).allSatisfy { $1 == $0 + 1 }, "ids \(ids)")
                #expect(Set(frames.map(\.event)) == ["task.created"])
                #expect(ids == all[0].map(\.id))
            }
        }
    }

    private actor Frames {
        var all: [[SSEClient.Frame]] = []
        func add(_ frames: [SSEClient.Frame]) { all.append(frames) }
    }
}
