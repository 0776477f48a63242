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

    @Test func aGoodPasswordBreaksNoRule() {
        #expect(PasswordPolicy.violations(of: "Correct7Horse").isEmpty)
    }

    @Test(arguments: [
        ("Ab1", ["must be at least 8 characters"]),
        ("abcdefg1", ["must contain an upper-case letter"]),
        ("ABCDEFG1", ["must contain a lower-case letter"]),
        ("Abcdefgh", ["must contain a digit"]),
        ("abc", ["must be at least 8 characters", "must contain an upper-case letter", "must contain a digit"]),
    ])
    func everyBrokenPasswordRuleIsNamed(password: String, broken: [String]) {
        #expect(PasswordPolicy.violations(of: password) == broken)
    }

    @Test func passwordsLongerThanBcryptReadsAreRefused() {
        let long = "Aa1" + String(repeating: "x", count: 80)
        #expect(PasswordPolicy.violations(of: long) == ["must be at most 72 bytes"])
    }

    @Test func thePasswordMayNotBeTheEmail() {
        #expect(PasswordPolicy.violations(of: "Ann1@example.com", email: "ann1@example.com").contains("must not be the e-mail address"))
    }

    @Test func everyRuleFailureNamesThePasswordField() {
        #expect(throws: ValidationError([
            FieldError(field: "password", message: "must contain a digit")
        ])) { try PasswordPolicy.check("Abcdefgh") }
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
}
