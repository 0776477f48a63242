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

/// bcrypt, off the event loops: a hash at cost 12 takes a quarter of a second of CPU.
final class PasswordHasher: Sendable {
    let cost: UInt8
    private let decoy = Mutex<String?>(nil)

    init(cost: UInt8) {
        self.cost = cost
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
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
