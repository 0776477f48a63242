import Crypto
import Foundation
import TaskinfaCore
import TaskinfaStore

/// Seals the secrets the server must be able to read back (TOTP seeds, integration tokens) with
/// AES-256-GCM, so that a copy of the database alone yields none of them.
///
/// A sealed value reads `v1.<key id>.<base64 of nonce ‖ ciphertext ‖ tag>`. The key id says which
/// key sealed it, so a rotation can be interrupted and resumed, and a replica started with the
/// wrong key refuses to start instead of failing one sign-in at a time. Each value is bound to
/// where it is stored (`context`, e.g. `users.totp_secret:usr_…`): a sealed seed copied onto
/// another account's row doesn't open there.
public struct SecretBox: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey

        public init(bytes: [UInt8]) throws {
            guard bytes.count == 32 else { throw SecretKeyError.malformed("the key must be 32 bytes, not \(bytes.count)") }
            key = SymmetricKey(data: bytes)
            id = Self.id(of: bytes)
        }

        /// Eight hex digits derived from the key, not the key: safe to print and store.
        static func id(of bytes: [UInt8]) -> String {
            String(SHA256.hash(data: Data("taskinfa-secret-key-id\u{0}".utf8) + bytes).hexString.prefix(8))
        }

        /// A new random key (32 bytes from the system's generator).
        public static func generate() -> (key: Key, text: String) {
            let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            return (try! Key(bytes: bytes), Data(bytes).base64EncodedString())
        }
    }

    /// The key new values are sealed with.
    public let current: Key
    /// Keys that may still have sealed stored values (during a rotation).
    public let others: [Key]

    public init(current: Key, others: [Key] = []) {
        self.current = current
        self.others = others.filter { $0.id != current.id }
    }

    public var keyIDs: [String] { [current.id] + others.map(\.id) }

    public func seal(_ plaintext: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: current.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw SecretKeyError.malformed("AES-GCM gave no combined form") }
        return "v1.\(current.id).\(combined.base64EncodedString())"
    }

    public func open(_ sealed: String, context: String) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let data = Data(base64Encoded: parts[2]) else {
            throw SecretKeyError.malformed("a stored secret is not in the sealed form")
        }
        guard let key = ([current] + others).first(where: { $0.id == parts[1] }) else {
            throw SecretKeyError.unknownKey(parts[1])
        }
        let plain = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key.key, authenticating: Data(context.utf8))
        return String(decoding: plain, as: UTF8.self)
    }

    /// The id of the key that sealed a stored value.
    public static func keyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        return parts.count == 3 && parts[0] == "v1" ? String(parts[1]) : nil
    }
}

public enum SecretKeyError: Error, CustomStringConvertible {
    case malformed(String)
    case unknownKey(String)
    case unsafeFile(String)

    public var description: String {
        switch self {
        case .malformed(let why): "secret key: \(why)"
        case .unknownKey(let id):
            "a stored secret was sealed with key \(id), which this server doesn't have: start it with the same TASKINFA_SECRET_KEY (or key file) as the other replicas"
        case .unsafeFile(let why): "secret key file: \(why)"
        }
    }
}

/// Where the server's secret key comes from: `TASKINFA_SECRET_KEY` (base64 or hex of 32 bytes),
/// else `secret.key` in the data folder, created (mode 0600) on first start. Replicas on one
/// PostgreSQL must share one key, so they are given it through the environment.
public enum SecretKeySource {
    public static let environmentVariable = "TASKINFA_SECRET_KEY"
    public static let fileName = "secret.key"
    /// Written before a rotation commits and renamed over `secret.key` after: a rotation cut short
    /// leaves both keys, and the server reads both.
    public static let nextFileName = "secret.key.next"

    public static func load(environment: [String: String], dataDirectory: String) throws -> SecretBox {
        if let text = environment[environmentVariable], !text.isEmpty {
            let previous = try environment["TASKINFA_PREVIOUS_SECRET_KEY"].map { try parse($0) }
            return SecretBox(current: try parse(text), others: previous.map { [$0] } ?? [])
        }
        let folder = URL(fileURLWithPath: dataDirectory)
        let file = folder.appendingPathComponent(fileName)
        let next = folder.appendingPathComponent(nextFileName)
        let manager = FileManager.default
        if !manager.fileExists(atPath: file.path) && !manager.fileExists(atPath: next.path) {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            try write(SecretBox.Key.generate().text, to: file)
        }
        var keys: [SecretBox.Key] = []
        if manager.fileExists(atPath: next.path) { keys.append(try read(next)) }
        if manager.fileExists(atPath: file.path) { keys.append(try read(file)) }
        return SecretBox(current: keys[0], others: Array(keys.dropFirst()))
    }

    /// Throws when a stored secret was sealed with a key `secrets` doesn't hold: a replica with
    /// another key would fail every two-factor sign-in, so it refuses to start instead.
    public static func checkStored(store: Store, secrets: SecretBox) async throws {
        for value in try await store.sealedSecrets.all() {
            guard let keyID = SecretBox.keyID(of: value.sealed), secrets.keyIDs.contains(keyID) else {
                throw SecretKeyError.unknownKey(SecretBox.keyID(of: value.sealed) ?? "?")
            }
        }
    }

    public static func parse(_ text: String) throws -> SecretBox.Key {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Hex.decode(trimmed) { return try SecretBox.Key(bytes: bytes) }
        guard let data = Data(base64Encoded: trimmed) else {
            throw SecretKeyError.malformed("\(environmentVariable) must be 32 bytes in base64 or hex (`openssl rand -base64 32`)")
        }
        return try SecretBox.Key(bytes: Array(data))
    }

    /// Refuses a key file others may read: the key is what keeps the stored secrets secret.
    static func read(_ file: URL) throws -> SecretBox.Key {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw SecretKeyError.unsafeFile("\(file.lastPathComponent) may be read by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        return try parse(try String(contentsOf: file, encoding: .utf8))
    }

    /// Creates the file with mode 0600 from the start (never world-readable, not even briefly).
    public static func write(_ text: String, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw SecretKeyError.unsafeFile("can't create \(file.lastPathComponent) (errno \(errno))") }
        defer { close(descriptor) }
        let bytes = Array((text + "\n").utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count, fsync(descriptor) == 0
        else { throw SecretKeyError.unsafeFile("can't write \(file.lastPathComponent) (errno \(errno))") }
    }
}
