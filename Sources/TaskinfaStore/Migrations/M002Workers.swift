// Bot workers, their executions (claims with leases), execution logs, and task dependencies.
extension Migration {
    static let m002Workers = Migration(
        version: 2,
        name: "workers",
        sqlite: shared(integer: "INTEGER", real: "REAL") + [
            "CREATE INDEX tasks_queue ON tasks(workspace_id, status_order, claimed_by, priority_rank, position)",
            "CREATE INDEX tasks_awaiting_reply ON tasks(workspace_id, awaiting_reply_since)",
        ],
        postgres: shared(integer: "BIGINT", real: "DOUBLE PRECISION") + [
            "CREATE INDEX tasks_queue ON tasks(workspace_id, status_order, claimed_by, priority_rank, position)",
            "CREATE INDEX tasks_awaiting_reply ON tasks(workspace_id, awaiting_reply_since)",
        ]
    )

    /// The statements both dialects share, with their integer and real types.
    private static func shared(integer: String, real: String) -> [String] {
        [
            // The claim on a task: which worker holds it, through which execution.
            "ALTER TABLE tasks ADD COLUMN claimed_by TEXT",
            "ALTER TABLE tasks ADD COLUMN execution_id TEXT",
            "ALTER TABLE tasks ADD COLUMN failed_attempts \(integer) NOT NULL DEFAULT 0",
            // Out of the queue until a person looks (retries exhausted, agent blocked, cancelled).
            "ALTER TABLE tasks ADD COLUMN flagged_at \(integer)",
            "ALTER TABLE tasks ADD COLUMN flag_reason TEXT",
            "ALTER TABLE tasks ADD COLUMN branch_name TEXT",
            "ALTER TABLE tasks ADD COLUMN commit_sha TEXT",
            // Set when a person asks the agent something (`human_message`), cleared by the answer.
            "ALTER TABLE tasks ADD COLUMN awaiting_reply_since \(integer)",
            "ALTER TABLE api_keys ADD COLUMN worker_id TEXT",
            """
            CREATE TABLE workers (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                specializations TEXT NOT NULL DEFAULT '[]',
                configuration TEXT NOT NULL,
                reported_status TEXT NOT NULL DEFAULT 'idle',
                current_task_id TEXT,
                current_loop \(integer),
                last_heartbeat_at \(integer),
                tasks_succeeded \(integer) NOT NULL DEFAULT 0,
                tasks_failed \(integer) NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                updated_at \(integer) NOT NULL
            )
            """,
            "CREATE INDEX workers_by_workspace ON workers(workspace_id, name)",
            """
            CREATE TABLE executions (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                worker_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('task', 'reply')),
                status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'blocked', 'cancelled', 'expired')),
                attempt \(integer) NOT NULL,
                claim_token TEXT NOT NULL,
                lease_expires_at \(integer) NOT NULL,
                started_at \(integer) NOT NULL,
                finished_at \(integer),
                loops \(integer) NOT NULL DEFAULT 0,
                errors \(integer) NOT NULL DEFAULT 0,
                files_changed TEXT NOT NULL DEFAULT '[]',
                input_tokens \(integer),
                output_tokens \(integer),
                cost_usd \(real),
                branch TEXT,
                commit_sha TEXT,
                summary TEXT,
                reason TEXT,
                cancel_requested_at \(integer),
                completion_requested_at \(integer),
                completion_summary TEXT
            )
            """,
            "CREATE INDEX executions_by_task ON executions(task_id, started_at)",
            "CREATE INDEX executions_by_lease ON executions(status, lease_expires_at)",
            "CREATE INDEX executions_by_worker ON executions(worker_id, status)",
            """
            CREATE TABLE execution_logs (
                execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
                sequence \(integer) NOT NULL,
                workspace_id TEXT NOT NULL,
                stream TEXT NOT NULL,
                loop \(integer),
                text TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                PRIMARY KEY (execution_id, sequence)
            )
            """,
            """
            CREATE TABLE task_dependencies (
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                depends_on_task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('blocks', 'relates_to', 'duplicates')),
                created_by TEXT NOT NULL,
                created_at \(integer) NOT NULL,
                PRIMARY KEY (task_id, depends_on_task_id),
                CHECK (task_id <> depends_on_task_id)
            )
            """,
            "CREATE INDEX task_dependencies_reverse ON task_dependencies(depends_on_task_id)",
        ]
    }
}
