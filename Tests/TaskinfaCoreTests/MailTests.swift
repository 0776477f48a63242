import Foundation
import Testing

@testable import TaskinfaCore

@Suite struct MailTests {
    @Test func aMessageIsRenderedWithEncodedSubjectAndBase64Body() throws {
        let message = MailMessage(to: "bea@example.com", subject: "Owen invited you to Café", text: "Hello\nthere")
        let text = try message.rendered(
            from: "Taskinfa <taskinfa@example.com>", date: Date(timeIntervalSince1970: 1_800_000_000), messageID: "mail_1@example.com")
        #expect(text.contains("Subject: =?utf-8?B?\(Data("Owen invited you to Café".utf8).base64EncodedString())?=\r\n"))
        #expect(text.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"))
        #expect(text.contains("\r\n\r\n\(Data("Hello\r\nthere".utf8).base64EncodedString())\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
    }

    @Test func aLineBreakInAHeaderIsRefusedNotInjected() {
        let message = MailMessage(to: "bea@example.com", subject: "Hi\r\nBcc: eve@example.com", text: "x")
        #expect(throws: ValidationError.self) { try message.rendered(from: "a@b.co", date: .now, messageID: "1@b.co") }
        let invitation = MailTemplates.invitation(
            to: "bea@example.com", workspace: "Evil\r\nBcc: eve@example.com", inviter: "Owen", role: .member,
            link: "http://x/invite#t", expires: .now)
        #expect(!invitation.subject.contains { $0.isNewline }, "names are flattened into the subject")
    }

    @Test func failedSendsAreRetriedFurtherApartThenGivenUp() {
        #expect(MailRetry.delay(afterFailedAttempts: 1) == 60)
        #expect(MailRetry.delay(afterFailedAttempts: 2) == 300)
        #expect(MailRetry.delay(afterFailedAttempts: 5) == 14_400)
        #expect(MailRetry.delay(afterFailedAttempts: 6) == nil)
    }

    @Test func invitationsAreAcceptedOnceByTheInvitedAddressBeforeTheyExpire() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var invitation = Invitation(
            id: "inv_1", workspaceID: "wsp_1", email: "bea@example.com", role: .member, invitedBy: "usr_1", inviterName: "Owen",
            createdAt: now, expiresAt: now.addingTimeInterval(InvitationRules.validity))
        try InvitationRules.checkAcceptance(invitation, at: now, signedInAs: nil)
        try InvitationRules.checkAcceptance(invitation, at: now, signedInAs: "bea@example.com")
        #expect(throws: AccessError.self) { try InvitationRules.checkAcceptance(invitation, at: now, signedInAs: "eve@example.com") }
        #expect(throws: ConflictError.self) {
            try InvitationRules.checkAcceptance(invitation, at: now.addingTimeInterval(7 * 86_400), signedInAs: nil)
        }
        invitation.acceptedAt = now
        #expect(invitation.state(at: now) == .accepted)
        #expect(throws: NotFoundError.self) { try InvitationRules.checkAcceptance(invitation, at: now, signedInAs: nil) }
        #expect(InvitationRules.masked("bea@example.com") == "b••@example.com")
        #expect(throws: AccessError.self) { try InvitationRules.checkRole(.owner, invitedBy: .admin) }
        try InvitationRules.checkRole(.owner, invitedBy: .owner)
    }
}
