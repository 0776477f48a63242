import Foundation
import SQLKit
import TaskinfaCore

extension TaskRepository {
    /// One page of tasks matching the query. Board order and the other sorts page by keyset (the
    /// last row's sort key), so pages stay stable while tasks are added; relevance pages by offset.
    /// `assignee: me` must already be resolved to an id by the caller.
    public func list(_ scope: WorkspaceScope, _ query: TaskQuery) async throws -> Page<TaskItem> {
        let dialect = store.database.dialect
        return try await store.database.read { sql in
            let filter = try await ReadyFilter.make(
                query.filter, hits: query.sort != .relevance, scope: scope, dialect: dialect, on: sql)
            return try await Self.page(query, filter, scope: scope, dialect: dialect, on: sql)
        }
    }

    /// How many tasks of each column match the filter (its columns and sort aside): the board's
    /// counts, one grouped scan of the same rows the list pages through. Under a search, of the
    /// tasks it shows (`SearchHits`); `searchTruncated` says when more match.
    public func counts(_ scope: WorkspaceScope, _ filter: TaskFilter) async throws
        -> (counts: [TaskStatus: Int], searchTruncated: Bool)
    {
        let dialect = store.database.dialect
        return try await store.database.read { sql in
            let filter = try await ReadyFilter.make(filter, hits: true, scope: scope, dialect: dialect, on: sql)
            let counts = try await Self.columnCounts(filter, scope: scope, dialect: dialect, on: sql)
            return (counts, filter.hits?.truncated ?? false)
        }
    }

    /// What a board shows first: each column's count and first page, under one filter, read at
    /// once (the filter made ready once for all of them, a search's matches found once).
    public func board(_ scope: WorkspaceScope, _ filter: TaskFilter, columns: [TaskStatus], limit: Int) async throws
        -> TaskBoard
    {
        let dialect = store.database.dialect
        return try await store.database.read { sql in
            let ready = try await ReadyFilter.make(filter, hits: true, scope: scope, dialect: dialect, on: sql)
            let boardQuery = try TaskQuery(filter: filter, limit: limit, cursor: nil)
            var board = TaskBoard(columns: [], searchTruncated: ready.hits?.truncated ?? false)
            // Under a search the matches are placed in their columns, in the board's order (ranked
            // once, for relevance), in one statement: that gives the counts, and each column's page
            // then looks up only its first `limit + 1` instead of finding, or ranking, every match
            // again (five rankings of 2,000 matches took 230 ms on PostgreSQL at 100k tasks).
            var counts: [TaskStatus: Int] = [:]
            var placed: [TaskStatus: [Int64]]?
            if let hits = ready.hits {
                let columnsOfHits = try await Self.columnsOfHits(hits, ready, boardQuery, scope: scope, dialect: dialect, on: sql)
                counts = columnsOfHits.mapValues(\.count)
                placed = columnsOfHits
            } else {
                counts = try await Self.columnCounts(ready, scope: scope, dialect: dialect, on: sql)
            }
            for status in columns {
                var columnFilter = filter
                columnFilter.statuses = [status]
                var column = ready
                column.filter.statuses = [status]
                if let placed, let hits = ready.hits {
                    column.hits = SearchHits(
                        rowIDs: Array(placed[status, default: []].prefix(limit + 1)), truncated: hits.truncated, inListOrder: true)
                }
                let query = try TaskQuery(filter: columnFilter, limit: limit, cursor: nil)
                let page = try await Self.page(query, column, scope: scope, dialect: dialect, on: sql)
                board.columns.append((status, counts[status, default: 0], page))
            }
            return board
        }
    }

    /// A filter made ready for SQL on one connection: its parent reference resolved to an id, its
    /// search parsed, the search's prefixes looked up (`SearchWords`) and, for listings in another
    /// order than relevance, its matches found (`hits`).
    struct ReadyFilter: Sendable {
        var filter: TaskFilter
        let search: SearchQuery?
        let words: SearchWords
        var hits: SearchHits?

