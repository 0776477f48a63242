// Execution keys (the key a worker hands its agent for one execution), the `released` outcome (a
// worker gave work back without counting an attempt), and a worker's own words about its state.
extension Migration {
    static let m004Hardening = Migration(
        version: 4,
        name: "execution keys and released executions",
        // SQLite can't change a CHECK constraint in place: the table is rebuilt (the documented
        // procedure, with foreign keys off so that dropping the old table doesn't cascade to the logs).
        sqlite: [
            """
            CREATE TABLE executions_rebuilt (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                worker_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('task', 'reply')),
                status TEXT NOT NULL
                    CHECK (status IN ('running', 'succeeded', 'failed', 'blocked', 'cancelled', 'expired', 'released')),
                attempt INTEGER NOT NULL,
                claim_token TEXT NOT NULL,
                lease_expires_at INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                loops INTEGER NOT NULL DEFAULT 0,
                errors INTEGER NOT NULL DEFAULT 0,
                files_changed TEXT NOT NULL DEFAULT '[]',
                input_tokens INTEGER,
                output_tokens INTEGER,
                cost_usd REAL,
                branch TEXT,
                commit_sha TEXT,
                summary TEXT,
                reason TEXT,
                cancel_requested_at INTEGER,
                completion_requested_at INTEGER,
                completion_summary TEXT
            )
            """,
            "INSERT INTO executions_rebuilt SELECT * FROM executions",
            "DROP TABLE executions",
            "ALTER TABLE executions_rebuilt RENAME TO executions",
            "CREATE INDEX executions_by_task ON executions(task_id, started_at)",
            "CREATE INDEX executions_by_lease ON executions(status, lease_expires_at)",
            "CREATE INDEX executions_by_worker ON executions(worker_id, status)",
        ] + shared,
        postgres: [
            "ALTER TABLE executions DROP CONSTRAINT executions_status_check",
            """
            ALTER TABLE executions ADD CONSTRAINT executions_status_check
                CHECK (status IN ('running', 'succeeded', 'failed', 'blocked', 'cancelled', 'expired', 'released'))
            """,
        ] + shared,
        foreignKeysOffOnSQLite: true
    )

    private static let shared = [
        // Set on the key a worker hands its agent: it works only while that execution runs.
        "ALTER TABLE api_keys ADD COLUMN execution_id TEXT",
        "CREATE INDEX api_keys_by_execution ON api_keys(execution_id)",
        // Why a worker is in error (a configuration its host refuses, an agent that can't start).
        "ALTER TABLE workers ADD COLUMN status_message TEXT",
    ]
}
