import Foundation
import SQLKit
import TaskinfaCore

/// Invitations to a workspace: made, listed, resent and revoked by its admins; previewed and
/// accepted by whoever holds the link's token.
public struct InvitationRepository: Sendable {
    let store: Store

    /// Writes the e-mail of an invitation (given its link's expiry and the workspace's name), or
    /// nil when no mail server is configured and the inviter copies the link instead.
    public typealias Compose = @Sendable (_ invitation: Invitation, _ workspaceName: String) -> MailMessage?

    /// Invites `email` with `role`. An earlier invitation of the same address that is still open is
    /// replaced (its link stops working); an address that is already a member is a conflict.
    public func invite(_ scope: WorkspaceScope, email: String, role: Role, tokenHash: String, compose: @escaping Compose) async throws
        -> Invitation
    {
        try scope.require(.manageMembers)
        try InvitationRules.checkRole(role, invitedBy: scope.role)
        let now = store.now()
        let mailID = store.random.id(.mail)
        let invitation = Invitation(
            id: store.random.id(.invitation), workspaceID: scope.workspaceID, email: email, role: role,
            invitedBy: scope.userID, inviterName: scope.actor.name, createdAt: now,
            expiresAt: now.addingTimeInterval(InvitationRules.validity))
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let member = try await sql.raw(
                """
                SELECT 1 AS found FROM workspace_members m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = \(bind: scope.workspaceID) AND u.email = \(bind: email)
                """
            ).first()
            if member != nil { throw ConflictError("\(email) is already a member of this workspace", field: "email") }
            for open in try await sql.raw(
                """
                SELECT id, mail_id FROM invitations
                WHERE workspace_id = \(bind: scope.workspaceID) AND email = \(bind: email)
                  AND accepted_at IS NULL AND revoked_at IS NULL
                """
            ).all() {
                try await MailOutbox.withdraw(try open.optionalString("mail_id"), on: sql)
                try await sql.raw("UPDATE invitations SET revoked_at = \(bind: now.milliseconds) WHERE id = \(bind: try open.string("id"))").run()
            }
            let name = try await Self.workspaceName(scope.workspaceID, on: sql)
            let message = compose(invitation, name)
            if let message { try await MailOutbox.enqueue(message, id: mailID, on: sql, at: now) }
            try await sql.raw(
                """
                INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, inviter_name, created_at,
                                         expires_at, mail_id)
                VALUES (\(bind: invitation.id), \(bind: scope.workspaceID), \(bind: email), \(bind: role.rawValue),
                        \(bind: tokenHash), \(bind: scope.userID), \(bind: invitation.inviterName), \(bind: now.milliseconds),
                        \(bind: invitation.expiresAt.milliseconds), \(bind: message == nil ? nil : mailID))
                """
            ).run()
            var made = invitation
            if message != nil { made.delivery = MailDelivery(state: .queued, attempts: 0) }
            return made
        }
    }

    /// The invitations not yet accepted or revoked (pending and expired ones), newest first.
    public func open(_ scope: WorkspaceScope) async throws -> [Invitation] {
        try scope.require(.manageMembers)
        return try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT i.*, \(unsafeRaw: MailOutbox.deliveryColumns)
                FROM invitations i LEFT JOIN mail_outbox o ON o.id = i.mail_id
                WHERE i.workspace_id = \(bind: scope.workspaceID) AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                ORDER BY i.created_at DESC, i.id
                """
            ).all().map(Self.invitation(from:))
        }
    }

    /// A new link (the old one stops working), seven more days, and a new e-mail.
    public func resend(_ scope: WorkspaceScope, id: String, tokenHash: String, compose: @escaping Compose) async throws -> Invitation {
        try scope.require(.manageMembers)
        let now = store.now()
        let mailID = store.random.id(.mail)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            var invitation = try await Self.openInvitation(id, scope: scope, on: sql)
            try await MailOutbox.withdraw(try await Self.mailID(of: id, on: sql), on: sql)
            invitation.expiresAt = now.addingTimeInterval(InvitationRules.validity)
            invitation.sentCount += 1
            let message = compose(invitation, try await Self.workspaceName(scope.workspaceID, on: sql))
            if let message { try await MailOutbox.enqueue(message, id: mailID, on: sql, at: now) }
            try await sql.raw(
                """
                UPDATE invitations SET token_hash = \(bind: tokenHash), expires_at = \(bind: invitation.expiresAt.milliseconds),
                       sent_count = sent_count + 1, mail_id = \(bind: message == nil ? nil : mailID)
                WHERE id = \(bind: id)
                """
            ).run()
            invitation.delivery = message == nil ? nil : MailDelivery(state: .queued, attempts: 0)
            return invitation
        }
    }

    /// The link stops working at once; an e-mail not yet sent is not sent.
    public func revoke(_ scope: WorkspaceScope, id: String) async throws {
        try scope.require(.manageMembers)
        let now = store.now()
        try await store.database.write(workspace: scope.workspaceID) { sql in
            _ = try await Self.openInvitation(id, scope: scope, on: sql)
            try await MailOutbox.withdraw(try await Self.mailID(of: id, on: sql), on: sql)
            try await sql.raw("UPDATE invitations SET revoked_at = \(bind: now.milliseconds) WHERE id = \(bind: id)").run()
        }
    }

    /// What the link's page shows before accepting: the invitation, its workspace's name and whether
    /// the invited address has an account (sign in) or not (choose a name and password).
    public func preview(tokenHash: String) async throws -> (invitation: Invitation, workspaceName: String, accountExists: Bool) {
        try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT i.*, w.name AS workspace_name, \(unsafeRaw: MailOutbox.deliveryColumns),
                           (SELECT COUNT(*) FROM users u WHERE u.email = i.email) AS accounts
                    FROM invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN mail_outbox o ON o.id = i.mail_id
                    WHERE i.token_hash = \(bind: tokenHash)
                    """
                ).first()
            else { throw NotFoundError("invitation", id: "this link") }
            let invitation = try Self.invitation(from: row)
            try InvitationRules.checkAcceptance(invitation, at: store.now(), signedInAs: nil)
            return (invitation, try row.string("workspace_name"), try row.int("accounts") > 0)
        }
    }

    /// The signed-in `user` joins with the invitation's role; the token is used up.
    public func accept(tokenHash: String, as user: User) async throws -> WorkspaceMembership {
        let found = try await preview(tokenHash: tokenHash).invitation
        try InvitationRules.checkAcceptance(found, at: store.now(), signedInAs: user.email)
        return try await store.database.write(workspace: found.workspaceID) { sql in
            try await Self.join(tokenHash: tokenHash, user: user, at: store.now(), on: sql)
        }
    }

    /// Makes the invited address's account (the link verified the address) and joins it.
    /// `found` is the invitation the caller previewed with this token; the join checks the token again.
    public func acceptCreatingAccount(_ found: Invitation, tokenHash: String, name: String, passwordHash: String) async throws
        -> (User, WorkspaceMembership)
    {
        let now = store.now()
        let user = User(id: store.random.id(.user), email: found.email, name: name, createdAt: now, lastLoginAt: now)
        do {
            return try await store.database.write(workspace: found.workspaceID) { sql in
                try await AccountRepository.insert(user, passwordHash: passwordHash, on: sql)
                return (user, try await Self.join(tokenHash: tokenHash, user: user, at: now, on: sql))
            }
        } catch where ConstraintViolation.isUnique(error) {
            throw ConflictError("an account with this e-mail address exists; sign in to accept the invitation", field: "email")
        }
    }

    // MARK: - Rows

    /// Uses up the token (one conditional UPDATE: of two tabs accepting at once, one wins) and adds
    /// the membership with its `member.joined` event.
    private static func join(tokenHash: String, user: User, at now: Date, on sql: any SQLDatabase) async throws
        -> WorkspaceMembership
    {
        guard
            let row = try await sql.raw(
                """
                UPDATE invitations SET accepted_at = \(bind: now.milliseconds), accepted_by = \(bind: user.id)
                WHERE token_hash = \(bind: tokenHash) AND accepted_at IS NULL AND revoked_at IS NULL
                  AND expires_at > \(bind: now.milliseconds)
                RETURNING workspace_id, role, invited_by
                """
            ).first()
        else { throw NotFoundError("invitation", id: "this link") }
        let workspaceID = try row.string("workspace_id")
        let role = try Role.parse(row.string("role"))
        let already = try await sql.raw(
            "SELECT 1 AS found FROM workspace_members WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: user.id)"
        ).first()
        if already != nil { throw ConflictError("you are already a member of this workspace", field: "token") }
        try await WorkspaceRepository.addMember(
            user, role: role, to: workspaceID, invitedBy: try row.string("invited_by"), on: sql, at: now)
        guard let workspace = try await sql.raw("SELECT * FROM workspaces WHERE id = \(bind: workspaceID)").first() else {
            throw NotFoundError("workspace", id: workspaceID)
        }
        return WorkspaceMembership(workspace: try WorkspaceRepository.workspace(from: workspace), role: role)
    }

    private static func openInvitation(_ id: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> Invitation {
        guard
            let row = try await sql.raw(
                """
                SELECT i.*, \(unsafeRaw: MailOutbox.deliveryColumns)
                FROM invitations i LEFT JOIN mail_outbox o ON o.id = i.mail_id
                WHERE i.id = \(bind: id) AND i.workspace_id = \(bind: scope.workspaceID)
                  AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                """
            ).first()
        else { throw NotFoundError("invitation", id: id) }
        return try invitation(from: row)
    }

    private static func mailID(of id: String, on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT mail_id FROM invitations WHERE id = \(bind: id)").first()?.optionalString("mail_id")
    }

    private static func workspaceName(_ id: String, on sql: any SQLDatabase) async throws -> String {
        guard let row = try await sql.raw("SELECT name FROM workspaces WHERE id = \(bind: id)").first() else {
            throw NotFoundError("workspace", id: id)
        }
        return try row.string("name")
    }

    static func invitation(from row: any SQLRow) throws -> Invitation {
        Invitation(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), email: try row.string("email"),
            role: try Role.parse(row.string("role")), invitedBy: try row.string("invited_by"),
            inviterName: try row.string("inviter_name"), createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"), sentCount: try row.int("sent_count"),
            acceptedAt: try row.optionalDate("accepted_at"), revokedAt: try row.optionalDate("revoked_at"),
            delivery: try MailOutbox.delivery(from: row))
    }
}
