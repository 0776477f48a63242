import Crypto
import Foundation
import TaskinfaCore
import _CryptoExtras

/// A compact JWS (RFC 7515) ID token: its header, claims and signature, checked against the
/// provider's published keys. Only RS256 and ES256 are accepted — never `none`, never an HMAC
/// (whose "key" would be the public client's secret).
struct IDToken {
    let header: [String: JSONValue]
    let payload: [String: JSONValue]
    let signingInput: Data
    let signature: Data

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ compact: String) throws {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            case .object(let header) = try JSONDecoder().decode(JSONValue.self, from: headerData),
            case .object(let payload) = try JSONDecoder().decode(JSONValue.self, from: payloadData)
        else { throw Malformed(description: "the ID token is not a signed JWT") }
        self.header = header
        self.payload = payload
        self.signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    var algorithm: String? { if case .string(let alg)? = header["alg"] { alg } else { nil } }
    var keyID: String? { if case .string(let kid)? = header["kid"] { kid } else { nil } }

    /// Whether one of `keys` (a JWKS's `keys`) made the signature.
    func isSigned(byOneOf keys: [[String: JSONValue]]) -> Bool {
        let candidates = keys.filter { key in
            keyID == nil || key["kid"] == nil || key["kid"] == .string(keyID!)
        }
        return candidates.contains { verify(with: $0) }
    }

    private func verify(with key: [String: JSONValue]) -> Bool {
        func text(_ name: String) -> Data? { if case .string(let value)? = key[name] { Base64URL.decode(Substring(value)) } else { nil } }
        switch (algorithm, key["kty"]) {
        case ("RS256", .string("RSA")?):
            guard let n = text("n"), let e = text("e"), let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e) else { return false }
            return publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
        case ("ES256", .string("EC")?):
            guard key["crv"] == .string("P-256"), let x = text("x"), let y = text("y"),
                let publicKey = try? P256.Signing.PublicKey(rawRepresentation: x + y),
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
        default:
            return false
        }
    }

    /// The claims the sign-in rules read.
    var claims: SingleSignOnRules.Claims {
        func string(_ name: String) -> String? { if case .string(let value)? = payload[name] { value } else { nil } }
        func date(_ name: String) -> Date? { if case .number(let value)? = payload[name] { Date(timeIntervalSince1970: value) } else { nil } }
        let audiences: [String] =
            switch payload["aud"] {
            case .string(let one)?: [one]
            case .array(let many)?: many.compactMap { if case .string(let value) = $0 { value } else { nil } }
            default: []
            }
        // Some providers send `email_verified` as the string "true".
        let verified = payload["email_verified"] == .bool(true) || payload["email_verified"] == .string("true")
        return SingleSignOnRules.Claims(
            issuer: string("iss") ?? "", subject: string("sub") ?? "", audiences: audiences, authorizedParty: string("azp"),
            expires: date("exp") ?? .distantPast, issuedAt: date("iat"), nonce: string("nonce"), email: string("email"),
            emailVerified: verified, name: string("name"))
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 7515 §2), as JOSE and PKCE use it.
enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
