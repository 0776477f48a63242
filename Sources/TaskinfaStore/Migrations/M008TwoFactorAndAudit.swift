// Two-factor sign-in (an encrypted TOTP seed per account, hashed single-use recovery codes, and a
// workspace's demand that its members use it) and the audit log (plan §5.7), append-only, with a
// retention each workspace sets.
extension Migration {
    static let m008TwoFactorAndAudit = Migration(
        version: 8,
        name: "two-factor authentication, audit log",
        sqlite: statements(integer: "INTEGER"),
        postgres: statements(integer: "BIGINT")
    )

    private static func statements(integer: String) -> [String] {
        [
            // Seeds are sealed with the server's secret key (never stored in the clear). The pending
            // seed is the one being enrolled, until a code from it proves the app has it.
            "ALTER TABLE users ADD COLUMN totp_secret TEXT",
            "ALTER TABLE users ADD COLUMN totp_pending_secret TEXT",
            "ALTER TABLE users ADD COLUMN totp_enabled_at \(integer)",
            // The last time step a code was accepted for: a code can't be used twice.
            "ALTER TABLE users ADD COLUMN totp_last_step \(integer)",
            """
            CREATE TABLE recovery_codes (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                code_hash TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                used_at \(integer),
                PRIMARY KEY (user_id, code_hash)
            )
            """,
            "ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE workspaces ADD COLUMN audit_retention_days INTEGER NOT NULL DEFAULT 365",
            // workspace_id is empty for what belongs to an account rather than a workspace
            // (sign-ins, two-factor changes): those show on the account's own page.
            """
            CREATE TABLE audit_logs (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL,
                user_id TEXT,
                actor_type TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                actor_name TEXT NOT NULL,
                action TEXT NOT NULL,
                resource_type TEXT NOT NULL,
                resource_id TEXT,
                outcome TEXT NOT NULL,
                details TEXT,
                ip_address TEXT,
                user_agent TEXT,
                created_at \(integer) NOT NULL
            )
            """,
            "CREATE INDEX audit_logs_by_workspace ON audit_logs(workspace_id, created_at)",
            "CREATE INDEX audit_logs_by_action ON audit_logs(action, created_at)",
            "CREATE INDEX audit_logs_by_user ON audit_logs(user_id, created_at)",
        ]
    }
}