        static func make(
            _ filter: TaskFilter, hits findHits: Bool, scope: WorkspaceScope, dialect: SQLDialectKind, on sql: any SQLDatabase
        ) async throws -> ReadyFilter
        {
            var filter = filter
            if let parent = filter.parentID, parent != "none" {
                filter.parentID = try await TaskRow.resolve(parent, scope: scope, on: sql)
            }
            let search = try filter.query.map { try SearchQuery($0) }
            var words = SearchWords()
            var hits: SearchHits?
            if let search {
                words = try await SearchWords.lookUp(search, dialect: dialect, on: sql)
                if findHits {
                    hits = try await SearchHits.find(search, words: words, workspace: scope.workspaceID, dialect: dialect, on: sql)
                }
            }
            return ReadyFilter(filter: filter, search: search, words: words, hits: hits)
        }
    }

    /// One page of `query`, whose filter `ready` is, made ready.
    private static func page(
        _ query: TaskQuery, _ ready: ReadyFilter, scope: WorkspaceScope, dialect: SQLDialectKind, on sql: any SQLDatabase
    ) async throws -> Page<TaskItem> {
        let filter = ready.filter
        let sort = query.sort
        let descending = query.direction == .desc
        var statement: SQLQueryString = ""
        if let hits = ready.hits, sort != .relevance || hits.inListOrder {
            if hits.rowIDs.isEmpty { return Page(items: [], nextCursor: nil) }
            statement += "SELECT \(TaskRow.columns)\(TaskRow.summaryColumns)" + hits.source(dialect: dialect) + TaskRow.projectJoin
            statement += "WHERE t.workspace_id = \(bind: scope.workspaceID)"
        } else if let search = ready.search {
            // Ranked by relevance (a listing in another order was made ready with its hits). With
            // nothing else to filter, only the best `offset + limit` matches of each index can
            // make the page, so neither index is read past them.
            let unfiltered =
                filter.projectID == nil && (filter.statuses ?? []).isEmpty
                && (filter.priorities ?? []).isEmpty && filter.label == nil && filter.assignee == nil
                && filter.parentID == nil && filter.dueFrom == nil && filter.dueTo == nil
            let top = unfiltered ? (query.cursor?.offset ?? 0) + query.limit + 1 : nil
            statement += SearchSQL.rankedHits(
                search, words: ready.words, workspace: scope.workspaceID, dialect: dialect, top: top)
            statement += "SELECT \(TaskRow.columns)\(TaskRow.summaryColumns), r.score"
            statement += SearchSQL.rankedSource(dialect: dialect) + TaskRow.projectJoin
            statement += "WHERE t.workspace_id = \(bind: scope.workspaceID)"
        } else {
            statement += "SELECT \(TaskRow.columns)\(TaskRow.summaryColumns)" + TaskRow.from
            statement += "WHERE t.workspace_id = \(bind: scope.workspaceID)"
        }
        statement += Self.conditions(for: filter, workspace: scope.workspaceID)
        let keys = Self.sortKeys(sort)
        if let cursor = query.cursor, sort != .relevance {
            statement += " AND " + Self.keyset(keys, after: cursor.values, descending: descending)
        }
        statement += ready.hits?.inListOrder == true ? SearchHits.listOrder : Self.orderBy(sort, descending: descending)
        statement += " LIMIT \(literal: query.limit + 1)"
        let offset = query.cursor?.offset ?? 0
        if sort == .relevance && offset > 0 { statement += " OFFSET \(literal: offset)" }

        let rows = try await sql.raw(statement).all()
        let tasks = try rows.prefix(query.limit).map(TaskRow.taskWithSummary(from:))
        var next: String?
        if rows.count > query.limit, let last = tasks.last {
            next = PageCursor(
                sort: sort.rawValue, direction: query.direction.rawValue,
                values: sort == .relevance ? [] : Self.cursorValues(of: last, sort: sort),
                offset: sort == .relevance ? offset + query.limit : nil
            ).encoded()
        }
        return Page(items: tasks, nextCursor: next)
    }

