import Foundation
import HTTPTypes
import TaskinfaCore
import TaskinfaServer
import Testing

/// API keys' scopes and IP allowlists, end to end.
@Suite struct KeyScopeTests {
    func key(_ api: API, _ owner: API.Account, _ body: [String: JSONValue]) async throws -> (id: String, secret: Credential) {
        var fields = body
        fields["name"] = fields["name"] ?? "scoped"
        let made = try await api.call(
            .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: .object(fields), as: owner.credential)
        try #require(made.status == .created, "\(made.text)")
        return (try #require(made.json["api_key"]?["id"]?.string), .key(try #require(made.json["secret"]?.string)))
    }

    @Test func aKeyDoesOnlyWhatItsScopesAndItsCreatorsRoleBothAllow() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp("Owen")
            let project = try await api.project(owner)
            let tasks = "/api/v1/workspaces/\(owner.workspaceID)/tasks"
            let newTask: JSONValue = ["project_id": .string(project), "title": "from a script"]

            let reader = try await key(api, owner, ["scopes": ["read"]])
            #expect(try await api.call(.get, tasks, as: reader.secret).status == .ok)
            let refused = try await api.call(.post, tasks, json: newTask, as: reader.secret)
            #expect(refused.status == .forbidden && refused.text.contains("don't include write"), "\(refused.text)")

            let writer = try await key(api, owner, ["scopes": ["write"]])
            #expect(try await api.call(.post, tasks, json: newTask, as: writer.secret).status == .created, "write includes read")
            let project2 = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/projects", json: ["name": "Ops", "key": "OPS"], as: writer.secret)
            #expect(project2.status == .forbidden, "managing projects takes the admin scope, whatever the role")

            let admin = try await key(api, owner, ["scopes": ["admin"], "role": "admin"])
            let listed = try await api.call(.get, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", as: owner.credential)
            let scopes = listed.json["api_keys"]?.array?.first { $0["id"]?.string == admin.id }?["scopes"]?.array?.compactMap(\.string)
            #expect(scopes == ["read", "write", "admin"])
            #expect(try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/projects", json: ["name": "Ops", "key": "OPS"], as: admin.secret)
                .status == .created)
            // A key without named scopes keeps what its role allows (keys made before scopes too).
            let plain = try await key(api, owner, [:])
            #expect(try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/projects", json: ["name": "Docs", "key": "DOC"], as: plain.secret)
                .status == .created)

            // Narrowing a key's scopes takes effect on its next request.
            let narrowed = try await api.call(.patch, "/api/v1/api-keys/\(writer.id)", json: ["scopes": ["read"]], as: owner.credential)
            #expect(narrowed.status == .ok && narrowed.json["scopes"]?.array?.compactMap(\.string) == ["read"], "\(narrowed.text)")
            #expect(try await api.call(.post, tasks, json: newTask, as: writer.secret).status == .forbidden)

            let bad = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: ["name": "x", "scopes": ["worker"]], as: owner.credential)
            #expect(bad.status == .badRequest && bad.problemFields == ["scopes"])
            let none = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: ["name": "x", "scopes": []], as: owner.credential)
            #expect(none.status == .badRequest && none.problemFields == ["scopes"])
        }
    }

    @Test func aKeyWithAnAllowlistWorksOnlyFromItsAddresses() async throws {
        try await TestApp.run(configure: { $0.trustProxy = true }) { api in
            let owner = try await api.signUp("Owen")
            let path = "/api/v1/workspaces/\(owner.workspaceID)/tasks"
            let office = try await key(api, owner, ["allowed_ips": ["203.0.113.0/24", "2001:db8::/32"]])
            func from(_ address: String?) async throws -> HTTPResponse.Status {
                var headers: HTTPFields = [:]
                if let address { headers[HTTPField.Name("X-Forwarded-For")!] = address }
                return try await api.call(.get, path, as: office.secret, headers: headers).status
            }
            #expect(try await from("203.0.113.77") == .ok)
            #expect(try await from("2001:db8:1::5") == .ok)
            #expect(try await from("198.51.100.1") == .forbidden)
            #expect(try await from("2001:db9::1") == .forbidden)
            #expect(try await from(nil) == .forbidden, "no address known: refused")
            let refusals = try await api.call(
                .get, "/api/v1/workspaces/\(owner.workspaceID)/audit-log?action=api_key.refused", as: owner.credential
            ).json["entries"]?.array ?? []
            #expect(refusals.count == 3 && refusals.allSatisfy { $0["resource_id"]?.string == office.id })
            #expect(refusals.contains { $0["ip_address"]?.string == "198.51.100.1" })
            let widened = try await api.call(.patch, "/api/v1/api-keys/\(office.id)", json: ["allowed_ips": []], as: owner.credential)
            #expect(widened.status == .ok && widened.json["allowed_ips"]?.array?.isEmpty == true)
            #expect(try await from("198.51.100.1") == .ok)
            let bad = try await api.call(
                .post, "/api/v1/workspaces/\(owner.workspaceID)/api-keys", json: ["name": "x", "allowed_ips": ["10.0.0.0/33"]],
                as: owner.credential)
            #expect(bad.status == .badRequest && bad.problemFields == ["allowed_ips"])
        }
    }
}

@Suite struct KeyScopeRuleTests {
    @Test func scopesIncludeTheOnesBelowThem() throws {
        #expect(try KeyScope.granted([.admin]) == [.read, .write, .admin])
        #expect(try KeyScope.granted([.read]) == [.read])
        #expect(KeyScope.required(for: .readWorkspace) == .read)
        #expect(KeyScope.required(for: .comment) == .write)
        #expect(KeyScope.required(for: .manageProjects) == .admin)
        #expect(KeyScope.required(for: .runExecutions) == .worker)
        #expect(KeyScope.parse(stored: KeyScope.stored([.read, .admin])) == [.read, .admin])
    }

    @Test func rangesMatchIPv4IPv6AndMappedAddresses() throws {
        let v4 = try CIDR("203.0.113.0/24")
        #expect(v4.contains("203.0.113.255") && !v4.contains("203.0.114.0"))
        #expect(v4.contains("::ffff:203.0.113.9"), "an IPv4-mapped IPv6 address is its IPv4 address")
        let host = try CIDR("198.51.100.7")
        #expect(host.contains("198.51.100.7") && !host.contains("198.51.100.8") && host.description == "198.51.100.7")
        let v6 = try CIDR("2001:db8::/32")
        #expect(v6.contains("2001:db8:ffff::1") && !v6.contains("2001:db9::"))
        let loopback = try CIDR("::1")
        #expect(v6.description == "2001:db8::/32" && loopback.description == "::1")
        #expect((try CIDR("2001:db8:0:1:0:0:0:1")).description == "2001:db8:0:1::1")
        #expect(try CIDR("::/0").contains("::1") && !(try CIDR("::/0")).contains("10.0.0.1"))
        #expect(try CIDR("0.0.0.0/0").contains("10.1.2.3"))
        for bad in ["10.0.0.256", "10.0.0/8", "10.0.0.0/33", "2001:db8::/129", "1::2::3", "example.com", ""] {
            #expect(throws: ValidationError.self, "\(bad)") { try CIDR(bad) }
        }
        #expect(throws: ValidationError.self) { try CIDR.allowlist(Array(repeating: "10.0.0.1", count: 21)) }
    }
}
