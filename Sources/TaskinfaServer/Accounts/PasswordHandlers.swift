import Foundation
import Hummingbird
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        let (user, session) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let hash = try await store.accounts.passwordHash(userID: user.id)
        guard try await passwords.verify(body.currentPassword, hash: hash) else {
            throw ValidationError(field: "current_password", message: "is not your current password")
        }
        try PasswordPolicy.check(body.newPassword, email: user.email, name: user.name, field: "new_password")
        try await store.accounts.changePassword(userID: user.id, to: try await passwords.hash(body.newPassword), keeping: session.id)
        return .noContent(.init())
    }

    func requestPasswordReset(_ input: Operations.RequestPasswordReset.Input) async throws
        -> Operations.RequestPasswordReset.Output
    {
        guard configuration.smtp != nil else {
            throw HTTPError(
                .serviceUnavailable,
                message: "This server sends no e-mail (no --smtp-url): ask its operator to set a new password with `taskinfa admin set-password`.")
        }
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let email = try Email.normalize(body.email)
        let token = store.random.token()
        let link = "\(configuration.linkBase)/reset-password#\(token)"
        try await store.accounts.requestPasswordReset(email: email, tokenHash: TokenHash.of(token)) { user, expires in
            MailTemplates.passwordReset(to: user.email, link: link, expires: expires)
        }
        return .accepted(.init())
    }

    func confirmPasswordReset(_ input: Operations.ConfirmPasswordReset.Input) async throws
        -> Operations.ConfirmPasswordReset.Output
    {
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        try PasswordPolicy.check(body.password)
        let password = body.password
        let user = try await store.accounts.resetPassword(tokenHash: TokenHash.of(body.token), to: try await passwords.hash(password)) {
            // Now that the token names the account: its e-mail and name are off limits too.
            try PasswordPolicy.check(password, email: $0.email, name: $0.name)
        }
        // Whoever reads the mailbox gets to set the password, not to skip the second factor.
        if user.twoFactorEnabled { return .accepted(.init()) }
        try await startSession(for: user)
        let memberships = try await store.workspaces.memberships(userID: user.id)
        guard let first = memberships.first else {
            throw AccessError.refused("this account belongs to no workspace; ask an owner to invite you")
        }
        return .ok(.init(body: .json(.init(user: .init(user), workspace: .init(first.workspace, role: first.role)))))
    }
}
