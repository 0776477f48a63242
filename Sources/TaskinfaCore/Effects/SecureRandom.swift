import Foundation

/// Random identifiers and secrets. The live value draws from the system's cryptographic generator
/// (`getrandom` on Linux); tests may pass a seeded one to get stable values.
public struct SecureRandom: Sendable {
    public var bytes: @Sendable (Int) -> [UInt8]

    public init(bytes: @escaping @Sendable (Int) -> [UInt8]) {
        self.bytes = bytes
    }

    public static let live = SecureRandom { count in
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Lower-case letters and digits: ids stay readable in URLs and logs and survive any tokenizer.
    static let idAlphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    /// URL-safe alphabet for secrets (64 symbols, so each character carries 6 bits).
    static let tokenAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `count` characters drawn uniformly from `alphabet` (rejection sampling avoids modulo bias).
    func string(count: Int, alphabet: [UInt8]) -> String {
        let limit = 256 - (256 % alphabet.count)
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            for byte in bytes(count * 2) where Int(byte) < limit && result.count < count {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// A new identifier such as `tsk_3k9x…`: 20 characters of base 36, about 103 bits.
    public func id(_ prefix: IDPrefix) -> String {
        prefix.rawValue + "_" + string(count: 20, alphabet: Self.idAlphabet)
    }

    /// A secret of `count` URL-safe characters (6 bits each).
    public func token(count: Int = 43) -> String {
        string(count: count, alphabet: Self.tokenAlphabet)
    }
}

/// The prefix of each kind of id, so that an id says what it points at.
public enum IDPrefix: String, Sendable, CaseIterable {
    case user = "usr"
    case workspace = "wsp"
    case session = "ses"
    case apiKey = "key"
    case project = "prj"
    case task = "tsk"
    case comment = "cmt"
    case savedFilter = "sf"
    case worker = "wrk"
    case execution = "exe"
    case invitation = "inv"
    case mail = "mail"
    case audit = "aud"
}
