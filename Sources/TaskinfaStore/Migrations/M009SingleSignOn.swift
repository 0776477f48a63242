// Single sign-on with an OpenID Connect provider: the one-use states of sign-ins under way (their
// PKCE verifier sealed), the provider identities linked to accounts, and each workspace's e-mail
// domains whose people join it on their first sign-in, with the role they get. And project roles
// (lead, contributor, viewer), which narrow or widen a member's rights in one project.
extension Migration {
    static let m009SingleSignOn = Migration(
        version: 9,
        name: "single sign-on, project roles",
        sqlite: statements(integer: "INTEGER"),
        postgres: statements(integer: "BIGINT")
    )

    private static func statements(integer: String) -> [String] {
        [
            """
            CREATE TABLE sso_states (
                state_hash TEXT PRIMARY KEY,
                nonce TEXT NOT NULL,
                code_verifier TEXT NOT NULL,
                next_path TEXT,
                created_at \(integer) NOT NULL,
                expires_at \(integer) NOT NULL,
                used_at \(integer)
            )
            """,
            "CREATE INDEX sso_states_by_expiry ON sso_states(expires_at)",
            """
            CREATE TABLE user_identities (
                issuer TEXT NOT NULL,
                subject TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at \(integer) NOT NULL,
                PRIMARY KEY (issuer, subject)
            )
            """,
            "CREATE INDEX user_identities_by_user ON user_identities(user_id)",
            "ALTER TABLE workspaces ADD COLUMN sso_domains TEXT",
            "ALTER TABLE workspaces ADD COLUMN sso_role TEXT NOT NULL DEFAULT 'member'",
            """
            CREATE TABLE project_members (
                project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('lead', 'contributor', 'viewer')),
                created_at \(integer) NOT NULL,
                PRIMARY KEY (project_id, user_id)
            )
            """,
            "CREATE INDEX project_members_by_user ON project_members(workspace_id, user_id)",
        ]
    }
}
