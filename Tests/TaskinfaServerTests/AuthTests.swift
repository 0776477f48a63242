@testable import TaskinfaServer
import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct AuthTests {
    @Test func signingUpCreatesAPersonalWorkspaceAndSignsIn() async throws {
        try await TestApp.run { api in
            let reply = try await api.call(
                .post, "/api/v1/auth/signup", json: ["email": " Ann@Example.com ", "password": "mauve kettle orbit", "name": "Ann"])
            #expect(reply.status == .created)
            #expect(reply.json["user"]?["email"]?.string == "ann@example.com")
            #expect(reply.json["workspace"]?["role"]?.string == "owner")
            let cookie = try #require(reply.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let token = String(cookie.split(separator: ";")[0].split(separator: "=")[1])
            let me = try await api.call(.get, "/api/v1/auth/me", as: .cookie(token))
            #expect(me.status == .ok)
            #expect(me.json["workspaces"]?.array?.count == 1)
        }
    }

    @Test func aCookieIsSecureBehindHTTPS() async throws {
        try await TestApp.run(configure: { $0.secureCookies = true }) { api in
            let reply = try await api.call(
                .post, "/api/v1/auth/signup", json: ["email": "a@example.com", "password": "mauve kettle orbit"])
            #expect(reply.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test func theSameEmailCannotSignUpTwice() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/auth/signup", json: ["email": .string(account.email.uppercased()), "password": "mauve kettle orbit"])
            #expect(reply.status == .conflict)
            #expect(reply.problemFields == ["email"])
            #expect(reply.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func aWeakPasswordIsRefusedWithEveryBrokenRule() async throws {
        try await TestApp.run { api in
            let reply = try await api.call(
                .post, "/api/v1/auth/signup", json: ["email": "bad", "password": "abc"])
            #expect(reply.status == .badRequest)
            #expect(reply.problemFields == ["email", "password", "password"])
            let messages = reply.json["errors"]?.array?.compactMap { $0["message"]?.string } ?? []
            #expect(messages.contains("must be at least 12 characters (a few unrelated words make a strong one)"))
            #expect(messages.contains("is too easy to guess: it repeats a few characters"))
        }
    }

    @Test func aPassphraseIsEnoughAndCommonOrPersonalPasswordsAreRefused() async throws {
        try await TestApp.run { api in
            // No capital letter, no digit: length is what counts.
            let passphrase = try await api.call(
                .post, "/api/v1/auth/signup",
                json: ["email": "pat@example.com", "password": "correct horse battery staple", "name": "Pat Doe"])
            #expect(passphrase.status == .created)
            for (password, reason) in [
                ("Password2024!", "is too easy to guess: it is one of the most common passwords"),
                ("qwertyuiop[]", "is too easy to guess: it is a keyboard pattern or a sequence"),
                ("mauve kettle robinson", "must not contain your e-mail address or your name"),
            ] {
                let reply = try await api.call(
                    .post, "/api/v1/auth/signup",
                    json: ["email": "sam@example.com", "password": .string(password), "name": "Sam Robinson"])
                #expect(reply.status == .badRequest, "\(password)")
                #expect(reply.problemFields == ["password"], "\(password)")
                #expect(reply.json["errors"]?[0]?["message"]?.string == reason, "\(password)")
            }
        }
    }

    @Test func loginFailuresLookTheSameForUnknownAccounts() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let wrong = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(account.email), "password": "lantern harbour fig"])
            let unknown = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "lantern harbour fig"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.json["detail"] == unknown.json["detail"])
            let right = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(account.email), "password": "mauve kettle orbit"])
            #expect(right.status == .ok)
            #expect(right.headers[.setCookie] != nil)
        }
    }

    @Test func loggingOutEndsTheSessionOnTheServer() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let logout = try await api.call(.post, "/api/v1/auth/logout", as: account.credential)
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            // The old cookie no longer works anywhere, even if a client kept it.
            let me = try await api.call(.get, "/api/v1/auth/me", as: account.credential)
            #expect(me.status == .unauthorized)
        }
    }

    @Test func anotherSessionCanBeListedAndRevoked() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let second = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(account.email), "password": "mauve kettle orbit"],
                headers: [.userAgent: "phone"])
            let secondToken = String(second.headers[.setCookie]!.split(separator: ";")[0].split(separator: "=")[1])
            let list = try await api.call(.get, "/api/v1/auth/sessions", as: account.credential)
            let sessions = list.json["sessions"]?.array ?? []
            #expect(sessions.count == 2)
            let other = try #require(sessions.first { $0["current"] == .bool(false) })
            #expect(other["user_agent"]?.string == "phone")
            let revoke = try await api.call(
                .delete, "/api/v1/auth/sessions/\(other["id"]!.string!)", as: account.credential)
            #expect(revoke.status == .noContent)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: .cookie(secondToken)).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: account.credential).status == .ok)
        }
    }

    @Test func requestsWithoutCredentialsAreRefused() async throws {
        try await TestApp.run { api in
            let reply = try await api.call(.get, "/api/v1/workspaces")
            #expect(reply.status == .unauthorized)
            #expect(reply.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await api.call(.get, "/api/v1/workspaces", as: .key("tk_notarealkeyatallnotreal")).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/workspaces", as: .cookie("forged")).status == .unauthorized)
        }
    }

    @Test func anAPIKeyActsInItsWorkspace() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let key = try await api.apiKey(for: account)
            let me = try await api.call(.get, "/api/v1/auth/me", as: key)
            #expect(me.status == .ok)
            #expect(me.json["api_key"]?["preview"]?.string?.hasPrefix("tk_") == true)
            #expect(me.json["workspaces"]?[0]?["id"]?.string == account.workspaceID)
            // Keys can't mint keys: a leaked key must not be able to multiply itself.
            let minted = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/api-keys", json: ["name": "more"], as: key)
            #expect(minted.status == .forbidden)
        }
    }

    @Test func aRevokedOrExpiredKeyStopsWorking() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let created = try await api.call(
                .post, "/api/v1/workspaces/\(account.workspaceID)/api-keys", json: ["name": "ci", "expires_in_days": 30],
                as: account.credential)
            #expect(created.json["api_key"]?["expires_at"]?.string != nil)
            let secret = Credential.key(created.json["secret"]!.string!)
            let keyID = created.json["api_key"]!["id"]!.string!
            #expect(try await api.call(.get, "/api/v1/auth/me", as: secret).status == .ok)
            let renamed = try await api.call(.patch, "/api/v1/api-keys/\(keyID)", json: ["name": "ci-2"], as: account.credential)
            #expect(renamed.json["name"]?.string == "ci-2")
            #expect(try await api.call(.delete, "/api/v1/api-keys/\(keyID)", as: account.credential).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: secret).status == .unauthorized)
            let list = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/api-keys", as: account.credential)
            #expect(list.json["api_keys"]?.array?.isEmpty == true)
        }
    }

    @Test func aKeyCannotOutrankItsCreator() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let viewerKey = try await api.apiKey(for: account, role: "viewer")
            let me = try await api.call(.get, "/api/v1/auth/me", as: viewerKey)
            #expect(me.json["workspaces"]?[0]?["role"]?.string == "viewer")
        }
    }

    @Test func crossSiteWritesWithACookieAreRefused() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let reply = try await api.call(
                .post, "/api/v1/workspaces", json: ["name": "Evil"], as: account.credential,
                headers: [HTTPField.Name("Origin")!: "https://evil.example"])
            #expect(reply.status == .forbidden)
            let sameSite = try await api.call(
                .post, "/api/v1/workspaces", json: ["name": "Mine"], as: account.credential,
                headers: [HTTPField.Name("Origin")!: "http://localhost"])
            #expect(sameSite.status == .created)
        }
    }
}
