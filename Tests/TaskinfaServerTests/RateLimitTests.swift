import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import TaskinfaCore
import TaskinfaServer
import TaskinfaStore
import Testing

/// The sign-in and sign-up limits with their real values, counted in the database: per address,
/// per account, across two server replicas on one database, and shut when the counters fail.
@Suite struct RateLimitTests {
    static func limited(_ configuration: inout ServerConfiguration) {
        configuration.signInsPerMinute = 5
        configuration.signUpsPerMinute = 3
        configuration.trustProxy = true
    }

    static func login(_ api: API, _ email: String, password: String = "wrong password here", from address: String? = nil)
        async throws -> API.Reply
    {
        var headers: HTTPFields = [:]
        if let address { headers[HTTPField.Name("X-Forwarded-For")!] = address }
        return try await api.call(
            .post, "/api/v1/auth/login", json: ["email": .string(email), "password": .string(password)], headers: headers)
    }

    @Test func anAPIKeyGetsItsRequestsPerMinuteAndThenWaits() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.apiRequestsPerMinute = 3; $0.clock = time.clock }) { api in
            let ann = try await api.signUp("Ann")
            let key = try await api.apiKey(for: ann)
            for request in 1...3 {
                let reply = try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: key)
                #expect(reply.status == .ok, "request \(request)")
                #expect(reply.headers[HTTPField.Name("RateLimit-Remaining")!] == "\(3 - request)")
            }
            let fourth = try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: key)
            #expect(fourth.status == .tooManyRequests)
            #expect(fourth.headers[.retryAfter] != nil && fourth.json["type"]?.string?.hasSuffix("rate-limited") == true)
            // Another key has its own allowance, and the person's browser session isn't counted.
            let other = try await api.apiKey(for: ann)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: other).status == .ok)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: ann.credential).status == .ok)
            time.advance(by: 121)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: key).status == .ok)
        }
    }

    @Test func anAPIKeysAllowanceHoldsForRequestsArrivingTogether() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.apiRequestsPerMinute = 10; $0.clock = time.clock }) { api in
            let ann = try await api.signUp("Ann")
            let key = try await api.apiKey(for: ann)
            // Hits that arrive together are counted together; each is still judged on its place.
            let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await api.call(.get, "/api/v1/workspaces/\(ann.workspaceID)/projects", as: key) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let allowed = replies.filter { $0.status == .ok }
            #expect(allowed.count == 10)
            #expect(replies.filter { $0.status == .tooManyRequests }.count == 20)
            let remaining = Set(allowed.compactMap { $0.headers[HTTPField.Name("RateLimit-Remaining")!] })
            #expect(remaining == Set((0..<10).map(String.init)))
        }
    }

    @Test func theSixthSignInOfAMinuteIsRefusedEvenWithTheRightPassword() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { Self.limited(&$0); $0.clock = time.clock }) { api in
            let ann = try await api.signUp("Ann")
            for attempt in 1...5 {
                let reply = try await Self.login(api, ann.email, from: "203.0.113.7")
                #expect(reply.status == .unauthorized, "attempt \(attempt)")
                #expect(reply.headers[HTTPField.Name("RateLimit-Limit")!] == "5")
                #expect(reply.headers[HTTPField.Name("RateLimit-Remaining")!] == "\(5 - attempt)")
            }
            let sixth = try await Self.login(api, ann.email, password: "mauve kettle orbit", from: "203.0.113.7")
            #expect(sixth.status == .tooManyRequests, "\(sixth.text)")
            let wait = Int(sixth.headers[.retryAfter] ?? "") ?? 0
            #expect(wait >= 1 && wait <= 120, "Retry-After \(wait)")
            #expect(sixth.headers[HTTPField.Name("RateLimit-Remaining")!] == "0")
            #expect(sixth.json["type"]?.string?.hasSuffix("rate-limited") == true)
            // Two minutes later the window has slid by: the right password works again.
            time.advance(by: 121)
            #expect(try await Self.login(api, ann.email, password: "mauve kettle orbit", from: "203.0.113.7").status == .ok)
        }
    }

    @Test func oneAccountIsLimitedFromManyAddressesAndOneAddressAcrossAccounts() async throws {
        try await TestApp.run(configure: { Self.limited(&$0) }) { api in
            let ann = try await api.signUp("Ann")
            for index in 1...5 { _ = try await Self.login(api, ann.email, from: "198.51.100.\(index)") }
            let spread = try await Self.login(api, ann.email, password: "mauve kettle orbit", from: "198.51.100.99")
            #expect(spread.status == .tooManyRequests, "the account's own limit, whatever the address")
            for index in 1...5 { _ = try await Self.login(api, "nobody\(index)@example.com", from: "192.0.2.1") }
            let sprayed = try await Self.login(api, "nobody9@example.com", from: "192.0.2.1")
            #expect(sprayed.status == .tooManyRequests, "the address's limit, whatever the account")
            #expect(try await Self.login(api, "fresh@example.com", from: "192.0.2.2").status == .unauthorized)
        }
    }

    @Test func theFourthSignUpOfAMinuteFromOneAddressIsRefused() async throws {
        try await TestApp.run(configure: { Self.limited(&$0) }) { api in
            for index in 1...4 {
                let reply = try await api.call(
                    .post, "/api/v1/auth/signup",
                    json: ["email": .string("new\(index)@example.com"), "password": "mauve kettle orbit", "name": "New"],
                    headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.50"])
                #expect(reply.status == (index <= 3 ? .created : .tooManyRequests), "sign-up \(index): \(reply.text)")
            }
        }
    }

    @Test func attemptsAlternatingBetweenTwoReplicasShareOneLimit() async throws {
        var configuration = try await TestApp.configuration()
        Self.limited(&configuration)
        let first = try buildApplication(configuration: configuration)
        let second = try buildApplication(configuration: configuration)
        try await first.test(.router) { one in
            let replicaOne = API(client: one)
            let ann = try await replicaOne.signUp("Ann")
            try await second.test(.router) { two in
                let replicaTwo = API(client: two)
                for attempt in 1...5 {
                    let replica = attempt.isMultiple(of: 2) ? replicaTwo : replicaOne
                    #expect(try await Self.login(replica, ann.email, from: "203.0.113.9").status == .unauthorized)
                }
                let sixth = try await Self.login(replicaTwo, ann.email, password: "mauve kettle orbit", from: "203.0.113.9")
                #expect(sixth.status == .tooManyRequests)
                #expect(try await Self.login(replicaOne, ann.email, password: "mauve kettle orbit", from: "203.0.113.9").status
                    == .tooManyRequests)
            }
        }
    }

    @Test(.enabled(if: !TestDatabase.usesPostgres, "drops a table of the SQLite file the server uses"))
    func signingInStaysShutWhenTheCountersFail() async throws {
        var configuration = try await TestApp.configuration()
        Self.limited(&configuration)
        let location = try configuration.databaseLocation()
        let app = try buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let api = API(client: client)
            let ann = try await api.signUp("Ann")
            let database = try Database(location: location, logger: Logger(label: "test"))
            try await database.prepare()
            try await database.write(workspace: nil) { sql in try await sql.raw("DROP TABLE rate_limits").run() }
            await database.close()
            let reply = try await Self.login(api, ann.email, password: "mauve kettle orbit")
            #expect(reply.status == .serviceUnavailable, "fails closed: \(reply.text)")
        }
    }
}

