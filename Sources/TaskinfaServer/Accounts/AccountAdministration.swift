import Foundation
import TaskinfaCore
import TaskinfaStore

/// What `taskinfa admin` does to accounts, with the same rules as the API: a server without a mail
/// server has no password reset by e-mail, so its operator sets a forgotten password here.
public enum AccountAdministration {
    /// Sets the password of the account with `email` (the password policy applies) and ends every
    /// session of the account.
    public static func setPassword(email rawEmail: String, password: String, store: Store, bcryptCost: UInt8 = 12) async throws {
        let email = try Email.normalize(rawEmail)
        guard let (user, _) = try await store.accounts.credentials(email: email) else {
            throw NotFoundError("account", id: email)
        }
        try PasswordPolicy.check(password, email: user.email, name: user.name)
        let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
        try await store.accounts.changePassword(userID: user.id, to: hash, keeping: nil)
    }

    /// Turns two-factor sign-in off for the account with `email` (its phone and recovery codes
    /// are lost) and ends every session of it; its password alone signs in again.
    public static func disableTwoFactor(email rawEmail: String, store: Store) async throws {
        let email = try Email.normalize(rawEmail)
        guard let (user, _) = try await store.accounts.credentials(email: email) else {
            throw NotFoundError("account", id: email)
        }
        try await store.accounts.disableTwoFactor(userID: user.id, endingSessions: true)
    }
}
