import Foundation
import Testing

@testable import TaskinfaCore

/// Which ID tokens a sign-in accepts, and which domains a workspace may name.
@Suite struct SingleSignOnRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(
        issuer: String = "https://id.example.com/", audiences: [String] = ["taskinfa"], expires: TimeInterval = 300,
        nonce: String? = "n-1", authorizedParty: String? = nil
    ) -> SingleSignOnRules.Claims {
        .init(
            issuer: issuer, subject: "user-1", audiences: audiences, authorizedParty: authorizedParty,
            expires: now.addingTimeInterval(expires), issuedAt: now, nonce: nonce, email: "ann@example.com", emailVerified: true,
            name: "Ann")
    }

    static func check(_ claims: SingleSignOnRules.Claims) throws {
        try SingleSignOnRules.check(claims, issuer: "https://id.example.com", clientID: "taskinfa", nonce: "n-1", now: now)
    }

    @Test func aTokenForThisClientFromThisIssuerWithThisSignInsNonceIsAccepted() throws {
        try Self.check(Self.claims())
        try Self.check(Self.claims(audiences: ["taskinfa", "other"], authorizedParty: "taskinfa"))
        try Self.check(Self.claims(expires: -30))  // within the allowed clock skew
    }

    @Test(arguments: [
        claims(issuer: "https://evil.example.com"), claims(audiences: ["another-app"]), claims(expires: -120),
        claims(nonce: nil), claims(nonce: "n-2"), claims(audiences: ["taskinfa", "other"]),
    ])
    func anythingElseIsRejected(_ claims: SingleSignOnRules.Claims) {
        #expect(throws: SingleSignOnRules.Rejected.self) { try Self.check(claims) }
    }

    @Test func domainsAreCleanedAndCheckedByName() throws {
        #expect(try SingleSignOnRules.domains([" Example.COM ", "@acme.test", "example.com"]) == ["example.com", "acme.test"])
        for bad in ["localhost", "exa mple.com", "example..com", "https://example.com", "*.example.com"] {
            #expect(throws: ValidationError.self, "\(bad)") { try SingleSignOnRules.domains([bad]) }
        }
        #expect(SingleSignOnRules.domain(of: "Ann@Example.com") == "example.com")
        #expect(throws: ValidationError.self) { try SingleSignOnRules.joinRole(.owner) }
    }
}

@Suite struct ProjectRoleRulesTests {
    @Test func projectRolesNarrowAndWidenMembersButNeverAdmins() {
        #expect(ProjectRole.lead.effective(over: .viewer) == .admin)
        #expect(ProjectRole.contributor.effective(over: .viewer) == .member)
        #expect(ProjectRole.viewer.effective(over: .member) == .viewer)
        #expect(ProjectRole.viewer.effective(over: .admin) == .admin)
        #expect(ProjectRole.viewer.effective(over: .owner) == .owner)
        #expect(ProjectRole.lead.effective(over: .member, keyRole: .member) == .member, "a key never above its own role")
    }
}