@Suite struct RateLimitRuleTests {
    @Test func theSlidingWindowWeighsThePreviousWindow() {
        let limit = RateLimit(name: "x", limit: 5, window: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // a window boundary (divisible by 60)
        #expect(limit.decide(current: 5, previous: 0, at: start).allowed)
        #expect(!limit.decide(current: 6, previous: 0, at: start).allowed)
        // A quarter into the window, three quarters of the previous window's 4 still count: 3 + 3 > 5.
        let quarter = start.addingTimeInterval(15)
        let refused = limit.decide(current: 3, previous: 4, at: quarter)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 15, "half of the previous window must slide out: at 30 s, 2 + 3 = 5")
        #expect(limit.decide(current: 3, previous: 4, at: start.addingTimeInterval(30)).allowed)
    }
}

/// Cookie-authenticated writes need the session's CSRF token as well as a same-origin request.
@Suite struct CSRFTests {
    @Test func aWriteWithTheCookieNeedsTheSessionsToken() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            guard case .cookie(let session) = ann.credential else { return }
            let me = try await api.call(.get, "/api/v1/auth/me", as: ann.credential)
            #expect(me.json["csrf_token"]?.string == CSRFToken.of(sessionToken: session))
            let body: JSONValue = ["name": "Web", "key": "WEB"]
            let path = "/api/v1/workspaces/\(ann.workspaceID)/projects"
            let missing = try await api.call(.post, path, json: body, as: ann.credential, csrf: false)
            #expect(missing.status == .forbidden && missing.text.contains("X-CSRF-Token"), "\(missing.text)")
            let forged = try await api.call(
                .post, path, json: body, as: ann.credential, headers: [HTTPField.Name(CSRFToken.header)!: String(repeating: "0", count: 64)])
            #expect(forged.status == .forbidden)
            let other = try await api.signUp("Bob")
            guard case .cookie(let otherSession) = other.credential else { return }
            let borrowed = try await api.call(
                .post, path, json: body, as: ann.credential,
                headers: [HTTPField.Name(CSRFToken.header)!: CSRFToken.of(sessionToken: otherSession)])
            #expect(borrowed.status == .forbidden, "another session's token is no good")
            #expect(try await api.call(.post, path, json: body, as: ann.credential).status == .created)
            let key = try await api.apiKey(for: ann)
            #expect(try await api.call(.post, path, json: ["name": "Ops", "key": "OPS"], as: key).status == .created, "keys need none")
            #expect(try await api.call(.post, "/api/v1/auth/logout", as: ann.credential, csrf: false).status == .forbidden)
        }
    }

    @Test func httpsIsRememberedOnceTheServerIsReachedOverIt() async throws {
        try await TestApp.run(configure: { $0.secureCookies = true }) { api in
            let reply = try await api.call(.get, "/healthz")
            #expect(reply.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
        try await TestApp.run { api in
            let plain = try await api.call(.get, "/healthz")
            #expect(plain.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }
}
