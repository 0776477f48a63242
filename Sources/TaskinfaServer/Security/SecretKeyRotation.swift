import Foundation
import TaskinfaStore

/// `taskinfa admin rotate-secret-key`: every sealed secret in the database re-sealed under a new
/// key, in one transaction.
///
/// With the key file: the new key is written to `secret.key.next` first (the server reads both
/// files), the database re-sealed, and then the new file renamed over the old — a rotation cut
/// short at any point leaves every secret readable, and running it again finishes it. With
/// `TASKINFA_SECRET_KEY`: the operator gives every replica the new key there and the old one as
/// `TASKINFA_PREVIOUS_SECRET_KEY`, restarts them, runs this (it re-seals under the current key),
/// and then drops the previous key.
public enum SecretKeyRotation {
    public struct Result: Sendable {
        public var resealed: Int
        public var keyID: String
    }

    public static func rotate(store: Store, environment: [String: String], dataDirectory: String) async throws -> Result {
        if environment[SecretKeySource.environmentVariable]?.isEmpty == false {
            let box = try SecretKeySource.load(environment: environment, dataDirectory: dataDirectory)
            return Result(resealed: try await reseal(store: store, with: box), keyID: box.current.id)
        }
        let folder = URL(fileURLWithPath: dataDirectory)
        let next = folder.appendingPathComponent(SecretKeySource.nextFileName)
        if !FileManager.default.fileExists(atPath: next.path) {
            // The old key stays readable beside it: `load` takes the next file as current.
            _ = try SecretKeySource.load(environment: environment, dataDirectory: dataDirectory)
            try SecretKeySource.write(SecretBox.Key.generate().text, to: next)
        }
        let box = try SecretKeySource.load(environment: environment, dataDirectory: dataDirectory)
        let resealed = try await reseal(store: store, with: box)
        let file = folder.appendingPathComponent(SecretKeySource.fileName)
        guard rename(next.path, file.path) == 0 else {
            throw SecretKeyError.unsafeFile("re-sealed, but can't rename \(next.lastPathComponent) over \(file.lastPathComponent) (errno \(errno)); rename it by hand")
        }
        return Result(resealed: resealed, keyID: box.current.id)
    }

    /// Opens every sealed value with whichever key sealed it and seals it under the current one.
    static func reseal(store: Store, with box: SecretBox) async throws -> Int {
        let values = try await store.sealedSecrets.all()
        let changes = try values.filter { SecretBox.keyID(of: $0.sealed) != box.current.id }.map { value in
            (old: value, new: try box.seal(try box.open(value.sealed, context: value.context), context: value.context))
        }
        return try await store.sealedSecrets.replace(changes)
    }
}
