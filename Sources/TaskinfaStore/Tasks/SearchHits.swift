import SQLKit
import TaskinfaCore

/// The tasks a search shows when they are listed in another order than relevance (a board's
/// columns, their counts, a list by date): those among the newest `SearchSQL.candidates` matches of
/// the task index, and the tasks of the newest as many matching comments.
///
/// Found once per read and then named by row id, the matches aren't looked up again for each
/// column, and no statement walks a column's tasks probing the matches for each (the plan SQLite
/// chose for a board search, which at 100k tasks ran for minutes). The cap keeps a word that nearly
/// every task has ("a", typed first) as cheap as a rare one; `truncated` says when it cut.
struct SearchHits: Sendable {
    let rowIDs: [Int64]
    /// More tasks match than the newest ones kept.
    let truncated: Bool
    /// The matches kept of each index, newest first: the tasks' own row ids and the comments' (a
    /// relevance ranking on PostgreSQL scores exactly these, `SearchSQL.rankedHits(of:)`).
    var taskMatches: [Int64] = []
    var commentMatches: [Int64] = []
    /// `rowIDs` are already in the listing's order (a board column's, ranked once for all): a page
    /// lists them as they are (`listOrder`).
    var inListOrder = false

    static func find(
        _ search: SearchQuery, words: SearchWords, workspace: String, dialect: SQLDialectKind, on sql: any SQLDatabase,
        limit: Int = SearchSQL.candidates
    ) async throws -> SearchHits {
        // One more than kept, to tell "exactly as many" from "more".
        let asked = limit + 1
        let (tasks, comments): (SQLQueryString, SQLQueryString)
        switch dialect {
        case .sqlite:
            let range = SearchKey.range(of: workspace)
            tasks = """
                SELECT \(SearchKey.rowID("rowid")) AS row_id FROM task_search
                WHERE task_search MATCH \(bind: search.fts5Expression(words: words.tasks)) AND rowid \(range)
                ORDER BY rowid DESC LIMIT \(literal: asked)
                """
            comments = """
                SELECT ht.row_id AS row_id, c.comment_row AS comment_row FROM (
                    SELECT \(SearchKey.rowID("rowid")) AS comment_row FROM comment_search
                    WHERE comment_search MATCH \(bind: search.fts5Expression(words: words.comments)) AND rowid \(range)
                    ORDER BY rowid DESC LIMIT \(literal: asked)) c
                JOIN comments hc ON hc.row_id = c.comment_row JOIN tasks ht ON ht.id = hc.task_id
                """
        case .postgres:
            tasks = """
                SELECT row_id FROM tasks
                WHERE workspace_id = \(bind: workspace) AND search_vector @@ to_tsquery('simple', \(bind: search.tsQuery))
                ORDER BY row_id DESC LIMIT \(literal: asked)
                """
            comments = """
                SELECT ht.row_id AS row_id, hc.row_id AS comment_row FROM comments hc JOIN tasks ht ON ht.id = hc.task_id
                WHERE hc.workspace_id = \(bind: workspace) AND hc.search_vector @@ to_tsquery('simple', \(bind: search.tsQuery))
                ORDER BY hc.row_id DESC LIMIT \(literal: asked)
                """
        }
        let taskRows = try await sql.raw(tasks).all()
        let commentRows = try await sql.raw(comments).all()
        let taskMatches = try taskRows.prefix(limit).map { try $0.decode(column: "row_id", as: Int64.self) }
        let commentTasks = try commentRows.prefix(limit).map { try $0.decode(column: "row_id", as: Int64.self) }
        var seen = Set<Int64>()
        let rowIDs = (taskMatches + commentTasks).filter { seen.insert($0).inserted }
        return SearchHits(
            rowIDs: rowIDs, truncated: taskRows.count > limit || commentRows.count > limit, taskMatches: taskMatches,
            commentMatches: try commentRows.prefix(limit).map { try $0.decode(column: "comment_row", as: Int64.self) })
    }

    /// ` FROM … tasks t`: the tasks named, each looked up by its row id. (Left to itself, SQLite
    /// walks a column's index and tests each task against the list, which at a million tasks is
    /// longer than the 2,000 lookups; its CROSS JOIN keeps the order as written.)
    func source(dialect: SQLDialectKind) -> SQLQueryString {
        switch dialect {
        case .sqlite:
            // One bound text, whatever the number: a list spelled out would make each search a
            // statement of its own, and the statement cache would only churn.
            let list = "[" + rowIDs.map(String.init).joined(separator: ",") + "]"
            return " FROM json_each(\(bind: list)) h CROSS JOIN tasks t ON t.row_id = h.value"
        case .postgres:
            return " FROM unnest(CAST(\(bind: rowIDs) AS bigint[])) WITH ORDINALITY AS h(value, key)" + SearchSQL.taskByRowID("h.value")
        }
    }

    /// ` ORDER BY` the tasks' places in `rowIDs` (after `source`): `key` is the place on both
    /// databases (`json_each`'s array index; `unnest`'s ordinality).
    static let listOrder: SQLQueryString = " ORDER BY h.key"
}
