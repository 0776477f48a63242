import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TaskinfaCore
import TaskinfaServer
import TaskinfaStore
import Testing

/// Two-factor sign-in end to end, with codes computed by this file's own RFC 6238 (not the
/// server's): enrolment, sign-in with a code, codes that work once, recovery codes that work
/// once, turning it off, and a workspace that demands it.
@Suite struct TwoFactorTests {
    /// RFC 6238 TOTP (SHA-1, 6 digits) of the base32 seed at `time`.
    static func code(_ base32: String, at time: Date) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var key: [UInt8] = []
        for character in base32 {
            value = value << 5 | alphabet.firstIndex(of: character)!
            bits += 5
            if bits >= 8 {
                key.append(UInt8((value >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        var counter = UInt64(time.timeIntervalSince1970 / 30).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[19] & 0x0f)
        let number = (Int(mac[offset] & 0x7f) << 24 | Int(mac[offset + 1]) << 16 | Int(mac[offset + 2]) << 8 | Int(mac[offset + 3])) % 1_000_000
        return String(format: "%06d", number)
    }

    @Test func theReferenceImplementationMatchesRFC6238() {
        // RFC 6238 appendix B, SHA-1, the 20-byte seed "12345678901234567890", 8 digits → last 6.
        let seed = TwoFactorRules.base32(Array("12345678901234567890".utf8))
        #expect(Self.code(seed, at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(Self.code(seed, at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
    }

    /// Enrols `account`; returns the base32 seed and the recovery codes.
    static func enrol(_ api: API, _ account: API.Account, at time: ManualClock) async throws -> (seed: String, recovery: [String]) {
        let enrolment = try await api.call(
            .post, "/api/v1/auth/two-factor/enrolment", json: ["password": "mauve kettle orbit"], as: account.credential)
        try #require(enrolment.status == .ok, "\(enrolment.text)")
        let seed = try #require(enrolment.json["secret"]?.string)
        #expect(enrolment.json["otpauth_uri"]?.string?.contains("secret=\(seed)") == true)
        #expect(enrolment.json["qr_svg"]?.string?.hasPrefix("<svg") == true)
        let enabled = try await api.call(
            .post, "/api/v1/auth/two-factor/enable", json: ["code": .string(code(seed, at: time.now))], as: account.credential)
        try #require(enabled.status == .ok, "\(enabled.text)")
        let recovery = enabled.json["recovery_codes"]?.array?.compactMap(\.string) ?? []
        return (seed, recovery)
    }

    static func login(_ api: API, _ email: String, code: String? = nil, recovery: String? = nil) async throws -> API.Reply {
        var body: [String: JSONValue] = ["email": .string(email), "password": "mauve kettle orbit"]
        if let code { body["totp_code"] = .string(code) }
        if let recovery { body["recovery_code"] = .string(recovery) }
        return try await api.call(.post, "/api/v1/auth/login", json: .object(body))
    }

    @Test func signingInTakesTheCurrentCodeOnceAndEachRecoveryCodeOnce() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.clock = time.clock }) { api in
            let ann = try await api.signUp("Ann")
            let other = try await Self.login(api, ann.email)
            let otherCookie = try #require(other.headers[.setCookie]?.split(separator: ";").first?.split(separator: "=").last)
            let (seed, recovery) = try await Self.enrol(api, ann, at: time)
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            // Turning it on ended the session opened without it; the one that turned it on stays.
            #expect(try await api.call(.get, "/api/v1/auth/me", as: .cookie(String(otherCookie))).status == .unauthorized)
            let me = try await api.call(.get, "/api/v1/auth/me", as: ann.credential)
            #expect(me.json["user"]?["two_factor_enabled"]?.bool == true)

            let withoutCode = try await Self.login(api, ann.email)
            #expect(withoutCode.status == .unauthorized)
            #expect(withoutCode.json["type"]?.string?.hasSuffix("two-factor-required") == true)
            #expect(withoutCode.headers[.setCookie] == nil)
            // The code the enrolment used is spent: the next step's works, and only once.
            #expect(try await Self.login(api, ann.email, code: Self.code(seed, at: time.now)).status == .unauthorized)
            time.advance(by: 30)
            let next = Self.code(seed, at: time.now)
            #expect(try await Self.login(api, ann.email, code: next).status == .ok)
            #expect(try await Self.login(api, ann.email, code: next).status == .unauthorized, "a code works once")
            #expect(try await Self.login(api, ann.email, code: "000000").status == .unauthorized)

            #expect(try await Self.login(api, ann.email, recovery: recovery[3]).status == .ok)
            #expect(try await Self.login(api, ann.email, recovery: recovery[3]).status == .unauthorized, "a recovery code works once")
            #expect(try await Self.login(api, ann.email, recovery: recovery[4].uppercased()).status == .ok, "typed in capitals")
            let status = try await api.call(.get, "/api/v1/auth/two-factor", as: ann.credential)
            #expect(status.json["enabled"]?.bool == true)
            #expect(status.json["recovery_codes_left"]?.int == 8)
        }
    }

