// Teams: invitations by e-mail, the mail outbox that sends them (and password resets) off the
// request path with retries, and single-use password-reset tokens (stored as hashes); and the
// rate-limit counters, in the database so that every replica counts the same attempts; API keys'
// scopes and IP allowlists.
extension Migration {
    static let m007Invitations = Migration(
        version: 7,
        name: "invitations, mail outbox, password resets, rate limits, key scopes",
        sqlite: statements(integer: "INTEGER"),
        postgres: statements(integer: "BIGINT")
    )

    private static func statements(integer: String) -> [String] {
        [
            """
            CREATE TABLE invitations (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                email TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                token_hash TEXT NOT NULL UNIQUE,
                invited_by TEXT NOT NULL,
                inviter_name TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                expires_at \(integer) NOT NULL,
                sent_count INTEGER NOT NULL DEFAULT 1,
                mail_id TEXT,
                accepted_at \(integer),
                accepted_by TEXT,
                revoked_at \(integer)
            )
            """,
            "CREATE INDEX invitations_by_workspace ON invitations(workspace_id, email)",
            // One row per e-mail to send. `body` holds the link until the mail is sent and is
            // cleared then; `locked_until` lets one replica at a time try a row.
            """
            CREATE TABLE mail_outbox (
                id TEXT PRIMARY KEY,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(integer) NOT NULL,
                locked_until \(integer),
                sent_at \(integer),
                failed_at \(integer),
                last_error TEXT
            )
            """,
            "CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, failed_at, next_attempt_at)",
            """
            CREATE TABLE password_resets (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at \(integer) NOT NULL,
                expires_at \(integer) NOT NULL,
                used_at \(integer)
            )
            """,
            "CREATE INDEX password_resets_by_user ON password_resets(user_id, created_at)",
            """
            CREATE TABLE rate_limits (
                counter TEXT NOT NULL,
                window_start \(integer) NOT NULL,
                hits INTEGER NOT NULL,
                PRIMARY KEY (counter, window_start)
            )
            """,
            "CREATE INDEX rate_limits_by_window ON rate_limits(window_start)",
            // A key's scopes (comma-separated; none = the defaults of its kind) and IP allowlist (JSON).
            "ALTER TABLE api_keys ADD COLUMN scopes TEXT",
            "ALTER TABLE api_keys ADD COLUMN allowed_ips TEXT",
        ]
    }
}
