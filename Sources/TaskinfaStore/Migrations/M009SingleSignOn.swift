// Single sign-on with an OpenID Connect provider: the one-use states of sign-ins under way (their
// PKCE verifier sealed), the provider identities linked to accounts, and each workspace's e-mail
// domains whose people join it on their first sign-in, with the role they get.
extension Migration {
    static let m009SingleSignOn = Migration(
        version: 9,
        name: "single sign-on",
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
        ]
    }
}
