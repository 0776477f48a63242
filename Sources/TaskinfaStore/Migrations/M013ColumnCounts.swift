// How many tasks each column of each project holds, kept by triggers in the transaction that
// changes them: a board's counts without a filter (or by project only) are then a few rows read,
// where counting the column index took 33 ms at 110k tasks and grows with the workspace. A task
// moved within its column changes neither column nor project, and fires nothing.
extension Migration {
    static let m013ColumnCounts = Migration(
        version: 13,
        name: "column counts",
        sqlite: columnCountsTable + [
            """
            CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks BEGIN
                INSERT INTO column_counts (workspace_id, project_id, status_order, tasks)
                VALUES (new.workspace_id, new.project_id, new.status_order, 1)
                ON CONFLICT (workspace_id, project_id, status_order) DO UPDATE SET tasks = tasks + 1;
            END
            """,
            """
            CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks BEGIN
                UPDATE column_counts SET tasks = tasks - 1
                WHERE workspace_id = old.workspace_id AND project_id = old.project_id AND status_order = old.status_order;
            END
            """,
            """
            CREATE TRIGGER tasks_counted_update AFTER UPDATE OF status_order, project_id ON tasks
            WHEN new.status_order IS NOT old.status_order OR new.project_id IS NOT old.project_id BEGIN
                UPDATE column_counts SET tasks = tasks - 1
                WHERE workspace_id = old.workspace_id AND project_id = old.project_id AND status_order = old.status_order;
                INSERT INTO column_counts (workspace_id, project_id, status_order, tasks)
                VALUES (new.workspace_id, new.project_id, new.status_order, 1)
                ON CONFLICT (workspace_id, project_id, status_order) DO UPDATE SET tasks = tasks + 1;
            END
            """,
        ],
        postgres: columnCountsTable + [
            """
            CREATE FUNCTION tasks_counted() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.status_order IS NOT DISTINCT FROM OLD.status_order
                    AND NEW.project_id IS NOT DISTINCT FROM OLD.project_id THEN
                    RETURN NULL;
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE column_counts SET tasks = tasks - 1
                    WHERE workspace_id = OLD.workspace_id AND project_id = OLD.project_id AND status_order = OLD.status_order;
                END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN
                    INSERT INTO column_counts (workspace_id, project_id, status_order, tasks)
                    VALUES (NEW.workspace_id, NEW.project_id, NEW.status_order, 1)
                    ON CONFLICT (workspace_id, project_id, status_order) DO UPDATE SET tasks = column_counts.tasks + 1;
                END IF;
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER tasks_counted AFTER INSERT OR DELETE OR UPDATE OF status_order, project_id ON tasks
            FOR EACH ROW EXECUTE FUNCTION tasks_counted()
            """,
        ]
    )

    private static let columnCountsTable = [
        """
        CREATE TABLE column_counts (
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            project_id TEXT NOT NULL,
            status_order INTEGER NOT NULL,
            tasks INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, project_id, status_order)
        )
        """,
        """
        INSERT INTO column_counts (workspace_id, project_id, status_order, tasks)
        SELECT workspace_id, project_id, status_order, COUNT(*) FROM tasks GROUP BY workspace_id, project_id, status_order
        """,
    ]
}
