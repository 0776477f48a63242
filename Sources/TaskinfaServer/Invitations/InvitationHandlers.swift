import Foundation
import Hummingbird
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let now = store.now()
        let invitations = try await store.invitations.open(scope)
        return .ok(.init(body: .json(.init(
            invitations: invitations.map { .init($0, now: now) }, mailConfigured: configuration.smtp != nil))))
    }

    func createInvitation(_ input: Operations.CreateInvitation.Input) async throws -> Operations.CreateInvitation.Output {
        _ = try Access.signedInUser()
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let email = try Email.normalize(body.email)
        let token = store.random.token()
        let invitation = try await store.invitations.invite(
            scope, email: email, role: body.role?.domain ?? .member, tokenHash: TokenHash.of(token),
            compose: invitationMail(link: invitationLink(token)))
        return .created(.init(body: .json(created(invitation, token: token))))
    }

    func resendInvitation(_ input: Operations.ResendInvitation.Input) async throws -> Operations.ResendInvitation.Output {
        _ = try Access.signedInUser()
        let scope = try await access.workspace(input.path.workspaceId)
        let token = store.random.token()
        let invitation = try await store.invitations.resend(
            scope, id: input.path.invitationId, tokenHash: TokenHash.of(token), compose: invitationMail(link: invitationLink(token)))
        return .ok(.init(body: .json(created(invitation, token: token))))
    }

    func revokeInvitation(_ input: Operations.RevokeInvitation.Input) async throws -> Operations.RevokeInvitation.Output {
        _ = try Access.signedInUser()
        let scope = try await access.workspace(input.path.workspaceId)
        try await store.invitations.revoke(scope, id: input.path.invitationId)
        return .noContent(.init())
    }

    func getInvitation(_ input: Operations.GetInvitation.Input) async throws -> Operations.GetInvitation.Output {
        let (invitation, workspace, accountExists) = try await store.invitations.preview(tokenHash: TokenHash.of(input.path.token))
        return .ok(.init(body: .json(.init(
            workspaceName: workspace, inviterName: invitation.inviterName, email: invitation.email,
            role: .init(invitation.role), expiresAt: invitation.expiresAt, accountExists: accountExists))))
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        let tokenHash = TokenHash.of(input.path.token)
        if case .user(let user, _)? = RequestInfo.current.caller {
            let membership = try await store.invitations.accept(tokenHash: tokenHash, as: user)
            RequestInfo.current.responseNotes?.audit { $0.workspaceID = membership.workspace.id }
            return .ok(.init(body: .json(.init(user: .init(user), workspace: .init(membership.workspace, role: membership.role)))))
        }
        if case .apiKey? = RequestInfo.current.caller {
            throw AccessError.refused("an API key can't accept an invitation; open the link in a browser")
        }
        // Making an account here is a sign-up, limited like one.
        let limits = AuthRateLimits(store: store, configuration: configuration)
        try await limits.check([(limits.signUpPerAddress, AuthRateLimits.address())])
        var name: String?
        var password: String?
        if case .json(let body)? = input.body {
            name = body.name
            password = body.password
        }
        let invitation = try await store.invitations.preview(tokenHash: tokenHash)
        if invitation.accountExists {
            throw AccessError.unauthenticated("\(invitation.invitation.email) has an account: sign in, then open the link again")
        }
        var validator = Validator()
        let email = invitation.invitation.email
        let validName = validator.check {
            guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(field: "name", message: "is needed to make your account")
            }
            return try User.name(name, email: email)
        }
        validator.check {
            guard let password else { throw ValidationError(field: "password", message: "is needed to make your account") }
            try PasswordPolicy.check(password, email: email, name: name)
        }
        try validator.throwIfInvalid()
        let hash = try await passwords.hash(password!)
        let (user, membership) = try await store.invitations.acceptCreatingAccount(
            invitation.invitation, tokenHash: tokenHash, name: validName!, passwordHash: hash)
        RequestInfo.current.responseNotes?.audit { $0.workspaceID = membership.workspace.id }
        try await startSession(for: user)
        return .ok(.init(body: .json(.init(user: .init(user), workspace: .init(membership.workspace, role: membership.role)))))
    }

    // MARK: - Links and mail

    /// The token travels after `#`: browsers never send a fragment to a server, so the secret stays
    /// out of access logs and `Referer` headers.
    func invitationLink(_ token: String) -> String {
        "\(configuration.linkBase)/invite#\(token)"
    }

    private func invitationMail(link: String) -> InvitationRepository.Compose {
        let mailConfigured = configuration.smtp != nil
        return { invitation, workspace in
            guard mailConfigured else { return nil }
            return MailTemplates.invitation(
                to: invitation.email, workspace: workspace, inviter: invitation.inviterName, role: invitation.role, link: link,
                expires: invitation.expiresAt)
        }
    }

    /// The link goes back to the inviter only when no e-mail carries it: with a mail server, only
    /// the invited address ever sees it (which is what makes the link proof of the address).
    private func created(_ invitation: Invitation, token: String) -> Components.Schemas.InvitationCreated {
        .init(invitation: .init(invitation, now: store.now()), link: configuration.smtp == nil ? invitationLink(token) : nil)
    }
}

extension Components.Schemas.Invitation {
    init(_ invitation: Invitation, now: Date) {
        self.init(
            id: invitation.id, workspaceId: invitation.workspaceID, email: invitation.email, role: .init(invitation.role),
            state: .init(invitation.state(at: now)), invitedBy: invitation.invitedBy,
            inviterName: invitation.inviterName, createdAt: invitation.createdAt, expiresAt: invitation.expiresAt,
            sentCount: invitation.sentCount,
            delivery: invitation.delivery.map {
                .init(value1: .init(state: .init($0.state), attempts: $0.attempts, lastError: $0.lastError, sentAt: $0.sentAt))
            })
    }
}
