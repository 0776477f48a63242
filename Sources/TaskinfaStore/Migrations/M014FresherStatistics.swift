// PostgreSQL plans a workspace's statements from statistics that autovacuum refreshes only once a
// tenth of a table has changed. A workspace that grows fast beside others (an import, a second team)
// is meanwhile believed to hold a handful of rows, and the planner reads every task of a column to
// find its bottom, or sorts a whole column for a board page: 17 ms per create once the column held
// 15k tasks, growing with it. Tables read per workspace are analysed after every 1 % (and at least 1,000
// rows) changed instead. SQLite plans without such statistics.
extension Migration {
    static let m014FresherStatistics = Migration(
        version: 14,
        name: "fresher planner statistics",
        sqlite: [],
        postgres: ["tasks", "comments", "events"].map { table in
            "ALTER TABLE \(table) SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000)"
        }
    )
}
