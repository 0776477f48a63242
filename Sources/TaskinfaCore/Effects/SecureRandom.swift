import Foundation
import Synchronization

/// Random identifiers and secrets. The live value draws from the system's cryptographic generator
/// (`getrandom` on Linux); tests may pass a seeded one to get stable values.
public struct SecureRandom: Sendable {
    public var bytes: @Sendable (Int) -> [UInt8]

    public init(bytes: @escaping @Sendable (Int) -> [UInt8]) {
        self.bytes = bytes
    }

    /// The system's generator, drawn a few kilobytes at a time (`RandomBytePool`): an id costs no
    /// system call of its own.
    public static let live = SecureRandom { count in RandomBytePool.shared.take(count) }

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

/// Bytes from the operating system's cryptographic generator, fetched a block at a time and handed
/// out once each. A server making several ids per request spent a measurable share of its time in
/// `getrandom` calls of a few bytes; the bytes are the same generator's output either way.
final class RandomBytePool: Sendable {
    static let shared = RandomBytePool()
    static let blockSize = 4096

    private struct Block {
        var bytes: [UInt8] = []
        var next = 0
    }

    private let block = Mutex(Block())

    func take(_ count: Int) -> [UInt8] {
        // Large requests (none are) skip the pool rather than empty it.
        if count > Self.blockSize / 4 { return Self.systemBytes(count) }
        return block.withLock { block in
            if block.bytes.count - block.next < count {
                block.bytes = Self.systemBytes(Self.blockSize)
                block.next = 0
            }
            defer { block.next += count }
            // Handed-out bytes are overwritten so no copy of them stays in the pool.
            let taken = Array(block.bytes[block.next..<(block.next + count)])
            for index in block.next..<(block.next + count) { block.bytes[index] = 0 }
            return taken
        }
    }

    /// `count` bytes from the kernel's generator: one read of `/dev/urandom` (the same source as
    /// `getrandom`), or the standard library's generator where that file can't be read.
    static func systemBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            var filled = 0
            let file = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            if file >= 0 {
                defer { close(file) }
                while filled < buffer.count {
                    let got = read(file, buffer.baseAddress!.advanced(by: filled), buffer.count - filled)
                    if got > 0 {
                        filled += got
                    } else if got == 0 || errno != EINTR {
                        break
                    }
                }
            }
            if filled < buffer.count {
                var generator = SystemRandomNumberGenerator()
                for index in filled..<buffer.count { buffer[index] = generator.next() }
            }
        }
        return bytes
    }
}
