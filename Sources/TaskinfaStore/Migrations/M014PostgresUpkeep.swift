// Two PostgreSQL settings that keep a growing workspace fast; SQLite needs neither.
//
// Statistics: the planner plans a workspace's statements from statistics that autovacuum refreshes
// only once a tenth of a table has changed. A workspace that grows fast beside others (an import, a
// second team) is meanwhile believed to hold a handful of rows, and the planner reads every task of
// a column to find its bottom, or sorts a whole column for a board page: 17 ms per create once the
// column held 15k tasks, growing with it. Tables read per workspace are analysed after every 1 %
// (and at least 1,000 rows) changed instead.
//
// Search indexes: a GIN index gathers new rows' words in a pending list, which every search reads
// whole and which the insert that fills it (4 MB by default) merges into the index while its
// transaction — here a workspace's whole batch of writes, under its lock — waits: 55 ms once per
// some thousands of creates. A 256 kB list keeps that merge a few milliseconds and searches as
// fast as with no list, while inserts cost what they did (5,000 single-row inserts: 1.58 s against
// 1.63 s with the default list and 2.33 s with none).
extension Migration {
    static let m014PostgresUpkeep = Migration(
        version: 14,
        name: "fresher statistics, shorter search index pending lists",
        sqlite: [],
        postgres: ["tasks", "comments", "events"].map { table in
            "ALTER TABLE \(table) SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000)"
        } + ["tasks_search", "comments_search"].map { index in
            "ALTER INDEX \(index) SET (gin_pending_list_limit = 256)"
        }
    )
}
