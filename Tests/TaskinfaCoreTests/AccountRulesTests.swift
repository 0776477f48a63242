import Foundation
import Testing

@testable import TaskinfaCore

@Suite struct AccountRulesTests {
    @Test func emailsAreTrimmedAndLowerCased() throws {
        #expect(try Email.normalize("  Ann@Example.COM ") == "ann@example.com")
    }

    @Test(arguments: ["", "ann", "ann@", "@example.com", "ann@example", "ann @example.com", "ann@@example.com", "ann@.com"])
    func malformedEmailsAreRefused(_ email: String) {
        #expect(throws: ValidationError.self) { try Email.normalize(email) }
    }

    @Test(arguments: [
        "correct horse battery staple",  // a passphrase without a capital or digit
        "Tr0ub4dor&3xample", "mauve-kettle-orbit-42", "Ünïcödé pässwörd ok", String(repeating: "long enough ", count: 10),
    ])
    func passphrasesAndLongPasswordsAreAccepted(_ password: String) {
        #expect(PasswordPolicy.violations(of: password, email: "ann@example.com", name: "Ann Lee").isEmpty)
    }

    @Test func lengthIsTheRuleNotComposition() {
        #expect(PasswordPolicy.violations(of: "short words") == [
            "must be at least 12 characters (a few unrelated words make a strong one)"
        ])
        let longest = String(String(repeating: "mauve kettle orbit lantern ", count: 5).prefix(128))
        #expect(PasswordPolicy.violations(of: longest).isEmpty)
        #expect(PasswordPolicy.violations(of: longest + "t") == ["must be at most 128 characters"])
    }

    @Test(arguments: [
        ("password1234", "one of the most common passwords"), ("P@ssw0rd2024!", "one of the most common passwords"),
        ("iloveyou1234", "one of the most common passwords"), ("Welcome2Taskinfa", "one of the most common passwords"),
        ("thisismypassword", "one of the most common passwords"), ("qwertyuiop12", "keyboard pattern or a sequence"),
        ("1qaz2wsx3edc", "keyboard pattern or a sequence"), ("123456789012", "keyboard pattern or a sequence"),
        ("abcdefghijkl", "keyboard pattern or a sequence"), ("aaaaaaaaaaaa", "repeats a few characters"),
        ("abc123abc123", "repeats a short part"), ("letmeinletmein", "repeats a short part"),
    ])
    func guessablePasswordsAreRefusedSayingWhy(password: String, why: String) {
        let broken = PasswordPolicy.violations(of: password)
        #expect(broken.count == 1 && broken[0].hasPrefix("is too easy to guess: ") && broken[0].contains(why), "\(broken)")
    }

    @Test func thePasswordMayNotContainTheEmailOrTheName() {
        let message = "must not contain your e-mail address or your name"
        #expect(PasswordPolicy.violations(of: "annabel@example.com!", email: "annabel@example.com").contains(message))
        #expect(PasswordPolicy.violations(of: "mauve kettle annabel", email: "annabel@example.com").contains(message))
        #expect(PasswordPolicy.violations(of: "mauve kettle Okafor", name: "Chidi Okafor").contains(message))
        #expect(PasswordPolicy.violations(of: "mauve kettle orbit", name: "Al").isEmpty)
    }

    @Test func everyRuleFailureNamesThePasswordField() {
        #expect(throws: ValidationError([
            FieldError(field: "password", message: "must be at least 12 characters (a few unrelated words make a strong one)")
        ])) { try PasswordPolicy.check("mauve kettl") }
    }

    @Test func aMissingNameFallsBackToTheEmail() throws {
        #expect(try User.name(nil, email: "ann@example.com") == "ann")
        #expect(try User.name("  Ann  ", email: "x@y.z") == "Ann")
    }

    @Test func sessionsSlideButOnlyRenewAfterTheInterval() {
        let policy = SessionPolicy(idleLifetime: 3600, renewalInterval: 300)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let session = Session(
            id: "ses_1", userID: "usr_1", createdAt: start, lastSeenAt: start, expiresAt: policy.expiry(from: start),
            ipAddress: nil, userAgent: nil)
        #expect(!policy.needsRenewal(session, now: start.addingTimeInterval(299)))
        #expect(policy.needsRenewal(session, now: start.addingTimeInterval(300)))
        #expect(!policy.isExpired(session, now: start.addingTimeInterval(3599)))
        #expect(policy.isExpired(session, now: start.addingTimeInterval(3600)))
    }

    @Test func apiKeySecretsHaveThePrefixAndAShortPreview() {
        let secret = APIKeyRules.newSecret(.live)
        #expect(secret.hasPrefix("tk_") && secret.count == 46)
        let preview = APIKeyRules.preview(of: secret)
        #expect(preview.hasPrefix("tk_") && preview.count == 12 && preview.contains("…"))
        #expect(APIKeyRules.looksLikeKey(secret))
        #expect(!APIKeyRules.looksLikeKey("Bearer nonsense"))
    }

    @Test(arguments: [0, 366, -1])
    func apiKeyExpiryMustBeOneToThreeHundredSixtyFiveDays(_ days: Int) {
        #expect(throws: ValidationError(field: "expires_in_days", message: "must be between 1 and 365")) {
            try APIKeyRules.expiry(days: days, from: Date())
        }
    }

    @Test func randomIDsCarryTheirPrefix() {
        let id = SecureRandom.live.id(.task)
        #expect(id.hasPrefix("tsk_") && id.count == 24)
        #expect(SecureRandom.live.id(.task) != id)
    }

    @Test func theLiveRandomPoolNeverHandsOutTheSameBytesTwice() {
        // Across several refills of the pool: 64-bit draws that repeat would mean bytes reused.
        var seen = Set<[UInt8]>()
        for _ in 0..<2_000 { seen.insert(SecureRandom.live.bytes(8)) }
        #expect(seen.count == 2_000)
        #expect(SecureRandom.live.bytes(5_000).count == 5_000)
        let spread = Set(SecureRandom.live.bytes(4_096))
        #expect(spread.count > 200)
    }
}