    /// The matches of a search the filter lets through (whatever columns it names), per column, each
    /// column's in the order `query` lists them.
    private static func columnsOfHits(
        _ hits: SearchHits, _ ready: ReadyFilter, _ query: TaskQuery, scope: WorkspaceScope, dialect: SQLDialectKind,
        on sql: any SQLDatabase
    ) async throws -> [TaskStatus: [Int64]] {
        guard !hits.rowIDs.isEmpty else { return [:] }
        var filter = ready.filter
        filter.statuses = nil
        var statement: SQLQueryString
        if query.sort == .relevance, let search = ready.search {
            // Ranks the same matches the hits are (the newest of each index), once for every column.
            statement =
                dialect == .postgres
                ? SearchSQL.rankedHits(of: hits, search)
                : SearchSQL.rankedHits(search, words: ready.words, workspace: scope.workspaceID, dialect: dialect, top: nil)
            statement += "SELECT t.row_id, t.status_order" + SearchSQL.rankedSource(dialect: dialect)
        } else {
            statement = "SELECT t.row_id, t.status_order" + hits.source(dialect: dialect)
        }
        statement += " WHERE t.workspace_id = \(bind: scope.workspaceID)" + Self.conditions(for: filter, workspace: scope.workspaceID)
        statement += Self.orderBy(query.sort, descending: query.direction == .desc)
        var columns: [TaskStatus: [Int64]] = [:]
        for row in try await sql.raw(statement).all() {
            let order = try row.int("status_order")
            guard let status = TaskStatus(boardOrder: order) else { continue }
            columns[status, default: []].append(try row.decode(column: "row_id", as: Int64.self))
        }
        return columns
    }

    /// The counts per column of the tasks `ready` lets through, whatever columns it names.
    private static func columnCounts(
        _ ready: ReadyFilter, scope: WorkspaceScope, dialect: SQLDialectKind, on sql: any SQLDatabase
    ) async throws -> [TaskStatus: Int] {
        var filter = ready.filter
        filter.statuses = nil
        var statement: SQLQueryString
        var narrowing = filter
        (narrowing.projectID, narrowing.sort, narrowing.order) = (nil, nil, nil)
        if ready.search == nil && narrowing == TaskFilter() {
            // Nothing narrows the tasks but maybe their project: the counts the triggers keep
            // (migration 13), a few rows, however many tasks there are.
            statement = "SELECT status_order, CAST(SUM(tasks) AS BIGINT) AS n FROM column_counts WHERE workspace_id = \(bind: scope.workspaceID)"
            if let project = filter.projectID { statement += " AND project_id = \(bind: project)" }
            statement += " GROUP BY status_order"
            return try await Self.countsByColumn(statement, on: sql)
        }
        // Grouped by the board index's own column, so without other filters the count is read
        // from the index alone.
        statement = "SELECT t.status_order, COUNT(*) AS n"
        if let hits = ready.hits {
            if hits.rowIDs.isEmpty { return [:] }
            statement += hits.source(dialect: dialect)
        } else {
            statement += " FROM tasks t"
        }
        statement += " WHERE t.workspace_id = \(bind: scope.workspaceID)"
        statement += Self.conditions(for: filter, workspace: scope.workspaceID)
        statement += " GROUP BY t.status_order"
        return try await Self.countsByColumn(statement, on: sql)
    }

    /// The `(status_order, n)` rows of a count, by column.
    private static func countsByColumn(_ statement: SQLQueryString, on sql: any SQLDatabase) async throws -> [TaskStatus: Int] {
        var counts: [TaskStatus: Int] = [:]
        for row in try await sql.raw(statement).all() {
            let order = try row.int("status_order")
            if let status = TaskStatus(boardOrder: order) { counts[status] = try row.int("n") }
        }
        return counts
    }

