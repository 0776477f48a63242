import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization
import TaskinfaCore

/// Session tokens and API keys are stored only as their SHA-256, so the database alone yields no
/// working credential.
enum TokenHash {
    static func of(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }
}

/// The anti-CSRF token of a session (a synchronizer token kept nowhere): derived from the session's
/// secret, so only a page that can read `/auth/me` with the cookie — a page of this origin — learns
/// it, and a forged cross-site request can't send it. Sessions end, and their token with them.
public enum CSRFToken {
    public static let header = "X-CSRF-Token"

    public static func of(sessionToken: String) -> String {
        SHA256.hash(data: Data("taskinfa-csrf\u{0}\(sessionToken)".utf8)).hexString
    }

    /// Compares without an early exit, so the time taken says nothing about how much matched.
    static func matches(_ sent: String?, sessionToken: String) -> Bool {
        guard let sent else { return false }
        return ConstantTime.equals(sent, of(sessionToken: sessionToken))
    }
}

/// bcrypt, off the event loops: a hash at cost 12 takes a quarter of a second of CPU.
final class PasswordHasher: Sendable {
    let cost: UInt8
    private let decoy = Mutex<String?>(nil)

    init(cost: UInt8) {
        self.cost = cost
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        let input = Self.bcryptInput(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        let input = Self.bcryptInput(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// bcrypt reads only the first 72 bytes of its input, so two long passwords sharing those would
    /// be one. A password longer than that goes in as its SHA-256 (base64, 44 bytes) instead. Shorter
    /// ones go in unchanged, which is what every hash stored before long passwords were allowed was
    /// made of, so those keep working.
    static func bcryptInput(_ password: String) -> String {
        guard password.utf8.count > 72 else { return password }
        return Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    /// Spends the time of a real check when the e-mail is unknown, so that a login takes as long
    /// for a missing account as for a wrong password (no account probing by timing).
    func verifyDecoy(_ password: String) async throws {
        let hash: String
        if let cached = decoy.withLock({ $0 }) {
            hash = cached
        } else {
            hash = try await self.hash("decoy password that matches nothing")
            decoy.withLock { $0 = hash }
        }
        _ = try await verify(password, hash: hash)
    }
}
