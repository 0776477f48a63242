import AsyncHTTPClient
import Foundation
import NIOHTTP1
import TaskinfaCore
import Testing

/// What happens to data when the server process dies or is stopped: run against the real binary.
@Suite(.serialized) struct DurabilityTests {
    actor Acknowledged {
        var ids: [String] = []
        func add(_ id: String) { ids.append(id) }
    }

    @Test func killMinus9UnderConcurrentWritesLosesNothingAcknowledged() async throws {
        let dataDirectory = try TestDatabase.temporaryDirectory()
        let databaseURL = try await TestDatabase.make()
        let server = try await ServerProcess(dataDirectory: dataDirectory, databaseURL: databaseURL)
        let http = HTTP(port: server.port)
        let signup = try await http.call(
            .POST, "/api/v1/auth/signup", json: ["email": "crash@example.com", "password": "mauve kettle orbit"])
        let cookie = try #require(signup.headers["Set-Cookie"].first?.split(separator: ";").first?.split(separator: "=").last)
        let workspace = try #require(signup.json["workspace"]?["id"]?.string)
        let key = try await http.call(
            .POST, "/api/v1/workspaces/\(workspace)/api-keys", json: ["name": "writer"], cookie: String(cookie))
        let secret = try #require(key.json["secret"]?.string)
        let project = try await http.call(
            .POST, "/api/v1/workspaces/\(workspace)/projects", json: ["name": "Crash", "key": "CR"], bearer: secret)
        let projectID = try #require(project.json["id"]?.string)

        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<10_000 {
                        do {
                            let reply = try await http.call(
                                .POST, "/api/v1/workspaces/\(workspace)/tasks",
                                json: [
                                    "project_id": .string(projectID), "title": .string("w\(writer) #\(index) persistent"),
                                    "status": "todo",
                                ], bearer: secret)
                            if reply.status == 201, let id = reply.json["id"]?.string { await acknowledged.add(id) }
                        } catch {
                            return  // the server is gone
                        }
                    }
                }
            }
            group.addTask {
                // Kill in the middle of the stream of writes: once enough have been acknowledged.
                // Generous: the suite runs beside others, and on a loaded machine writes come slower.
                let deadline = ContinuousClock.now + .seconds(60)
                while await acknowledged.ids.count < 200 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                server.kill(SIGKILL)
            }
            try await group.waitForAll()
        }
        let acknowledgedIDs = await acknowledged.ids
        #expect(acknowledgedIDs.count >= 200, "too few writes before the kill to prove anything")
        #expect(await server.waitForExit(timeout: .seconds(5)) != nil)

        // Same data, new process.
        let restarted = try await ServerProcess(dataDirectory: dataDirectory, databaseURL: databaseURL)
        let again = HTTP(port: restarted.port)
        var stored = Set<String>()
        var cursor: String?
        repeat {
            let page = try await again.call(
                .GET, "/api/v1/workspaces/\(workspace)/tasks?limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""),
                bearer: secret)
            #expect(page.status == 200)
            stored.formUnion(page.json["tasks"]?.array?.compactMap { $0["id"]?.string } ?? [])
            cursor = page.json["next_cursor"]?.string
        } while cursor != nil
        let lost = Set(acknowledgedIDs).subtracting(stored)
        #expect(lost.isEmpty, "\(lost.count) acknowledged tasks are gone")
        // The restarted server keeps working on the same data: numbering, search, new writes.
        let next = try await again.call(
            .POST, "/api/v1/workspaces/\(workspace)/tasks", json: ["project_id": .string(projectID), "title": "after"],
            bearer: secret)
        #expect(next.status == 201)
        #expect(next.json["number"]?.int == stored.count + 1)
        let search = try await again.call(.GET, "/api/v1/workspaces/\(workspace)/tasks?q=persistent&limit=1", bearer: secret)
        #expect(search.json["tasks"]?.array?.count == 1)
        restarted.kill(SIGTERM)
        #expect(await restarted.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test(.enabled(if: TestDatabase.usesPostgres))
    func replicasStartingTogetherOnOneNewDatabaseMigrateItOnce() async throws {
        let url = try #require(try await TestDatabase.make())
        let folders = try (0..<3).map { _ in try TestDatabase.temporaryDirectory() }
        // Three replicas racing for the first migration of an empty database.
        async let first = ServerProcess(dataDirectory: folders[0], databaseURL: url)
        async let second = ServerProcess(dataDirectory: folders[1], databaseURL: url)
        async let third = ServerProcess(dataDirectory: folders[2], databaseURL: url)
        let replicas = try await [first, second, third]
        let http = replicas.map { HTTP(port: $0.port) }
        let signup = try await http[0].call(
            .POST, "/api/v1/auth/signup", json: ["email": "race@example.com", "password": "mauve kettle orbit"])
        #expect(signup.status == 201)
        let cookie = String(try #require(signup.headers["Set-Cookie"].first?.split(separator: ";").first?.split(separator: "=").last))
        for replica in http {
            #expect(try await replica.call(.GET, "/api/v1/auth/me", cookie: cookie).status == 200)
        }
        for replica in replicas { replica.kill(SIGTERM) }
    }

    @Test func sigtermEndsOpenStreamsAndExitsCleanly() async throws {
        let server = try await ServerProcess(
            dataDirectory: try TestDatabase.temporaryDirectory(), databaseURL: try await TestDatabase.make())
        let http = HTTP(port: server.port)
        let signup = try await http.call(
            .POST, "/api/v1/auth/signup", json: ["email": "term@example.com", "password": "mauve kettle orbit"])
        let cookie = String(try #require(signup.headers["Set-Cookie"].first?.split(separator: ";").first?.split(separator: "=").last))
        let workspace = try #require(signup.json["workspace"]?["id"]?.string)
        let started = ContinuousClock.now
        // An open event stream must not hold the shutdown up.
        let stream = Task {
            try await SSEClient.collect(
                port: server.port, path: "/api/v1/workspaces/\(workspace)/events", cookie: cookie, count: 1_000,
                timeout: .seconds(20), whileConnected: { server.kill(SIGTERM) })
        }
        let status = await server.waitForExit(timeout: .seconds(15))
        #expect(status == 0)
        #expect(ContinuousClock.now - started < .seconds(15))
        _ = try? await stream.value
    }
}