    static func conditions(for filter: TaskFilter, workspace: String) -> SQLQueryString {
        var sql: SQLQueryString = ""
        if let project = filter.projectID { sql += " AND t.project_id = \(bind: project)" }
        if let statuses = filter.statuses, !statuses.isEmpty {
            sql += " AND t.status_order IN (" + SQLQueryString(statuses.map { String($0.boardOrder) }.joined(separator: ", ")) + ")"
        }
        if let priorities = filter.priorities, !priorities.isEmpty {
            sql += " AND t.priority IN (\(binds: priorities.map(\.rawValue)))"
        }
        if let label = filter.label {
            sql += """
                 AND EXISTS (SELECT 1 FROM task_labels l WHERE l.task_id = t.id
                   AND l.workspace_id = \(bind: workspace) AND l.label = \(bind: label.lowercased()))
                """
        }
        switch filter.assignee {
        case nil: break
        case "none": sql += " AND t.assignee_id IS NULL"
        case let assignee?: sql += " AND t.assignee_id = \(bind: assignee)"
        }
        if let from = filter.dueFrom { sql += " AND t.due_date >= \(bind: from.description)" }
        if let to = filter.dueTo { sql += " AND t.due_date <= \(bind: to.description)" }
        switch filter.parentID {
        case nil: break
        case "none": sql += " AND t.parent_id IS NULL"
        case let parent?: sql += " AND t.parent_id = \(bind: parent)"
        }
        return sql
    }

    /// ` ORDER BY …` for a sort.
    static func orderBy(_ sort: TaskSort, descending: Bool) -> SQLQueryString {
        let direction = descending ? " DESC" : ""
        return " ORDER BY " + SQLQueryString(sortKeys(sort).map { $0 + direction }.joined(separator: ", "))
    }

    /// The ORDER BY expressions of each sort; the last is always the id, making the order total.
    static func sortKeys(_ sort: TaskSort) -> [String] {
        switch sort {
        case .position: ["t.status_order", "t.position", "t.id"]
        case .createdAt: ["t.created_at", "t.id"]
        case .updatedAt: ["t.updated_at", "t.id"]
        case .priority: ["t.priority_rank", "t.created_at", "t.id"]
        case .dueDate: ["COALESCE(t.due_date, '9999-12-31')", "t.id"]
        case .title: ["t.title", "t.id"]
        case .relevance: ["r.score", "t.row_id"]
        }
    }

    static func cursorValues(of task: TaskItem, sort: TaskSort) -> [CursorValue] {
        switch sort {
        case .position: [.int(Int64(task.status.boardOrder)), .string(task.position), .string(task.id)]
        case .createdAt: [.int(task.createdAt.milliseconds), .string(task.id)]
        case .updatedAt: [.int(task.updatedAt.milliseconds), .string(task.id)]
        case .priority: [.int(Int64(task.priority.urgencyRank)), .int(task.createdAt.milliseconds), .string(task.id)]
        case .dueDate: [.string(task.dueDate?.description ?? "9999-12-31"), .string(task.id)]
        case .title: [.string(task.title), .string(task.id)]
        case .relevance: []
        }
    }

    /// `(k1, k2, …) > (v1, v2, …)` (or `<` when descending): rows after the cursor.
    static func keyset(_ keys: [String], after values: [CursorValue], descending: Bool) -> SQLQueryString {
        guard keys.count == values.count else { return "1 = 0" }
        var rhs: [SQLQueryString] = []
        for value in values {
            switch value {
            case .int(let int): rhs.append("\(bind: int)")
            case .string(let text): rhs.append("\(bind: text)")
            }
        }
        let lhs = SQLQueryString("(" + keys.joined(separator: ", ") + ")")
        var tuple: SQLQueryString = "("
        for (index, part) in rhs.enumerated() {
            if index > 0 { tuple += ", " }
            tuple += part
        }
        tuple += ")"
        return lhs + (descending ? " < " : " > ") + tuple
    }
}

