import Foundation
import HTTPTypes
import TaskinfaCore
import TaskinfaServer
import Testing

/// Invitations without a mail server: the inviter gets the link, the invited person follows it.
/// (With a real SMTP server the same flows run in the browser suite, reading the mail.)
@Suite struct InvitationTests {
    /// The secret after `#` of a link.
    static func token(_ reply: API.Reply) throws -> String {
        let link = try #require(reply.json["link"]?.string, "\(reply.text)")
        #expect(link.contains("/invite#"))
        return String(try #require(link.split(separator: "#").last))
    }

    func invite(_ api: API, _ inviter: API.Account, _ email: String, role: String = "member") async throws -> API.Reply {
        try await api.call(
            .post, "/api/v1/workspaces/\(inviter.workspaceID)/invitations", json: ["email": .string(email), "role": .string(role)],
            as: inviter.credential)
    }

    @Test func aNewcomerJoinsThroughTheLinkOnceAndOnlyOnce() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Owen")
            let made = try await invite(api, owner, " Bea@Example.com ")
            #expect(made.status == .created, "\(made.text)")
            #expect(made.json["invitation"]?["email"]?.string == "bea@example.com")
            #expect(made.json["invitation"]?["state"]?.string == "pending")
            #expect(made.json["invitation"]?["delivery"] == nil, "no mail server: nothing is queued")
            let token = try Self.token(made)

            let listed = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/invitations", as: owner.credential)
            #expect(listed.json["mail_configured"]?.bool == false)
            #expect(listed.json["invitations"]?.array?.count == 1)
            #expect(!listed.text.contains(token), "the list never shows a link")

            let preview = try await api.call(.get, "/api/v1/invitations/\(token)")
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(preview.json["inviter_name"]?.string == "Owen" && preview.json["account_exists"]?.bool == false)

            let empty = try await api.call(.post, "/api/v1/invitations/\(token)/accept", json: [:])
            #expect(empty.status == .badRequest)
            #expect(Set(empty.problemFields) == ["name", "password"])
            let weak = try await api.call(.post, "/api/v1/invitations/\(token)/accept", json: ["name": "Bea", "password": "password123"])
            #expect(weak.status == .badRequest && Set(weak.problemFields) == ["password"])

            let joined = try await api.call(
                .post, "/api/v1/invitations/\(token)/accept", json: ["name": "Bea", "password": "mauve kettle orbit"])
            #expect(joined.status == .ok, "\(joined.text)")
            #expect(joined.json["workspace"]?["id"]?.string == owner.workspaceID && joined.json["workspace"]?["role"]?.string == "member")
            #expect(joined.headers[.setCookie]?.contains("taskinfa_session=") == true, "signed in")
            let members = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/members", as: owner.credential)
            #expect(members.json["members"]?.array?.compactMap { $0["user"]?["email"]?.string }.contains("bea@example.com") == true)

            let again = try await api.call(
                .post, "/api/v1/invitations/\(token)/accept", json: ["name": "Mallory", "password": "mauve kettle orbit"])
            #expect(again.status == .notFound, "a used link is dead")
            #expect(try await api.call(.get, "/api/v1/invitations/\(token)").status == .notFound)
            let activity = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/activity", as: owner.credential)
            #expect(activity.text.contains("member.joined"))
        }
    }

    @Test func anExistingAccountAcceptsSignedInAsTheInvitedAddressOnly() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Owen")
            let carol = try await api.signUp("Carol")
            let dave = try await api.signUp("Dave")
            let token = try Self.token(try await invite(api, owner, carol.email, role: "viewer"))
            #expect(try await api.call(.get, "/api/v1/invitations/\(token)").json["account_exists"]?.bool == true)

            let anonymous = try await api.call(
                .post, "/api/v1/invitations/\(token)/accept", json: ["name": "Carol", "password": "mauve kettle orbit"])
            #expect(anonymous.status == .unauthorized, "the address has an account: sign in, don't make a second one")
            let forwarded = try await api.call(.post, "/api/v1/invitations/\(token)/accept", as: dave.credential)
            #expect(forwarded.status == .forbidden, "a forwarded link lets no one else in")
            #expect(forwarded.text.contains("c••@example.com") && !forwarded.text.contains(carol.email))

            let accepted = try await api.call(.post, "/api/v1/invitations/\(token)/accept", as: carol.credential)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let workspaces = try await api.call(.get, "/api/v1/workspaces", as: carol.credential)
            #expect(workspaces.json["workspaces"]?.array?.count == 2, "her own and the one she joined")
            let board = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/tasks", as: carol.credential)
            #expect(board.status == .ok)
            let write = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/projects", json: ["name": "X", "key": "XX"], as: carol.credential)
            #expect(write.status == .forbidden, "joined as a viewer")
            let twice = try await invite(api, owner, carol.email)
            #expect(twice.status == .conflict && twice.problemFields == ["email"], "already a member")
        }
    }

    @Test func onlyAdminsInviteAndOnlyOwnersInviteOwners() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Owen")
            let adminAccount = try await api.signUp("Ada")
            let memberAccount = try await api.signUp("Max")
            for (account, role) in [(adminAccount, "admin"), (memberAccount, "member")] {
                let token = try Self.token(try await invite(api, owner, account.email, role: role))
                #expect(try await api.call(.post, "/api/v1/invitations/\(token)/accept", as: account.credential).status == .ok)
            }
            let asAdmin = API.Account(
                credential: adminAccount.credential, userID: adminAccount.userID, workspaceID: owner.workspaceID, email: adminAccount.email)
            let asMember = API.Account(
                credential: memberAccount.credential, userID: memberAccount.userID, workspaceID: owner.workspaceID, email: memberAccount.email)
            #expect(try await invite(api, asAdmin, "new@example.com").status == .created)
            #expect(try await invite(api, asAdmin, "boss@example.com", role: "owner").status == .forbidden)
            #expect(try await invite(api, owner, "boss@example.com", role: "owner").status == .created)
            #expect(try await invite(api, asMember, "pal@example.com").status == .forbidden)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/invitations", as: memberAccount.credential).status == .forbidden)
            let key = try await api.apiKey(for: owner)
            let byKey = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations", json: ["email": "bot@example.com"], as: key)
            #expect(byKey.status == .forbidden, "a leaked key can't add people")
            let bad = try await invite(api, owner, "not an address")
            #expect(bad.status == .badRequest && bad.problemFields == ["email"])
            let stranger = try await api.signUp("Eve")
            let foreign = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/invitations", as: stranger.credential)
            #expect(foreign.status == .notFound)
        }
    }

    @Test func resendReplacesTheLinkRevokeKillsItAndSevenDaysEndIt() async throws {
        let time = ManualClock()
        try await TestApp.run(configure: { $0.clock = time.clock }) { api in
            let owner = try await api.signUp("Owen")
            let made = try await invite(api, owner, "sam@example.com")
            let first = try Self.token(made)
            let id = try #require(made.json["invitation"]?["id"]?.string)
            let resent = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations/\(id)/resend", as: owner.credential)
            #expect(resent.status == .ok && resent.json["invitation"]?["sent_count"]?.int == 2, "\(resent.text)")
            let second = try Self.token(resent)
            #expect(try await api.call(.get, "/api/v1/invitations/\(first)").status == .notFound, "the old link is dead")
            #expect(try await api.call(.get, "/api/v1/invitations/\(second)").status == .ok)

            time.advance(by: 7 * 86_400 + 1)
            let expired = try await api.call(.get, "/api/v1/invitations/\(second)")
            #expect(expired.status == .conflict, "\(expired.text)")
            let listed = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/invitations", as: owner.credential)
            #expect(listed.json["invitations"]?[0]?["state"]?.string == "expired")
            let late = try await api.call(
                .post, "/api/v1/invitations/\(second)/accept", json: ["name": "Sam", "password": "mauve kettle orbit"])
            #expect(late.status == .conflict)

            let third = try Self.token(try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations/\(id)/resend", as: owner.credential))
            let revoked = try await api.call(.delete, "/api/v1/workspaces/\(owner.workspaceID)/invitations/\(id)", as: owner.credential)
            #expect(revoked.status == .noContent)
            #expect(try await api.call(.get, "/api/v1/invitations/\(third)").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/invitations", as: owner.credential)
                .json["invitations"]?.array?.isEmpty == true)
            #expect(try await api.call(.delete, "/api/v1/workspaces/\(owner.workspaceID)/invitations/\(id)", as: owner.credential)
                .status == .notFound)
        }
    }

    @Test func ownershipIsHandedOverInOneStep() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Owen")
            let heir = try await api.signUp("Hal")
            let token = try Self.token(try await invite(api, owner, heir.email, role: "admin"))
            _ = try await api.call(.post, "/api/v1/invitations/\(token)/accept", as: heir.credential)
            let path = "/api/v1/workspaces/\(owner.workspaceID)/ownership"
            let byAdmin = try await api.call(.post, path, json: ["user_id": .string(owner.userID)], as: heir.credential)
            #expect(byAdmin.status == .forbidden)
            let toSelf = try await api.call(.post, path, json: ["user_id": .string(owner.userID)], as: owner.credential)
            #expect(toSelf.status == .badRequest && toSelf.problemFields == ["user_id"])
            let handed = try await api.call(.post, path, json: ["user_id": .string(heir.userID)], as: owner.credential)
            #expect(handed.status == .ok && handed.json["role"]?.string == "owner", "\(handed.text)")
            let roles = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/members", as: owner.credential)
                .json["members"]?.array?.reduce(into: [String: String]()) { $0[$1["user"]?["id"]?.string ?? ""] = $1["role"]?.string } ?? [:]
            #expect(roles == [owner.userID: "admin", heir.userID: "owner"])
            // The last owner can't leave or be demoted.
            let leave = try await api.call(.delete, "/api/v1/workspaces/\(owner.workspaceID)/members/\(heir.userID)", as: heir.credential)
            #expect(leave.status == .conflict)
        }
    }
}

