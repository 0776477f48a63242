public import Foundation
public import HTTPTypes
public import OpenAPIRuntime

/// Sends an API key with every request of the generated client (`Authorization: Bearer tk_…`),
/// and, for a worker's agent, the claim token that fences its writes (`X-Taskinfa-Claim`).
public struct CredentialsMiddleware: ClientMiddleware {
    public let apiKey: String
    public let claimToken: String?

    public init(apiKey: String, claimToken: String? = nil) {
        self.apiKey = apiKey
        self.claimToken = claimToken
    }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(apiKey)"
        if let claimToken, request.headerFields[HTTPField.Name("X-Taskinfa-Claim")!] == nil {
            request.headerFields[HTTPField.Name("X-Taskinfa-Claim")!] = claimToken
        }
        return try await next(request, body, baseURL)
    }
}

/// The base URL of the API from the server's address (`http://host:8080` → `…/api/v1`).
public enum APIAddress {
    public static func url(server: String) throws -> URL {
        var text = server.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        if !text.hasSuffix("/api/v1") { text += "/api/v1" }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else { throw APIAddressError(server: server) }
        return url
    }

    public struct APIAddressError: Error, CustomStringConvertible {
        public let server: String
        public var description: String { "not a server URL: \(server) (expected http(s)://host:port)" }
    }
}
