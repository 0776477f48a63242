import Crypto
import Foundation
import Testing
import TaskinfaCore
import _CryptoExtras

@testable import TaskinfaServer

/// ID tokens' signatures: the provider's key verifies them, nothing else does, and `none` or an
/// HMAC never passes.
@Suite struct IDTokenTests {
    static func b64(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func compact(header: String, payload: String, sign: (Data) throws -> Data) rethrows -> String {
        let input = "\(b64(Data(header.utf8))).\(b64(Data(payload.utf8)))"
        return "\(input).\(b64(try sign(Data(input.utf8))))"
    }

    static let payload = #"{"iss":"https://id.example.com","sub":"u1","aud":"taskinfa","exp":1800000300,"nonce":"n","email":"a@example.com","email_verified":"true"}"#

    @Test func anES256TokenVerifiesWithItsKeyOnly() throws {
        let key = P256.Signing.PrivateKey()
        let token = try IDToken(Self.compact(header: #"{"alg":"ES256","kid":"k1"}"#, payload: Self.payload) {
            try key.signature(for: SHA256.hash(data: $0)).rawRepresentation
        })
        let raw = key.publicKey.rawRepresentation
        let jwk: [String: TaskinfaCore.JSONValue] = [
            "kty": .string("EC"), "crv": .string("P-256"), "kid": .string("k1"),
            "x": .string(Self.b64(raw.prefix(32))), "y": .string(Self.b64(raw.suffix(32))),
        ]
        #expect(token.isSigned(byOneOf: [jwk]))
        let other = P256.Signing.PrivateKey().publicKey.rawRepresentation
        var stranger = jwk
        stranger["x"] = .string(Self.b64(other.prefix(32)))
        stranger["y"] = .string(Self.b64(other.suffix(32)))
        #expect(!token.isSigned(byOneOf: [stranger]))
        #expect(token.claims.emailVerified && token.claims.audiences == ["taskinfa"])
    }

    @Test func anRS256TokenVerifiesWithItsKeyAndATamperedOneDoesNot() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let sign: (Data) throws -> Data = { try key.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation }
        let token = try IDToken(Self.compact(header: #"{"alg":"RS256","kid":"r1"}"#, payload: Self.payload, sign: sign))
        let primitives = try key.publicKey.getKeyPrimitives()
        let jwk: [String: TaskinfaCore.JSONValue] = ["kty": .string("RSA"), "kid": .string("r1"), "n": .string(Self.b64(primitives.modulus)), "e": .string(Self.b64(primitives.publicExponent))]
        #expect(token.isSigned(byOneOf: [jwk]))
        let tampered = try IDToken(Self.compact(header: #"{"alg":"RS256","kid":"r1"}"#, payload: Self.payload.replacingOccurrences(of: "u1", with: "u2")) { _ in
            Data(token.signature)
        })
        #expect(!tampered.isSigned(byOneOf: [jwk]))
    }

    @Test func unsignedAndHMACTokensNeverPass() throws {
        let none = try IDToken(Self.compact(header: #"{"alg":"none"}"#, payload: Self.payload) { _ in Data() })
        let hmac = try IDToken(Self.compact(header: #"{"alg":"HS256"}"#, payload: Self.payload) {
            Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: Data("secret".utf8))))
        })
        let jwk: [String: TaskinfaCore.JSONValue] = ["kty": .string("oct"), "k": .string(Self.b64(Data("secret".utf8)))]
        #expect(!none.isSigned(byOneOf: [jwk]) && !hmac.isSigned(byOneOf: [jwk]))
        #expect(throws: IDToken.Malformed.self) { try IDToken("not.a-token") }
    }
}