/// A board as first shown: each column's count and first page, and whether a search matched more
/// tasks than it shows (`SearchHits`).
public struct TaskBoard: Sendable {
    public var columns: [(status: TaskStatus, count: Int, page: Page<TaskItem>)]
    public var searchTruncated: Bool
}

/// The full-text part of a task query ranked by relevance, per dialect: a `ranked(row_id, score)`
/// CTE of the tasks whose title, labels, description or comments match, lower score = better match.
///
/// A word found in very many tasks is ranked among its newest `candidates` matches of each index
/// (or the newest `top`, when a page reaches further): scoring every match of a common word (a
/// tenth of a million-task workspace) costs more than the answer is worth, and what people look
/// for is most often recent. With `top`, only the best `top` of them are kept. Listings in another
/// order draw from the same newest matches (`SearchHits`).
enum SearchSQL {
    static let candidates = 2_000

    /// ` FROM ranked r … tasks t` after `rankedHits`: the tasks looked up from the hits (at most the
    /// newest candidates). SQLite would otherwise walk every task of the workspace and probe the
    /// hits for each; its CROSS JOIN keeps the order as written.
    static func rankedSource(dialect: SQLDialectKind) -> SQLQueryString {
        switch dialect {
        case .sqlite: " FROM ranked r CROSS JOIN tasks t ON t.row_id = r.row_id"
        case .postgres: " FROM ranked r" + taskByRowID("r.row_id")
        }
    }

    /// ` CROSS JOIN LATERAL … t`: on PostgreSQL, the task whose row id is `rowID`, looked up by it
    /// whatever the planner believes. Told that a workspace holds a handful of tasks (statistics
    /// from before the workspace grew, which migration 14 makes rarer but can't rule out), the
    /// planner joined hundreds of ids to every task of a column instead (150 ms for a board's
    /// column at 30k tasks); the `OFFSET 0` keeps the lookup as written.
    static func taskByRowID(_ rowID: String) -> SQLQueryString {
        " CROSS JOIN LATERAL (SELECT * FROM tasks WHERE row_id = \(unsafeRaw: rowID) OFFSET 0) t"
    }

    /// PostgreSQL's scores, of the task or comment `c` (lower is better; a comment counts half).
    private static let postgresTaskScore: SQLQueryString = "-ts_rank(c.search_vector, query.q)"
    private static let postgresCommentScore: SQLQueryString = "-ts_rank(c.search_vector, query.q) * 0.5"

    /// On PostgreSQL, the `ranked(row_id, score)` CTE of the matches `hits` kept, scored as
    /// `rankedHits` scores the newest matches, which they are: a board ranking the matches it just
    /// found doesn't find them again (16–37 ms at 100k tasks). SQLite can only score a match
    /// inside the full-text query that finds it.
    static func rankedHits(of hits: SearchHits, _ search: SearchQuery) -> SQLQueryString {
        """
        WITH query AS (SELECT to_tsquery('simple', \(bind: search.tsQuery)) AS q),
        hits(row_id, score) AS (
            SELECT c.row_id AS row_id, \(postgresTaskScore) AS score
            FROM unnest(CAST(\(bind: hits.taskMatches) AS bigint[])) AS h(value) JOIN tasks c ON c.row_id = h.value, query
            UNION ALL
            SELECT ht.row_id AS row_id, \(postgresCommentScore) AS score
            FROM unnest(CAST(\(bind: hits.commentMatches) AS bigint[])) AS h(value) JOIN comments c ON c.row_id = h.value
            JOIN tasks ht ON ht.id = c.task_id, query
        ), ranked AS (SELECT row_id, MIN(score) AS score FROM hits GROUP BY row_id)

        """
    }