    @Test func turningItOffTakesThePasswordAndACode() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.clock = time.clock }) { api in
            let ann = try await api.signUp("Ann")
            let (seed, recovery) = try await Self.enrol(api, ann, at: time)
            time.advance(by: 30)
            let wrongPassword = try await api.call(
                .post, "/api/v1/auth/two-factor/disable",
                json: ["password": "not my password", "code": .string(Self.code(seed, at: time.now))], as: ann.credential)
            #expect(wrongPassword.status == .badRequest && wrongPassword.problemFields == ["password"])
            let wrongCode = try await api.call(
                .post, "/api/v1/auth/two-factor/disable", json: ["password": "mauve kettle orbit", "code": "123456"], as: ann.credential)
            #expect(wrongCode.status == .badRequest && wrongCode.problemFields == ["code"])
            let renewed = try await api.call(
                .post, "/api/v1/auth/two-factor/recovery-codes",
                json: ["password": "mauve kettle orbit", "code": .string(recovery[0])], as: ann.credential)
            let fresh = renewed.json["recovery_codes"]?.array?.compactMap(\.string) ?? []
            #expect(renewed.status == .ok && fresh.count == 10)
            #expect(try await Self.login(api, ann.email, recovery: recovery[1]).status == .unauthorized, "the old codes died")
            let off = try await api.call(
                .post, "/api/v1/auth/two-factor/disable",
                json: ["password": "mauve kettle orbit", "code": .string(Self.code(seed, at: time.now))], as: ann.credential)
            #expect(off.status == .noContent, "\(off.text)")
            #expect(try await Self.login(api, ann.email).status == .ok)
        }
    }

    @Test func theSeedIsSealedInTheDatabase() async throws {
        let time = ManualClock()
        let configuration = try await TestApp.configured { $0.clock = time.clock }
        let box = try #require(configuration.secretBox)
        let app = try buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let api = API(client: client)
            let ann = try await api.signUp("Ann")
            let (seed, _) = try await Self.enrol(api, ann, at: time)
            try await Self.withStore(configuration) { store in
                let values = try await store.sealedSecrets.all()
                let value = try #require(values.first { $0.rowID == ann.userID && $0.column == "totp_secret" })
                #expect(value.sealed.hasPrefix("v1.\(box.current.id)."))
                let plain = try box.open(value.sealed, context: value.context)
                #expect(TwoFactorRules.base32(Array(plain.utf8)) == seed)
                #expect(!value.sealed.contains(seed) && !value.sealed.contains(plain))
                // Bound to its row: the same seal doesn't open as another account's.
                #expect(throws: (any Error).self) { try box.open(value.sealed, context: "users.totp_secret:usr_other") }
            }
        }
    }

    @Test func aWorkspaceThatRequiresItSendsMembersToEnrolFirst() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.clock = time.clock }) { api in
            let owner = try await api.signUp("Olga")
            let refused = try await api.call(
                .patch, "/api/v1/workspaces/\(owner.workspaceID)", json: ["require_two_factor": true], as: owner.credential)
            #expect(refused.status == .badRequest && refused.problemFields == ["require_two_factor"], "the owner hasn't enrolled")
            _ = try await Self.enrol(api, owner, at: time)
            let required = try await api.call(
                .patch, "/api/v1/workspaces/\(owner.workspaceID)", json: ["require_two_factor": true], as: owner.credential)
            #expect(required.status == .ok && required.json["require_two_factor"]?.bool == true)

            let bob = try await api.signUp("Bob")
            try await api.join(bob, workspaceOf: owner, as: "member")
            let blocked = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks", as: bob.credential)
            #expect(blocked.status == .forbidden)
            #expect(blocked.json["type"]?.string?.hasSuffix("two-factor-enrolment-required") == true)
            // His own workspace doesn't ask it of him.
            #expect(try await api.call(.get, "/api/v1/workspaces/\(bob.workspaceID)/tasks", as: bob.credential).status == .ok)
            _ = try await Self.enrol(api, bob, at: time)
            // Enrolling ended his other sessions but not this one, which now passes.
            #expect(try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks", as: bob.credential).status == .ok)
        }
    }

    @Test func aPasswordResetDoesNotSkipTheSecondFactor() async throws {
        let time = ManualClock()
        let configuration = try await TestApp.configured { $0.clock = time.clock }
        let app = try buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let api = API(client: client)
            let ann = try await api.signUp("Ann")
            let (seed, _) = try await Self.enrol(api, ann, at: time)
            // A reset link's token as the mail would carry it, queued through the store's own path.
            let token = "reset-token-for-the-test-0123456789abcdefghij"
            try await Self.withStore(configuration) { store in
                try await store.accounts.requestPasswordReset(
                    email: ann.email.lowercased(), tokenHash: SHA256.hash(data: Data(token.utf8)).hexString
                ) { user, expires in MailTemplates.passwordReset(to: user.email, link: "http://x/#\(token)", expires: expires) }
            }
            let reply = try await api.call(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": .string(token), "password": "copper lantern drift"])
            #expect(reply.status == .accepted, "set, but not signed in: \(reply.text)")
            #expect(reply.headers[.setCookie] == nil)
            let login = try await api.call(
                .post, "/api/v1/auth/login", json: ["email": .string(ann.email), "password": "copper lantern drift"])
            #expect(login.status == .unauthorized && login.json["type"]?.string?.hasSuffix("two-factor-required") == true)
            time.advance(by: 30)
            let full = try await api.call(
                .post, "/api/v1/auth/login",
                json: ["email": .string(ann.email), "password": "copper lantern drift", "totp_code": .string(Self.code(seed, at: time.now))])
            #expect(full.status == .ok)
        }
    }

    /// The store of a test server's database, opened beside it.
    static func withStore(_ configuration: ServerConfiguration, _ body: @Sendable (Store) async throws -> Void) async throws {
        let database = try Database(location: try configuration.databaseLocation(), logger: Logger(label: "test"))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await database.run() }
            try await database.prepare()
            do {
                try await body(Store(database: database, clock: configuration.clock))
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            group.cancelAll()
        }
    }
}
