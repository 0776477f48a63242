import Crypto
import Foundation
import HummingbirdOTP
import TaskinfaCore
import TaskinfaStore

/// Checks an account's second factor: a TOTP code from its authenticator app (RFC 6238; each
/// code works once) or one of its recovery codes (each works once). Seeds are opened from their
/// seal only for the moment of the check.
struct SecondFactor: Sendable {
    let store: Store
    let secrets: SecretBox

    static let issuer = "Taskinfa"

    /// Where an account's seeds are sealed to.
    static func context(_ column: String, userID: String) -> String {
        SealedSecrets.context(table: "users", column: column, rowID: userID)
    }

    /// The step among `steps` whose code `code` is. Every candidate is computed and compared
    /// without an early exit, so the time taken doesn't say which one matched.
    static func step(of code: String, seed: String, among steps: [Int]) -> Int? {
        let generator = HOTP(secret: seed)
        var matched: Int?
        for step in steps {
            let expected = String(generator.compute(counter: UInt64(step)))
            let padded = String(repeating: "0", count: max(0, 6 - expected.count)) + expected
            if ConstantTime.equals(padded, code) && matched == nil { matched = step }
        }
        return matched
    }

    /// A recovery code's stored form: salted with the account, so that one table of hashes
    /// doesn't serve every account.
    static func recoveryHash(_ code: String, userID: String) -> String {
        SHA256.hash(data: Data("taskinfa-recovery\u{0}\(userID)\u{0}\(TwoFactorRules.normalize(code))".utf8)).hexString
    }

    /// Uses up the code if it is right: a current TOTP code not used before, or an unused
    /// recovery code. False when the account has no second factor or the code is wrong.
    func consume(userID: String, code typed: String) async throws -> Bool {
        let state = try await store.accounts.twoFactor(userID: userID)
        guard state.enabledAt != nil, let sealed = state.sealedSecret else { return false }
        let code = TwoFactorRules.normalize(typed)
        if TwoFactorRules.isTOTPShape(code) {
            let seed = try secrets.open(sealed, context: Self.context("totp_secret", userID: userID))
            let steps = TwoFactorRules.candidateSteps(at: store.now(), after: state.lastStep)
            guard let step = Self.step(of: code, seed: seed, among: steps) else { return false }
            return try await store.accounts.acceptTwoFactorStep(userID: userID, step: step)
        }
        return try await store.accounts.useRecoveryCode(userID: userID, hash: Self.recoveryHash(code, userID: userID))
    }

    /// Ten new recovery codes and their stored hashes.
    func newRecoveryCodes(userID: String) -> (codes: [String], hashes: [String]) {
        let codes = TwoFactorRules.recoveryCodes(using: store.random)
        return (codes, codes.map { Self.recoveryHash($0, userID: userID) })
    }
}
