import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TaskinfaCore

/// The OpenID Connect provider `--oidc-issuer` names, as this server's client of it: discovery
/// (Discovery 1.0 §4), the authorization request with PKCE (RFC 7636) and a nonce, the code
/// exchange, and ID tokens checked against the provider's keys — fetched once and again only
/// when a token names a key not seen yet (the provider rotated).
public struct SingleSignOnSettings: Sendable, Equatable {
    public var issuer: String
    public var clientID: String
    public var clientSecret: String?
    /// What the sign-in button says: "Sign in with {displayName}".
    public var displayName: String

    public init(issuer: String, clientID: String, clientSecret: String?, displayName: String?) throws {
        guard let url = URL(string: issuer), let host = url.host, url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
        else { throw ValidationError(field: "oidc-issuer", message: "must be an https:// URL (http only for a provider on this machine)") }
        guard !clientID.isEmpty else { throw ValidationError(field: "oidc-client-id", message: "is needed with --oidc-issuer") }
        self.issuer = SingleSignOnRules.normalizedIssuer(issuer)
        self.clientID = clientID
        self.clientSecret = clientSecret.flatMap { $0.isEmpty ? nil : $0 }
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 } ?? "single sign-on"
    }
}

actor OIDCProvider {
    let settings: SingleSignOnSettings
    private var endpoints: Endpoints?
    private var keys: [[String: JSONValue]] = []

    struct Endpoints {
        let authorization: String
        let token: String
        let jwks: String
    }

    /// The provider answered something this server can't use (or didn't answer).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(settings: SingleSignOnSettings) {
        self.settings = settings
    }

    func discover() async throws -> Endpoints {
        if let endpoints { return endpoints }
        let document = try await fetchJSON(HTTPClientRequest(url: settings.issuer + "/.well-known/openid-configuration"))
        func url(_ name: String) throws -> String {
            guard case .string(let value)? = document[name], URL(string: value)?.scheme?.hasPrefix("http") == true else {
                throw Failure(description: "the provider's discovery document has no \(name)")
            }
            return value
        }
        guard case .string(let issuer)? = document["issuer"], SingleSignOnRules.normalizedIssuer(issuer) == settings.issuer else {
            throw Failure(description: "the provider's discovery document names another issuer")
        }
        let found = Endpoints(authorization: try url("authorization_endpoint"), token: try url("token_endpoint"), jwks: try url("jwks_uri"))
        endpoints = found
        return found
    }

    func authorizationURL(state: String, nonce: String, challenge: String, redirectURI: String) async throws -> String {
        var components = URLComponents(string: try await discover().authorization)!
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: settings.clientID),
            .init(name: "redirect_uri", value: redirectURI), .init(name: "scope", value: "openid email profile"),
            .init(name: "state", value: state), .init(name: "nonce", value: nonce),
            .init(name: "code_challenge", value: challenge), .init(name: "code_challenge_method", value: "S256"),
        ]
        return components.url!.absoluteString
    }

    /// Trades the code for tokens; returns the ID token.
    func exchange(code: String, verifier: String, redirectURI: String) async throws -> String {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        var request = HTTPClientRequest(url: try await discover().token)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let secret = settings.clientSecret {
            let pair = "\(Self.formEncode(settings.clientID)):\(Self.formEncode(secret))"
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        } else {
            form.append(("client_id", settings.clientID))
        }
        request.body = .bytes(ByteBuffer(string: form.map { "\($0)=\(Self.formEncode($1))" }.joined(separator: "&")))
        let answer = try await fetchJSON(request)
        guard case .string(let idToken)? = answer["id_token"] else { throw Failure(description: "the provider's token answer has no id_token") }
        return idToken
    }

    /// The token's claims, once its signature is the provider's and the sign-in rules pass.
    func verify(_ idToken: String, nonce: String, now: Date) async throws -> SingleSignOnRules.Claims {
        let token = try IDToken(idToken)
        guard ["RS256", "ES256"].contains(token.algorithm ?? "") else {
            throw Failure(description: "the ID token is signed with \(token.algorithm ?? "nothing"), not RS256 or ES256")
        }
        if keys.isEmpty || !token.isSigned(byOneOf: keys) {
            keys = try await fetchKeys()
            guard token.isSigned(byOneOf: keys) else { throw Failure(description: "the ID token's signature is not the provider's") }
        }
        let claims = token.claims
        try SingleSignOnRules.check(claims, issuer: settings.issuer, clientID: settings.clientID, nonce: nonce, now: now)
        return claims
    }

    private func fetchKeys() async throws -> [[String: JSONValue]] {
        let set = try await fetchJSON(HTTPClientRequest(url: try await discover().jwks))
        guard case .array(let entries)? = set["keys"] else { throw Failure(description: "the provider's key set has no keys") }
        return entries.compactMap { if case .object(let key) = $0 { key } else { nil } }
    }

    private func fetchJSON(_ request: HTTPClientRequest) async throws -> [String: JSONValue] {
        var request = request
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        } catch {
            throw Failure(description: "the provider can't be reached (\(error))")
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        else { throw Failure(description: "the provider answered \(response.status.code) to \(request.url)") }
        return object
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
