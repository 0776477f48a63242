import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import TaskinfaServer
import Testing

/// Builds the real application (`buildApplication`, as `taskinfa serve` does) on a fresh database
/// and hands the test an `API` client. bcrypt runs at its lowest cost to keep tests fast.
enum TestApp {
    static func configuration(port: Int = 0) async throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.dataDirectory = try TestDatabase.temporaryDirectory()
        configuration.databaseURL = try await TestDatabase.make()
        configuration.bcryptCost = 4
        configuration.secretBox = SecretBox(current: SecretBox.Key.generate().key)
        configuration.logLevel = ProcessInfo.processInfo.environment["TASKINFA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        configuration.keepAliveInterval = .seconds(1)
        // Suites sign many people up from one (absent) address; `RateLimitTests` sets the real limits.
        configuration.signInsPerMinute = 10_000
        configuration.signUpsPerMinute = 10_000
        configuration.apiRequestsPerMinute = 1_000_000
        return configuration
    }

    /// The configuration `run` would use, changed by `configure`.
    static func configured(_ configure: (inout ServerConfiguration) -> Void) async throws -> ServerConfiguration {
        var configuration = try await configuration()
        configure(&configuration)
        return configuration
    }

    static func run<T: Sendable>(
        _ mode: TestingSetup = .router, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ test: @Sendable (API) async throws -> T
    ) async throws -> T {
        try await run(mode, configuration: try await configured(configure), test)
    }

    /// `run` with a configuration the test made itself (and may need again, say to open the
    /// database the server uses).
    static func run<T: Sendable>(
        _ mode: TestingSetup = .router, configuration: ServerConfiguration, _ test: @Sendable (API) async throws -> T
    ) async throws -> T {
        let app = try buildApplication(configuration: configuration)
        return try await app.test(mode) { client in try await test(API(client: client)) }
    }
}

/// Credentials a request is sent with.
enum Credential: Sendable {
    case cookie(String)
    case key(String)
}

/// A JSON-speaking client over the test client.
struct API: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer

        var text: String { String(buffer: body) }
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body))) ?? .null }
        var problemFields: [String] { json["errors"]?.array?.compactMap { $0["field"]?.string } ?? [] }
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, raw: String? = nil, as credential: Credential? = nil,
        headers extra: HTTPFields = [:], csrf: Bool = true
    ) async throws -> Reply {
        var headers = extra
        switch credential {
        case .cookie(let token):
            headers[.cookie] = "taskinfa_session=\(token)"
            // What the page does: every write with the cookie carries the session's token.
            if csrf && ![.get, .head].contains(method) && headers[HTTPField.Name(CSRFToken.header)!] == nil {
                headers[HTTPField.Name(CSRFToken.header)!] = CSRFToken.of(sessionToken: token)
            }
        case .key(let secret): headers[.authorization] = "Bearer \(secret)"
        case nil: break
        }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(data: try JSONEncoder().encode(json))
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    // MARK: - Fixtures

    struct Account: Sendable {
        let credential: Credential
        let userID: String
        let workspaceID: String
        let email: String
    }

    func signUp(_ name: String = "Ann") async throws -> Account {
        let email = "\(name.lowercased())-\(UUID().uuidString.prefix(8))@example.com"
        let reply = try await call(
            .post, "/api/v1/auth/signup", json: ["email": .string(email), "password": "mauve kettle orbit", "name": .string(name)])
        try #require(reply.status == .created, "signup: \(reply.text)")
        let cookie = try #require(reply.headers[.setCookie])
        let token = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
        return Account(
            credential: .cookie(token), userID: reply.json["user"]?["id"]?.string ?? "",
            workspaceID: reply.json["workspace"]?["id"]?.string ?? "", email: email)
    }

    /// `person` joins `owner`'s workspace with `role` through an invitation link, as people do;
    /// the account as seen from that workspace.
    @discardableResult
    func join(_ person: Account, workspaceOf owner: Account, as role: String) async throws -> Account {
        let invitation = try await call(
            .post, "/api/v1/workspaces/\(owner.workspaceID)/invitations", json: ["email": .string(person.email), "role": .string(role)],
            as: owner.credential)
        let token = try #require(invitation.json["link"]?.string?.split(separator: "#").last.map(String.init), "\(invitation.text)")
        try #require(try await call(.post, "/api/v1/invitations/\(token)/accept", as: person.credential).status == .ok)
        return Account(credential: person.credential, userID: person.userID, workspaceID: owner.workspaceID, email: person.email)
    }

    func apiKey(for account: Account, role: String? = nil, in workspace: String? = nil) async throws -> Credential {
        var body: [String: JSONValue] = ["name": "test key"]
        if let role { body["role"] = .string(role) }
        let reply = try await call(
            .post, "/api/v1/workspaces/\(workspace ?? account.workspaceID)/api-keys", json: .object(body),
            as: account.credential)
        try #require(reply.status == .created, "api key: \(reply.text)")
        return .key(try #require(reply.json["secret"]?.string))
    }

    func project(_ account: Account, name: String = "Web", key: String = "WEB") async throws -> String {
        let reply = try await call(
            .post, "/api/v1/workspaces/\(account.workspaceID)/projects",
            json: ["name": .string(name), "key": .string(key)], as: account.credential)
        try #require(reply.status == .created, "project: \(reply.text)")
        return try #require(reply.json["id"]?.string)
    }

    @discardableResult
    func task(
        _ account: Account, project: String, title: String, status: String = "todo", extra: [String: JSONValue] = [:]
    ) async throws -> JSONValue {
        var body: [String: JSONValue] = ["project_id": .string(project), "title": .string(title), "status": .string(status)]
        body.merge(extra) { _, new in new }
        let reply = try await call(
            .post, "/api/v1/workspaces/\(account.workspaceID)/tasks", json: .object(body), as: account.credential)
        try #require(reply.status == .created, "task: \(reply.text)")
        return reply.json
    }

    /// Keys of a column, top to bottom.
    func column(_ account: Account, _ status: String) async throws -> [String] {
        let reply = try await call(
            .get, "/api/v1/workspaces/\(account.workspaceID)/tasks?status=\(status)&limit=200", as: account.credential)
        return reply.json["tasks"]?.array?.compactMap { $0["key"]?.string } ?? []
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    var string: String? { if case .string(let value) = self { return value } else { return nil } }
    var int: Int? { if case .number(let value) = self { return Int(value) } else { return nil } }
    var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    var double: Double? { if case .number(let value) = self { return value } else { return nil } }
    var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    var isNull: Bool { self == .null }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}