    static func rankedHits(
        _ search: SearchQuery, words: SearchWords, workspace: String, dialect: SQLDialectKind, top: Int?
    ) -> SQLQueryString {
        // Ties are broken by the task's row id here and in the final ORDER BY alike, so every page
        // of a relevance listing draws from the same order.
        let best = SQLQueryString(top.map { " ORDER BY score, row_id LIMIT \($0)" } ?? "")
        // The newest matches of an index, by the row id `key` of its own rows (a task's, a comment's).
        func newest(by key: String) -> SQLQueryString {
            SQLQueryString(" ORDER BY \(key) DESC LIMIT " + String(max(candidates, top ?? 0)))
        }
        switch dialect {
        case .sqlite:
            // A workspace's rows are one range of the indexes' ids (`SearchKey`); columns are
            // weighted title > labels > description, and a comment match counts half.
            let taskMatch = search.fts5Expression(words: words.tasks)
            let commentMatch = search.fts5Expression(words: words.comments)
            let range = SearchKey.range(of: workspace)
            let taskScore: SQLQueryString = "taskinfa_rank(task_search, 10.0, 5.0, 1.0)"
            let commentScore: SQLQueryString = "taskinfa_rank(comment_search, 1.0) * 0.5"
            return """
                WITH hits(row_id, score) AS (
                    SELECT row_id, score FROM (
                        SELECT row_id, score FROM (
                            SELECT \(SearchKey.rowID("rowid")) AS row_id, \(taskScore) AS score
                            FROM task_search WHERE task_search MATCH \(bind: taskMatch) AND rowid \(range)\(newest(by: "rowid")))\(best))
                    UNION ALL
                    SELECT row_id, score FROM (
                        SELECT ht.row_id AS row_id, c.score AS score FROM (
                            SELECT \(SearchKey.rowID("rowid")) AS comment_row, \(commentScore) AS score
                            FROM comment_search WHERE comment_search MATCH \(bind: commentMatch) AND rowid \(range)\(newest(by: "rowid"))) c
                        JOIN comments hc ON hc.row_id = c.comment_row JOIN tasks ht ON ht.id = hc.task_id\(best))
                ), ranked AS (SELECT row_id, MIN(score) AS score FROM hits GROUP BY row_id)

                """
        case .postgres:
            // The query is written out where it filters, not taken from `query`: the planner then
            // sees how common its words are (the statement runs unprepared, planned with its
            // values: `PostgresStatementCache`) and walks a common word's newest tasks backwards
            // until it has the candidates, instead of visiting every match on every page of the
            // table. The vectors come along from that walk rather than being looked up again by
            // row id. At 100k tasks the statement went from 18 to 7 ms (median; p95 26 → 11).
            let match: SQLQueryString = "to_tsquery('simple', \(bind: search.tsQuery))"
            return """
                WITH query AS (SELECT \(match) AS q),
                hits(row_id, score) AS (
                    (SELECT c.row_id AS row_id, \(postgresTaskScore) AS score FROM (
                        SELECT ht.row_id, ht.search_vector FROM tasks ht
                        WHERE ht.workspace_id = \(bind: workspace) AND ht.search_vector @@ \(match)\(newest(by: "ht.row_id"))) c,
                    query\(best))
                    UNION ALL
                    (SELECT ht.row_id AS row_id, \(postgresCommentScore) AS score FROM (
                        SELECT hc.row_id, hc.task_id, hc.search_vector FROM comments hc
                        WHERE hc.workspace_id = \(bind: workspace) AND hc.search_vector @@ \(match)\(newest(by: "hc.row_id"))) c
                    JOIN tasks ht ON ht.id = c.task_id, query\(best))
                ), ranked AS (SELECT row_id, MIN(score) AS score FROM hits GROUP BY row_id)

                """
        }
    }
}
