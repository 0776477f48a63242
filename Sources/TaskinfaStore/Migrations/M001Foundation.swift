// Accounts, workspaces with members, API keys, projects, tasks (with their search index), comments,
// the event log and saved filters. Timestamps are integer milliseconds since the epoch (UTC).
extension Migration {
    static let m001Foundation = Migration(
        version: 1,
        name: "foundation",
        sqlite: [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                last_login_at INTEGER,
                disabled_at INTEGER
            )
            """,
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                ip_address TEXT,
                user_agent TEXT,
                revoked_at INTEGER
            )
            """,
            "CREATE INDEX sessions_by_user ON sessions(user_id, last_seen_at)",
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT,
                event_sequence INTEGER NOT NULL DEFAULT 0,
                created_by TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE workspace_members (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                invited_by TEXT,
                joined_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, user_id)
            )
            """,
            "CREATE INDEX workspace_members_by_user ON workspace_members(user_id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                preview TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                last_used_at INTEGER,
                revoked_at INTEGER
            )
            """,
            "CREATE INDEX api_keys_by_workspace ON api_keys(workspace_id, created_at)",
            """
            CREATE TABLE projects (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key TEXT NOT NULL,
                description TEXT,
                repository_url TEXT,
                default_branch TEXT NOT NULL,
                next_task_number INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (workspace_id, key)
            )
            """,
            """
            CREATE TABLE tasks (
                row_id INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                project_id TEXT NOT NULL REFERENCES projects(id),
                number INTEGER NOT NULL,
                title TEXT NOT NULL,
                description TEXT,
                status TEXT NOT NULL CHECK (status IN ('backlog', 'todo', 'in_progress', 'review', 'done')),
                status_order INTEGER NOT NULL,
                priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
                priority_rank INTEGER NOT NULL,
                labels TEXT NOT NULL DEFAULT '[]',
                assignee_id TEXT,
                due_date TEXT,
                parent_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
                position TEXT NOT NULL,
                version INTEGER NOT NULL DEFAULT 1,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                started_at INTEGER,
                completed_at INTEGER,
                UNIQUE (project_id, number)
            )
            """,
            "CREATE INDEX tasks_board ON tasks(workspace_id, status_order, position, id)",
            "CREATE INDEX tasks_by_created ON tasks(workspace_id, created_at, id)",
            "CREATE INDEX tasks_by_updated ON tasks(workspace_id, updated_at, id)",
            "CREATE INDEX tasks_by_priority ON tasks(workspace_id, priority_rank, created_at, id)",
            "CREATE INDEX tasks_by_project ON tasks(project_id, status_order, position)",
            "CREATE INDEX tasks_by_assignee ON tasks(workspace_id, assignee_id)",
            "CREATE INDEX tasks_by_parent ON tasks(parent_id)",
            """
            CREATE TABLE task_labels (
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL,
                label TEXT NOT NULL,
                PRIMARY KEY (task_id, label)
            )
            """,
            "CREATE INDEX task_labels_by_label ON task_labels(workspace_id, label)",
            """
            CREATE TABLE comments (
                row_id INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                author_type TEXT NOT NULL,
                author_id TEXT NOT NULL,
                author_name TEXT NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                loop_number INTEGER,
                created_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX comments_by_task ON comments(task_id, created_at, id)",
            """
            CREATE TABLE events (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                sequence INTEGER NOT NULL,
                type TEXT NOT NULL,
                task_id TEXT,
                actor_type TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                actor_name TEXT NOT NULL,
                data TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, sequence)
            )
            """,
            "CREATE INDEX events_by_task ON events(task_id, sequence)",
            """
            CREATE TABLE saved_filters (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                filters TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX saved_filters_by_owner ON saved_filters(workspace_id, user_id, name)",
            // Full-text search: contentless FTS5 tables keyed by the rows' integer ids, kept in
            // step by triggers (so no code path can forget them). The workspace id is indexed as
            // one token so that a search only walks its own workspace's postings.
            """
            CREATE VIRTUAL TABLE task_search USING fts5(
                workspace, title, labels, description,
                content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '2 3')
            """,
            """
            CREATE VIRTUAL TABLE comment_search USING fts5(
                workspace, body,
                content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '2 3')
            """,
            """
            CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
                INSERT INTO task_search (rowid, workspace, title, labels, description)
                VALUES (new.row_id, replace(new.workspace_id, '_', ''), new.title, new.labels, coalesce(new.description, ''));
            END
            """,
            """
            CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, labels, description ON tasks BEGIN
                DELETE FROM task_search WHERE rowid = old.row_id;
                INSERT INTO task_search (rowid, workspace, title, labels, description)
                VALUES (new.row_id, replace(new.workspace_id, '_', ''), new.title, new.labels, coalesce(new.description, ''));
            END
            """,
            """
            CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
                DELETE FROM task_search WHERE rowid = old.row_id;
            END
            """,
            """
            CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
                INSERT INTO comment_search (rowid, workspace, body)
                VALUES (new.row_id, replace(new.workspace_id, '_', ''), new.body);
            END
            """,
            """
            CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
                DELETE FROM comment_search WHERE rowid = old.row_id;
            END
            """,
        ],
        postgres: [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                last_login_at BIGINT,
                disabled_at BIGINT
            )
            """,
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                ip_address TEXT,
                user_agent TEXT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX sessions_by_user ON sessions(user_id, last_seen_at)",
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT,
                event_sequence BIGINT NOT NULL DEFAULT 0,
                created_by TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE workspace_members (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                invited_by TEXT,
                joined_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, user_id)
            )
            """,
            "CREATE INDEX workspace_members_by_user ON workspace_members(user_id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                preview TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                last_used_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_by_workspace ON api_keys(workspace_id, created_at)",
            """
            CREATE TABLE projects (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key TEXT NOT NULL,
                description TEXT,
                repository_url TEXT,
                default_branch TEXT NOT NULL,
                next_task_number BIGINT NOT NULL DEFAULT 1,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (workspace_id, key)
            )
            """,
            // Positions and titles compare byte-wise ("C"), exactly like SQLite's BINARY, so both
            // databases order a column and page through it identically.
            """
            CREATE TABLE tasks (
                row_id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                project_id TEXT NOT NULL REFERENCES projects(id),
                number BIGINT NOT NULL,
                title TEXT COLLATE "C" NOT NULL,
                description TEXT,
                status TEXT NOT NULL CHECK (status IN ('backlog', 'todo', 'in_progress', 'review', 'done')),
                status_order INTEGER NOT NULL,
                priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
                priority_rank INTEGER NOT NULL,
                labels TEXT NOT NULL DEFAULT '[]',
                assignee_id TEXT,
                due_date TEXT COLLATE "C",
                parent_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
                position TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL DEFAULT 1,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                started_at BIGINT,
                completed_at BIGINT,
                search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', title), 'A')
                    || setweight(to_tsvector('simple', labels), 'B')
                    || setweight(to_tsvector('simple', coalesce(description, '')), 'D')) STORED,
                UNIQUE (project_id, number)
            )
            """,
            "CREATE INDEX tasks_board ON tasks(workspace_id, status_order, position, id)",
            "CREATE INDEX tasks_by_created ON tasks(workspace_id, created_at, id)",
            "CREATE INDEX tasks_by_updated ON tasks(workspace_id, updated_at, id)",
            "CREATE INDEX tasks_by_priority ON tasks(workspace_id, priority_rank, created_at, id)",
            "CREATE INDEX tasks_by_project ON tasks(project_id, status_order, position)",
            "CREATE INDEX tasks_by_assignee ON tasks(workspace_id, assignee_id)",
            "CREATE INDEX tasks_by_parent ON tasks(parent_id)",
            "CREATE INDEX tasks_search ON tasks USING GIN (search_vector)",
            """
            CREATE TABLE task_labels (
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL,
                label TEXT NOT NULL,
                PRIMARY KEY (task_id, label)
            )
            """,
            "CREATE INDEX task_labels_by_label ON task_labels(workspace_id, label)",
            """
            CREATE TABLE comments (
                row_id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                author_type TEXT NOT NULL,
                author_id TEXT NOT NULL,
                author_name TEXT NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                loop_number BIGINT,
                created_at BIGINT NOT NULL,
                search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
            )
            """,
            "CREATE INDEX comments_by_task ON comments(task_id, created_at, id)",
            "CREATE INDEX comments_search ON comments USING GIN (search_vector)",
            """
            CREATE TABLE events (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                sequence BIGINT NOT NULL,
                type TEXT NOT NULL,
                task_id TEXT,
                actor_type TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                actor_name TEXT NOT NULL,
                data TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, sequence)
            )
            """,
            "CREATE INDEX events_by_task ON events(task_id, sequence)",
            """
            CREATE TABLE saved_filters (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                filters TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX saved_filters_by_owner ON saved_filters(workspace_id, user_id, name)",
        ]
    )
}
