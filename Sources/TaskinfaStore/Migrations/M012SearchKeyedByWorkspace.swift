// The search indexes keyed by workspace: an indexed row's id is its workspace's `search_key`
// times 2^40 plus the task's (or comment's) row id, so a workspace's rows are one range of ids and
// a search reads only that range. Each row used to carry the workspace id as a word instead, and
// every search AND-ed it in: a word every task of the workspace has, whose postings FTS5 stepped
// through beside the query's own (half of a two-word search at 100k tasks). The indexes are
// rebuilt from the tables. PostgreSQL filters by its workspace column and has nothing to change.
extension Migration {
    static let m012SearchKeyedByWorkspace = Migration(
        version: 12,
        name: "search indexes keyed by workspace",
        sqlite: [
            "ALTER TABLE workspaces ADD COLUMN search_key INTEGER",
            "UPDATE workspaces SET search_key = rowid",
            "CREATE UNIQUE INDEX workspaces_by_search_key ON workspaces(search_key)",
            """
            CREATE TRIGGER workspaces_search_key AFTER INSERT ON workspaces WHEN new.search_key IS NULL BEGIN
                UPDATE workspaces SET search_key = (SELECT coalesce(max(search_key), 0) + 1 FROM workspaces) WHERE id = new.id;
            END
            """,
            "DROP TRIGGER tasks_search_insert",
            "DROP TRIGGER tasks_search_update",
            "DROP TRIGGER tasks_search_delete",
            "DROP TRIGGER comments_search_insert",
            "DROP TRIGGER comments_search_delete",
            "DROP TABLE task_search",
            "DROP TABLE comment_search",
            """
            CREATE VIRTUAL TABLE task_search USING fts5(
                title, labels, description,
                content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '2 3')
            """,
            """
            CREATE VIRTUAL TABLE comment_search USING fts5(
                body,
                content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '2 3')
            """,
            """
            INSERT INTO task_search (rowid, title, labels, description)
            SELECT w.search_key * 1099511627776 + t.row_id, t.title, t.labels, coalesce(t.description, '')
            FROM tasks t JOIN workspaces w ON w.id = t.workspace_id ORDER BY 1
            """,
            """
            INSERT INTO comment_search (rowid, body)
            SELECT w.search_key * 1099511627776 + c.row_id, c.body
            FROM comments c JOIN workspaces w ON w.id = c.workspace_id ORDER BY 1
            """,
            """
            CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
                INSERT INTO task_search (rowid, title, labels, description)
                VALUES ((SELECT search_key FROM workspaces WHERE id = new.workspace_id) * 1099511627776 + new.row_id,
                    new.title, new.labels, coalesce(new.description, ''));
            END
            """,
            """
            CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, labels, description ON tasks BEGIN
                DELETE FROM task_search
                WHERE rowid = (SELECT search_key FROM workspaces WHERE id = old.workspace_id) * 1099511627776 + old.row_id;
                INSERT INTO task_search (rowid, title, labels, description)
                VALUES ((SELECT search_key FROM workspaces WHERE id = new.workspace_id) * 1099511627776 + new.row_id,
                    new.title, new.labels, coalesce(new.description, ''));
            END
            """,
            """
            CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
                DELETE FROM task_search
                WHERE rowid = (SELECT search_key FROM workspaces WHERE id = old.workspace_id) * 1099511627776 + old.row_id;
            END
            """,
            """
            CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
                INSERT INTO comment_search (rowid, body)
                VALUES ((SELECT search_key FROM workspaces WHERE id = new.workspace_id) * 1099511627776 + new.row_id, new.body);
            END
            """,
            """
            CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
                DELETE FROM comment_search
                WHERE rowid = (SELECT search_key FROM workspaces WHERE id = old.workspace_id) * 1099511627776 + old.row_id;
            END
            """,
        ],
        postgres: []
    )
}
