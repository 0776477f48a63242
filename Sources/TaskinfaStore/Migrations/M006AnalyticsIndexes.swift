// What keeps the analytics fast at a million tasks: every task knows since when it sits in its
// column (new tasks are written with it; older rows get their creation time), so the bottleneck
// query can walk one column's index in age order; and the done tasks carry their cycle-time
// columns in a partial index, so the percentiles are read from the index without touching rows
// (`status` is in it too: SQLite only reads a partial index alone when it holds every column the
// query names).
extension Migration {
    static let m006AnalyticsIndexes = Migration(
        version: 6,
        name: "column entry time always set, analytics indexes",
        sqlite: statements,
        postgres: statements
    )

    private static let statements = [
        "UPDATE tasks SET entered_status_at = created_at WHERE entered_status_at IS NULL",
        "CREATE INDEX tasks_by_column_entry ON tasks(workspace_id, status_order, entered_status_at)",
        """
        CREATE INDEX tasks_done_cycle ON tasks(workspace_id, status, completed_at, priority, started_at, created_at)
        WHERE status = 'done'
        """,
        // The partial index above answers everything this one did.
        "DROP INDEX tasks_by_completed",
    ]
}
