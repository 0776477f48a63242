import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOHTTP1
import TaskinfaCore
import TaskinfaServer
import Testing

/// Streams hold nothing without bound and outlive no credential: a reader that stops reading is
/// cut off and resumes where it was; revoking what opened a stream ends it within seconds.
@Suite struct StreamTests {
    @Test func revokingAKeyEndsItsStreamsWithinSeconds() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            let port = try #require(api.client.port)
            let created = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/api-keys", json: ["name": "dashboard"], as: account.credential)
            let secret = try #require(created.json["secret"]?.string)
            let keyID = try #require(created.json["api_key"]?["id"]?.string)
            let ended = try await SSEClient.timeUntilEnded(
                port: port, path: "/api/v1/workspaces/\(account.workspaceID)/events", credential: .key(secret),
                timeout: .seconds(10)
            ) {
                let revoked = try await api.call(.delete, "/api/v1/api-keys/\(keyID)", as: account.credential)
                #expect(revoked.status == .noContent)
            }
            let after = try #require(ended, "the stream outlived its revoked key")
            #expect(after < .seconds(5))
        }
    }

    @Test func onePersonHoldsAtMostTheirShareOfStreamsAcrossSessions() async throws {
        try await TestApp.run(.live, configure: { $0.streamsPerOwner = 2 }) { api in
            let account = try await api.signUp()
            let port = try #require(api.client.port)
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"
            let login = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(account.email), "password": "mauve kettle orbit"])
            let laptop = Credential.cookie(
                try #require(login.headers[.setCookie]?.split(separator: ";").first?.split(separator: "=").last.map(String.init)))
            let phone = account.credential
            // Two streams of the laptop's session fill the person's share; the phone's is refused,
            // and gets in once the laptop signs out (its streams end, their places come back).
            _ = try await SSEClient.timeUntilEnded(port: port, path: path, credential: laptop, timeout: .seconds(8)) {
                _ = try await SSEClient.timeUntilEnded(port: port, path: path, credential: laptop, timeout: .seconds(8)) {
                    do {
                        _ = try await SSEClient.timeUntilEnded(port: port, path: path, credential: phone, timeout: .seconds(1)) {}
                        Issue.record("a third stream of the same person was let in")
                    } catch SSEClient.SSEError.status(let code) {
                        #expect(code == 429)
                    }
                    #expect(try await api.call(.post, "/api/v1/auth/logout", as: laptop).status == .noContent)
                }
            }
            var reopened = false
            for _ in 0..<20 where !reopened {
                do {
                    _ = try await SSEClient.timeUntilEnded(port: port, path: path, credential: phone, timeout: .milliseconds(200)) {}
                    reopened = true
                } catch {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            #expect(reopened, "the ended streams gave their places back")
        }
    }

    @Test func endingASessionEndsItsStreamsAndNotTheOthers() async throws {
        try await TestApp.run(.live) { api in
            let account = try await api.signUp()
            let port = try #require(api.client.port)
            let login = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(account.email), "password": "mauve kettle orbit"])
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first?.split(separator: "=").last.map(String.init))
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"

            // A stream of the first session stays open while the second one ends.
            async let untouched = SSEClient.timeUntilEnded(
                port: port, path: path, credential: account.credential, timeout: .seconds(4)) {}
            let ended = try await SSEClient.timeUntilEnded(port: port, path: path, credential: .cookie(cookie), timeout: .seconds(10)) {
                let out = try await api.call(.post, "/api/v1/auth/logout", as: .cookie(cookie))
                #expect(out.status.code < 300)
            }
            let after = try #require(ended, "the stream outlived its session")
            #expect(after < .seconds(5))
            #expect(try await untouched == nil, "a stream of a live session was ended")
        }
    }

    @Test func aReaderThatStopsReadingIsCutOffAndResumesWithoutAGap() async throws {
        try await TestApp.run(.live, configure: {
            $0.streamBufferLimit = 64 * 1024
            $0.streamStallPatience = .seconds(1)
        }) { api in
            let account = try await api.signUp()
            let project = try await api.project(account, key: "SR")
            guard case .cookie(let cookie) = account.credential else { return }
            let port = try #require(api.client.port)
            let path = "/api/v1/workspaces/\(account.workspaceID)/events"
            let reader = try StalledReader(port: port, path: path, cookie: cookie)
            try await Task.sleep(for: .milliseconds(200))

            // About 8 MB of events while the reader reads nothing: 160 tasks of 50 KB each, more
            // than the kernel's socket buffers on both ends can hold.
            let description = String(repeating: "a long description, ", count: 2_500)
            for index in 0..<160 {
                try await api.task(account, project: project, title: "big \(index)", extra: ["description": .string(description)])
            }
            let latest = try await api.call(.get, path + "?since=0&limit=500", as: account.credential)
            let last = try #require(latest.json["events"]?.array?.last?["id"]?.int)

            let (text, closed) = reader.drain()
            #expect(closed, "the server kept a stalled reader's stream open")
            let pattern = try Regex(#"id: (\d+)\nevent: [^\n]+\ndata: [^\n]*\n\n"#)
            let complete = text.matches(of: pattern).compactMap { Int($0.output[1].substring ?? "") }
            #expect(complete.count < 160, "the stalled reader got every event: nothing was bounded")
            let resumeFrom = complete.last ?? 0

            let resumed = try await SSEClient.collect(
                port: port, path: path, cookie: cookie, lastEventID: Int64(resumeFrom), count: last - resumeFrom,
                timeout: .seconds(20))
            #expect(resumed.frames.map(\.id) == Array(Int64(resumeFrom + 1)...Int64(last)))
        }
    }

    /// The operator sets the share on the command line (`--streams-per-person`), and the real
    /// server keeps to it.
    @Test func theShareOfStreamsIsWhatTheServeFlagSays() async throws {
        let server = try await ServerProcess(
            dataDirectory: try TestDatabase.temporaryDirectory(), databaseURL: try await TestDatabase.make(),
            extra: ["--streams-per-person", "1"])
        defer { server.kill(SIGTERM) }
        let http = HTTP(port: server.port)
        let signup = try await http.call(
            .POST, "/api/v1/auth/signup", json: ["email": "streams@example.com", "password": "mauve kettle orbit"])
        let cookie = try #require(signup.headers["Set-Cookie"].first?.split(separator: ";").first?.split(separator: "=").last)
        let workspace = try #require(signup.json["workspace"]?["id"]?.string)
        let path = "/api/v1/workspaces/\(workspace)/events"
        _ = try await SSEClient.timeUntilEnded(port: server.port, path: path, credential: .cookie(String(cookie)), timeout: .seconds(3)) {
            do {
                _ = try await SSEClient.timeUntilEnded(port: server.port, path: path, credential: .cookie(String(cookie)), timeout: .seconds(1)) {}
                Issue.record("a second stream was let in past --streams-per-person 1")
            } catch SSEClient.SSEError.status(let code) {
                #expect(code == 429)
            }
        }
    }
}
