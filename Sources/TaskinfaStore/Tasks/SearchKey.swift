import SQLKit

/// How the SQLite search indexes key their rows (migration 12): a row's id is its workspace's
/// `search_key` times `span` plus the task's (or comment's) own row id, so a workspace's rows are
/// one range of ids, and a search names that range instead of AND-ing a word every row carries.
enum SearchKey {
    /// How many ids a workspace's rows have: 2^40, far beyond any row id SQLite hands out here,
    /// while 2^23 workspaces still fit in a 64-bit id.
    static let span: Int64 = 1 << 40

    /// `BETWEEN first AND last` of the workspace's ids (no id at all for an unknown workspace).
    static func range(of workspace: String) -> SQLQueryString {
        let key: SQLQueryString = "(SELECT search_key FROM workspaces WHERE id = \(bind: workspace))"
        return "BETWEEN " + key + " * \(literal: span) AND " + key + " * \(literal: span) + \(literal: span - 1)"
    }

    /// The row id inside an index id held in `column`.
    static func rowID(_ column: String) -> SQLQueryString {
        "\(unsafeRaw: column) % \(literal: span)"
    }
}
