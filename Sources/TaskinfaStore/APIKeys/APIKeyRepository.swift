import Foundation
import SQLKit
import TaskinfaCore

/// Workspace API keys. Only the SHA-256 of a key's secret is stored.
public struct APIKeyRepository: Sendable {
    let store: Store

    public func create(
        _ scope: WorkspaceScope, name: String, role: Role, expiresAt: Date?, tokenHash: String, preview: String,
        scopes: Set<KeyScope>? = nil, allowedIPs: [CIDR] = []
    ) async throws -> APIKey {
        try scope.require(.manageOwnAPIKeys)
        // A key never acts with more rights than the person who made it.
        guard role <= scope.role else {
            throw ValidationError(field: "role", message: "must not exceed your own role (\(scope.role.rawValue))")
        }
        let now = store.now()
        var made = APIKey(
            id: store.random.id(.apiKey), workspaceID: scope.workspaceID, userID: scope.userID, name: name,
            preview: preview, role: role, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
        made.scopes = scopes ?? KeyScope.personDefault(for: role)
        made.allowedIPs = allowedIPs
        let key = made
        try await store.database.write(workspace: scope.workspaceID) { sql in
            try await sql.raw(
                """
                INSERT INTO api_keys (id, workspace_id, user_id, name, token_hash, preview, role, created_at, expires_at,
                                      scopes, allowed_ips)
                VALUES (\(bind: key.id), \(bind: key.workspaceID), \(bind: key.userID), \(bind: key.name),
                        \(bind: tokenHash), \(bind: key.preview), \(bind: key.role.rawValue), \(bind: now.milliseconds),
                        \(bind: expiresAt.milliseconds), \(bind: KeyScope.stored(key.scopes)), \(bind: Self.storedIPs(allowedIPs)))
                """
            ).run()
            try await EventLog.append(
                EventDraft(type: .apiKeyCreated, actor: scope.actor, payload: EventPayload.APIKeySnapshot(key)),
                workspace: scope.workspaceID, on: sql, at: now)
        }
        return key
    }

    /// Keys that are not revoked: all of them for admins, one's own for everybody else. Workers'
    /// keys are managed with their workers and are not listed.
    public func list(_ scope: WorkspaceScope) async throws -> [APIKey] {
        try scope.require(.manageOwnAPIKeys)
        let everyone = Permission.allows(scope.role, .manageAnyAPIKey, as: scope.principal)
        return try await store.database.read { sql in
            var query = SQLQueryString(
                "SELECT * FROM api_keys WHERE workspace_id = \(bind: scope.workspaceID) AND revoked_at IS NULL AND worker_id IS NULL")
            if !everyone { query = query + SQLQueryString(" AND user_id = \(bind: scope.userID)") }
            query = query + " ORDER BY created_at DESC, id"
            return try await sql.raw(query).all().map(Self.key(from:))
        }
    }

    /// The workspace a key belongs to, for routes addressed by key id.
    public func workspaceOf(keyID: String) async throws -> String? {
        try await store.database.read { sql in
            try await sql.raw(
                "SELECT workspace_id FROM api_keys WHERE id = \(bind: keyID) AND revoked_at IS NULL AND worker_id IS NULL"
            ).first()?.string("workspace_id")
        }
    }

    /// Renames a key and/or changes its scopes or allowlist (nil leaves each as it is).
    public func update(
        _ scope: WorkspaceScope, keyID: String, name: String?, scopes: Set<KeyScope>?, allowedIPs: [CIDR]?
    ) async throws -> APIKey {
        try await mutate(scope, keyID: keyID, event: .apiKeyUpdated) { sql, now in
            if let name { try await sql.raw("UPDATE api_keys SET name = \(bind: name) WHERE id = \(bind: keyID)").run() }
            if let scopes {
                try await sql.raw("UPDATE api_keys SET scopes = \(bind: KeyScope.stored(scopes)) WHERE id = \(bind: keyID)").run()
            }
            if let allowedIPs {
                try await sql.raw("UPDATE api_keys SET allowed_ips = \(bind: Self.storedIPs(allowedIPs)) WHERE id = \(bind: keyID)").run()
            }
        }
    }

    static func storedIPs(_ ranges: [CIDR]) -> String? {
        // A list of strings always encodes.
        ranges.isEmpty ? nil : (try? JSONEncoder().encode(ranges.map(\.description))).map { String(decoding: $0, as: UTF8.self) }
    }

    public func revoke(_ scope: WorkspaceScope, keyID: String) async throws {
        _ = try await mutate(scope, keyID: keyID, event: .apiKeyRevoked) { sql, now in
            try await sql.raw("UPDATE api_keys SET revoked_at = \(bind: now.milliseconds) WHERE id = \(bind: keyID)").run()
        }
    }

    /// Changes a live key of the scope's workspace: the key's creator or an admin may, signed in.
    private func mutate(
        _ scope: WorkspaceScope, keyID: String, event: EventType,
        _ change: @escaping @Sendable (any SQLDatabase, Date) async throws -> Void
    ) async throws -> APIKey {
        try scope.require(.manageOwnAPIKeys)
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT * FROM api_keys
                    WHERE id = \(bind: keyID) AND workspace_id = \(bind: scope.workspaceID) AND revoked_at IS NULL
                      AND worker_id IS NULL
                    """
                ).first()
            else { throw NotFoundError("api_key", id: keyID) }
            let existing = try Self.key(from: row)
            if existing.userID != scope.userID { try scope.require(.manageAnyAPIKey) }
            try await change(sql, now)
            guard let updated = try await sql.raw("SELECT * FROM api_keys WHERE id = \(bind: keyID)").first() else {
                throw NotFoundError("api_key", id: keyID)
            }
            let key = try Self.key(from: updated)
            try await EventLog.append(
                EventDraft(type: event, actor: scope.actor, payload: EventPayload.APIKeySnapshot(key)),
                workspace: scope.workspaceID, on: sql, at: now)
            return key
        }
    }

    /// Who a key is, once its secret checked out.
    public struct Authenticated: Sendable {
        public var key: APIKey
        public var user: User
        /// The lower of the key's role and its creator's current role.
        public var role: Role
        public var workerName: String?
        /// For an execution's key: the claim token of that execution, which its writes carry.
        public var claimToken: String?
    }

    /// The usable key with this secret hash, the user behind it, and the role it acts with: the
    /// lower of the key's role and its creator's current role (a creator who left disables the key).
    /// An execution's key works only while its execution runs.
    public func authenticate(tokenHash: String) async throws -> Authenticated? {
        let now = store.now()
        return try await store.database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT k.*, m.role AS member_role, u.email, u.name AS user_name, u.created_at AS user_created_at,
                           u.last_login_at, w.name AS worker_name, e.status AS execution_status, e.claim_token
                    FROM api_keys k
                    LEFT JOIN workers w ON w.id = k.worker_id
                    LEFT JOIN executions e ON e.id = k.execution_id
                    JOIN workspace_members m ON m.workspace_id = k.workspace_id AND m.user_id = k.user_id AND m.status = 'active'
                    JOIN users u ON u.id = k.user_id AND u.disabled_at IS NULL
                    WHERE k.token_hash = \(bind: tokenHash) AND k.revoked_at IS NULL
                    """
                ).first()
            else { return nil }
            let key = try Self.key(from: row)
            guard key.isUsable(at: now) else { return nil }
            if key.executionID != nil, try row.optionalString("execution_status") != ExecutionStatus.running.rawValue {
                return nil
            }
            if key.workerID != nil, try row.optionalString("worker_name") == nil { return nil }
            let user = User(
                id: key.userID, email: try row.string("email"), name: try row.string("user_name"),
                createdAt: try row.date("user_created_at"), lastLoginAt: try row.optionalDate("last_login_at"))
            let memberRole = try Role.parse(row.string("member_role"))
            return Authenticated(
                key: key, user: user, role: min(key.role, memberRole), workerName: try row.optionalString("worker_name"),
                claimToken: key.executionID == nil ? nil : try row.optionalString("claim_token"))
        }
    }

    /// Mints the key the agent of a new execution works with (inside the claim's transaction).
    static func insertExecutionKey(
        id: String, execution: Execution, createdBy userID: String, tokenHash: String, preview: String, at now: Date,
        on sql: any SQLDatabase
    ) async throws {
        try await sql.runLater(
            """
            INSERT INTO api_keys (id, workspace_id, user_id, name, token_hash, preview, role, created_at, worker_id,
                                  execution_id)
            VALUES (\(bind: id), \(bind: execution.workspaceID), \(bind: userID), \(bind: "agent of " + execution.id),
                    \(bind: tokenHash), \(bind: preview), 'member', \(bind: now.milliseconds), \(bind: execution.workerID),
                    \(bind: execution.id))
            """, table: "api_keys")
    }

    /// Ends the key of an execution that is over.
    static func revokeExecutionKey(_ executionID: String, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE api_keys SET revoked_at = \(bind: now.milliseconds)
            WHERE execution_id = \(bind: executionID) AND revoked_at IS NULL
            """
        ).run()
    }

    /// Records use of a key, at most once per `APIKeyRules.lastUsedResolution`.
    public func touch(_ key: APIKey) async throws {
        let now = store.now()
        if let last = key.lastUsedAt, now.timeIntervalSince(last) < APIKeyRules.lastUsedResolution { return }
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("UPDATE api_keys SET last_used_at = \(bind: now.milliseconds) WHERE id = \(bind: key.id)").run()
        }
    }

    static func key(from row: any SQLRow) throws -> APIKey {
        var key = APIKey(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), userID: try row.string("user_id"),
            name: try row.string("name"), preview: try row.string("preview"), role: try Role.parse(row.string("role")),
            createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"),
            lastUsedAt: try row.optionalDate("last_used_at"), revokedAt: try row.optionalDate("revoked_at"),
            workerID: try row.optionalString("worker_id"), executionID: try row.optionalString("execution_id"))
        key.scopes = KeyScope.parse(stored: try row.optionalString("scopes"))
            ?? (key.workerID == nil ? KeyScope.personDefault(for: key.role) : KeyScope.workerDefault)
        if let ips = try row.optionalString("allowed_ips"), let entries = try? JSONDecoder().decode([String].self, from: Data(ips.utf8)) {
            key.allowedIPs = entries.compactMap { try? CIDR($0) }
        }
        return key
    }
}
