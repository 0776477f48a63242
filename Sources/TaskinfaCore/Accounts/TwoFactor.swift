import Foundation

/// The rules of two-factor sign-in (TOTP, RFC 6238): which time steps a code may come from, what a
/// recovery code looks like, and how typed codes are read.
public enum TwoFactorRules {
    /// Seconds per TOTP step (what every authenticator app uses).
    public static let step: TimeInterval = 30
    /// Codes of the step before and after are accepted too: phones' clocks drift.
    public static let drift = 1
    public static let recoveryCodeCount = 10
    /// Recovery codes are 10 characters of this alphabet (no 0/o, 1/l/i), about 50 bits each.
    static let recoveryAlphabet = Array("abcdefghjkmnpqrstuvwxyz23456789".utf8)

    /// The step a moment falls in.
    public static func step(at date: Date) -> Int {
        Int((date.timeIntervalSince1970 / step).rounded(.down))
    }

    /// The steps a code typed now may belong to, newest last, leaving out any at or before the
    /// last step a code was accepted for (a code works once, and never an older one after it).
    public static func candidateSteps(at date: Date, after lastUsed: Int?) -> [Int] {
        let now = step(at: date)
        return ((now - drift)...(now + drift)).filter { lastUsed == nil || $0 > lastUsed! }
    }

    /// What a person typed as a code: digits only for a TOTP code, letters and digits (lower-case)
    /// for a recovery code; spaces and dashes are how they're shown and are ignored.
    public static func normalize(_ typed: String) -> String {
        typed.lowercased().filter { !$0.isWhitespace && $0 != "-" }
    }

    public static func isTOTPShape(_ code: String) -> Bool {
        code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)
    }

    /// Ten new recovery codes, shown as `xxxxx-xxxxx`.
    public static func recoveryCodes(using random: SecureRandom) -> [String] {
        (0..<recoveryCodeCount).map { _ in
            let code = random.string(count: 10, alphabet: recoveryAlphabet)
            return "\(code.prefix(5))-\(code.suffix(5))"
        }
    }

    /// A new TOTP seed: 32 characters (192 bits) whose bytes are the HMAC key; apps get them in
    /// base32 through the otpauth URI.
    public static func seed(using random: SecureRandom) -> String {
        random.token(count: 32)
    }

    /// RFC 4648 base32 without padding: how a seed is shown for typing into an app by hand.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }
}
