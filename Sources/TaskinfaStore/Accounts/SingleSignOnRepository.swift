import Foundation
import SQLKit
import TaskinfaCore

/// Sign-ins through an OpenID Connect provider: their one-use states, and the account an
/// identity signs in to (linked on first use, made if there is none, joined to the workspaces
/// that take its e-mail domain).
public struct SingleSignOnRepository: Sendable {
    let store: Store

    /// A sign-in that left for the provider. Only the state's hash is kept; the PKCE verifier
    /// arrives sealed.
    public struct Pending: Sendable, Equatable {
        public var nonce: String
        public var sealedVerifier: String
        public var next: String?

        public init(nonce: String, sealedVerifier: String, next: String?) {
            self.nonce = nonce
            self.sealedVerifier = sealedVerifier
            self.next = next
        }
    }

    public func begin(stateHash: String, pending: Pending) async throws {
        let now = store.now()
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw("DELETE FROM sso_states WHERE expires_at < \(bind: now.milliseconds)").run()
            try await sql.raw(
                """
                INSERT INTO sso_states (state_hash, nonce, code_verifier, next_path, created_at, expires_at)
                VALUES (\(bind: stateHash), \(bind: pending.nonce), \(bind: pending.sealedVerifier), \(bind: pending.next),
                        \(bind: now.milliseconds), \(bind: now.addingTimeInterval(SingleSignOnRules.stateLifetime).milliseconds))
                """
            ).run()
        }
    }

    /// Uses up a state (once, within its ten minutes): a second callback with it finds nothing.
    public func take(stateHash: String) async throws -> Pending {
        let now = store.now()
        return try await store.database.write(workspace: nil) { sql in
            guard
                let row = try await sql.raw(
                    """
                    UPDATE sso_states SET used_at = \(bind: now.milliseconds)
                    WHERE state_hash = \(bind: stateHash) AND used_at IS NULL AND expires_at > \(bind: now.milliseconds)
                    RETURNING nonce, code_verifier, next_path
                    """
                ).first()
            else { throw ValidationError(field: "state", message: "this sign-in is used, expired or unknown; start it again") }
            return Pending(nonce: try row.string("nonce"), sealedVerifier: try row.string("code_verifier"), next: try row.optionalString("next_path"))
        }
    }

    /// The account of a verified identity: the one linked to it; else the active account with its
    /// verified address (linked now); else a new one with a personal workspace. Then it joins every
    /// workspace that takes its domain and doesn't have it yet. One transaction.
    public func signIn(
        issuer: String, subject: String, email: String, name: String, passwordHash: @escaping @Sendable () async throws -> String
    ) async throws -> (user: User, joined: [String]) {
        let now = store.now()
        let hash = try await passwordHash()
        let userID = store.random.id(.user)
        let workspaceID = store.random.id(.workspace)
        return try await store.database.write(workspace: nil) { sql in
            var user: User
            if let row = try await sql.raw(
                """
                SELECT u.* FROM user_identities i JOIN users u ON u.id = i.user_id
                WHERE i.issuer = \(bind: issuer) AND i.subject = \(bind: subject)
                """
            ).first() {
                user = try AccountRepository.user(from: row)
                guard try row.optionalDate("disabled_at") == nil else { throw AccessError.refused("this account is disabled") }
            } else {
                if let row = try await sql.raw("SELECT * FROM users WHERE email = \(bind: email)").first() {
                    user = try AccountRepository.user(from: row)
                    guard try row.optionalDate("disabled_at") == nil else { throw AccessError.refused("this account is disabled") }
                } else {
                    user = User(id: userID, email: email, name: name, createdAt: now, lastLoginAt: now)
                    try await AccountRepository.insert(user, passwordHash: hash, on: sql)
                    let workspace = Workspace(
                        id: workspaceID, name: Workspace.personalName(for: name), description: nil, createdAt: now, updatedAt: now)
                    try await WorkspaceRepository.insert(workspace, owner: user, on: sql)
                }
                try await sql.raw(
                    """
                    INSERT INTO user_identities (issuer, subject, user_id, created_at)
                    VALUES (\(bind: issuer), \(bind: subject), \(bind: user.id), \(bind: now.milliseconds))
                    """
                ).run()
            }
            var joined: [String] = []
            if let domain = SingleSignOnRules.domain(of: email) {
                let candidates = try await sql.raw(
                    """
                    SELECT w.id, w.sso_domains, w.sso_role FROM workspaces w
                    WHERE w.sso_domains LIKE \(bind: "%" + domain + "%")
                      AND NOT EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = \(bind: user.id))
                    """
                ).all()
                for row in candidates {
                    let domains = try row.optionalString("sso_domains")?.split(separator: ",").map(String.init) ?? []
                    guard domains.contains(domain) else { continue }
                    let id = try row.string("id")
                    try await WorkspaceRepository.addMember(user, role: try Role.parse(row.string("sso_role")), to: id, invitedBy: nil, on: sql, at: now)
                    joined.append(id)
                }
            }
            try await sql.raw("UPDATE users SET last_login_at = \(bind: now.milliseconds) WHERE id = \(bind: user.id)").run()
            return (user, joined)
        }
    }
}
