// What the review loop and the analytics need: the patch of each execution, which agent CLI ran
// it, which message a bot's answer replies to, and since when a task sits in its column.
extension Migration {
    static let m005ReviewAndAnalytics = Migration(
        version: 5,
        name: "execution diffs, executor, comment replies, column entry time",
        sqlite: shared(integer: "INTEGER") + [
            // Set when a task changes column; a task that never moved entered it when created.
            """
            CREATE TRIGGER tasks_entered_status AFTER UPDATE OF status ON tasks
            FOR EACH ROW WHEN NEW.status <> OLD.status
            BEGIN
                UPDATE tasks SET entered_status_at = NEW.updated_at WHERE row_id = NEW.row_id;
            END
            """
        ],
        postgres: shared(integer: "BIGINT") + [
            """
            CREATE FUNCTION tasks_entered_status() RETURNS trigger AS $$
            BEGIN
                IF NEW.status IS DISTINCT FROM OLD.status THEN
                    NEW.entered_status_at := NEW.updated_at;
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER tasks_entered_status BEFORE UPDATE OF status ON tasks
            FOR EACH ROW EXECUTE FUNCTION tasks_entered_status()
            """,
        ]
    )

    private static func shared(integer: String) -> [String] {
        [
            """
            CREATE TABLE execution_diffs (
                execution_id TEXT PRIMARY KEY REFERENCES executions(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                task_id TEXT NOT NULL,
                patch TEXT NOT NULL,
                omitted TEXT NOT NULL DEFAULT '[]',
                created_at \(integer) NOT NULL
            )
            """,
            "ALTER TABLE executions ADD COLUMN executor TEXT",
            "ALTER TABLE workers ADD COLUMN disabled_at \(integer)",
            "ALTER TABLE executions ADD COLUMN model TEXT",
            "ALTER TABLE comments ADD COLUMN reply_to TEXT",
            "ALTER TABLE tasks ADD COLUMN entered_status_at \(integer)",
            "UPDATE tasks SET entered_status_at = updated_at",
            "CREATE INDEX tasks_by_completed ON tasks(workspace_id, completed_at)",
            "CREATE INDEX tasks_flagged ON tasks(workspace_id, flagged_at)",
            "CREATE INDEX executions_by_workspace ON executions(workspace_id, started_at)",
        ]
    }
}