/// Passwords: a change ends the other sessions; reset needs a mail server.
@Suite struct PasswordTests {
    @Test func changingThePasswordEndsEveryOtherSession() async throws {
        try await TestApp.run { api in
            let ann = try await api.signUp("Ann")
            let login = try await api.call(.post, "/api/v1/auth/login", json: ["email": .string(ann.email), "password": "mauve kettle orbit"])
            let other = try #require(login.headers[.setCookie]?.split(separator: ";").first?.split(separator: "=").last.map(String.init))
            let wrong = try await api.call(
                .post, "/api/v1/auth/password", json: ["current_password": "not it at all", "new_password": "copper lantern drift"],
                as: ann.credential)
            #expect(wrong.status == .badRequest && wrong.problemFields == ["current_password"])
            let weak = try await api.call(
                .post, "/api/v1/auth/password", json: ["current_password": "mauve kettle orbit", "new_password": "short"],
                as: ann.credential)
            #expect(weak.status == .badRequest && weak.problemFields.allSatisfy { $0 == "new_password" })
            let changed = try await api.call(
                .post, "/api/v1/auth/password", json: ["current_password": "mauve kettle orbit", "new_password": "copper lantern drift"],
                as: ann.credential)
            #expect(changed.status == .noContent, "\(changed.text)")
            #expect(try await api.call(.get, "/api/v1/auth/me", as: ann.credential).status == .ok, "this session stays")
            #expect(try await api.call(.get, "/api/v1/auth/me", as: .cookie(other)).status == .unauthorized, "the other one ended")
            let old = try await api.call(.post, "/api/v1/auth/login", json: ["email": .string(ann.email), "password": "mauve kettle orbit"])
            #expect(old.status == .unauthorized)
            let key = try await api.apiKey(for: ann)
            let byKey = try await api.call(
                .post, "/api/v1/auth/password", json: ["current_password": "copper lantern drift", "new_password": "mauve kettle orbit"],
                as: key)
            #expect(byKey.status == .forbidden)
        }
    }

    @Test func resetByMailIsOffWithoutAMailServer() async throws {
        try await TestApp.run { api in
            let reply = try await api.call(.post, "/api/v1/auth/password-reset", json: ["email": "ann@example.com"])
            #expect(reply.status == .serviceUnavailable, "\(reply.text)")
            let confirm = try await api.call(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": "made-up", "password": "copper lantern drift"])
            #expect(confirm.status == .badRequest && confirm.problemFields == ["token"])
        }
    }
}
