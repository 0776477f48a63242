import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let keys = try await store.apiKeys.list(scope)
        return .ok(.init(body: .json(.init(apiKeys: keys.map(Components.Schemas.ApiKey.init)))))
    }

    func createApiKey(_ input: Operations.CreateApiKey.Input) async throws -> Operations.CreateApiKey.Output {
        // A leaked key must not be able to mint more keys: the store lets only people create keys.
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try APIKeyRules.validName(body.name) }
        let expiry = validator.check { try APIKeyRules.expiry(days: body.expiresInDays, from: store.clock.now()) }
        let scopes = validator.check { try body.scopes.map { try KeyScope.granted($0.map(\.domain)) } }
        let allowlist = validator.check { try CIDR.allowlist(body.allowedIps ?? []) }
        try validator.throwIfInvalid()
        let secret = APIKeyRules.newSecret(store.random)
        let key = try await store.apiKeys.create(
            scope, name: name!, role: body.role?.domain ?? scope.role, expiresAt: expiry ?? nil,
            tokenHash: TokenHash.of(secret), preview: APIKeyRules.preview(of: secret), scopes: scopes ?? nil, allowedIPs: allowlist!)
        return .created(.init(body: .json(.init(apiKey: .init(key), secret: secret))))
    }

    func updateApiKey(_ input: Operations.UpdateApiKey.Input) async throws -> Operations.UpdateApiKey.Output {
        let scope = try await access.apiKey(input.path.keyId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try body.name.map(APIKeyRules.validName) }
        let scopes = validator.check { try body.scopes.map { try KeyScope.granted($0.map(\.domain)) } }
        let allowlist = validator.check { try body.allowedIps.map { try CIDR.allowlist($0) } }
        try validator.throwIfInvalid()
        let key = try await store.apiKeys.update(
            scope, keyID: input.path.keyId, name: name ?? nil, scopes: scopes ?? nil, allowedIPs: allowlist ?? nil)
        return .ok(.init(body: .json(.init(key))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        let scope = try await access.apiKey(input.path.keyId)
        try await store.apiKeys.revoke(scope, keyID: input.path.keyId)
        return .noContent(.init())
    }
}
