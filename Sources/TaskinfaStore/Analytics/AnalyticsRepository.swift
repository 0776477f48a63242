import Foundation
import SQLKit
import TaskinfaCore

/// The analytics and the overview, each figure one aggregate query: rows are counted, ranked and
/// averaged by the database, never loaded into memory (a workspace may hold a million tasks).
///
/// Percentiles are nearest-rank (`AnalyticsRules.percentileIndex`): a window function numbers the
/// rows of each group and the query keeps the row at ⌈p·n⌉, written in integers so that SQLite and
/// PostgreSQL agree — the median at (n + 1) / 2, the 90th percentile at (9n + 9) / 10.
public struct AnalyticsRepository: Sendable {
    let store: Store

    public func report(_ scope: WorkspaceScope, period: AnalyticsPeriod, projectID: String?) async throws -> AnalyticsReport {
        try scope.require(.readWorkspace)
        let now = store.now()
        let buckets = period.buckets(endingAt: now)
        let from = buckets.first!.start.milliseconds
        let to = buckets.last!.end.milliseconds
        let project: SQLQueryString = projectID.map { " AND t.project_id = \(bind: $0)" } ?? ""
        let executions = ExecutionsOfPeriod(scope: scope, project: project, byProject: projectID != nil, from: from, to: to)
        // Four independent reads on four connections, so that the figures are computed side by side
        // on as many cores as there are. The burndown needs the counts it is derived from in the
        // same read; the other figures need no agreement between them beyond their own query.
        async let flow = store.database.read { sql in
            if let projectID { _ = try await ProjectRepository.load(projectID, scope: scope, on: sql) }
            let counts = try await Self.statusCounts(scope, project: project, on: sql)
            let rows = try await Self.burndown(scope, project: project, buckets: buckets, counts: counts, on: sql)
            return (counts, rows, try await Self.bottlenecks(scope, project: project, counts: counts, now: now, on: sql))
        }
        async let cycleTimes = store.database.read { sql in
            try await Self.cycleTimes(scope, project: project, from: from, to: to, on: sql)
        }
        async let agents = store.database.read { sql in
            let workers = try await Self.agentFigures(
                by: "e.worker_id", named: "COALESCE(w.name, e.worker_id)",
                executions.query(joining: " LEFT JOIN workers w ON w.id = e.worker_id"), on: sql)
            let executors = try await Self.agentFigures(
                by: "COALESCE(e.executor, 'unknown')", named: "COALESCE(e.executor, 'unknown')", executions.query(joining: ""), on: sql)
            return (workers, executors)
        }
        async let stopReasons = store.database.read { sql in try await Self.stopReasons(executions.query(joining: ""), on: sql) }
        let (counts, rows, bottlenecks) = try await flow
        return AnalyticsReport(
            period: period, projectID: projectID, buckets: rows, statusCounts: counts, cycleTimes: try await cycleTimes,
            workers: try await agents.0, executors: try await agents.1, stopReasons: try await stopReasons, bottlenecks: bottlenecks)
    }

    /// The finished task executions of the period (released ones were never attempts).
    struct ExecutionsOfPeriod: Sendable {
        let scope: WorkspaceScope
        let project: SQLQueryString
        let byProject: Bool
        let from: Int64
        let to: Int64

        /// `join` is one of the fixed clauses of `report`, never input.
        func query(joining join: String) -> SQLQueryString {
            "FROM executions e\(unsafeRaw: join)\(unsafeRaw: byProject ? " JOIN tasks t ON t.id = e.task_id" : "")"
                + " WHERE e.workspace_id = \(bind: scope.workspaceID)\(project) AND e.kind = 'task'"
                + " AND e.status NOT IN ('running', 'released')"
                + " AND e.started_at >= \(bind: from) AND e.started_at < \(bind: to)"
        }
    }

    /// Done and created per bucket, and what was open at each bucket's end: every task minus those
    /// created later, minus the done ones finished by then (a reopened task counts as open from its
    /// creation: its finish is gone).
    static func burndown(
        _ scope: WorkspaceScope, project: SQLQueryString, buckets: [DateInterval], counts: [TaskStatus: Int], on sql: any SQLDatabase
    ) async throws -> [AnalyticsReport.Bucket] {
        let tasks: SQLQueryString = "FROM tasks t WHERE t.workspace_id = \(bind: scope.workspaceID)\(project)"
        let created = try await perBucket(buckets, counting: tasks, by: "t.created_at", on: sql)
        let done = try await perBucket(buckets, counting: tasks + " AND t.status = 'done'", by: "t.completed_at", on: sql)
        let total = counts.values.reduce(0, +)
        let doneTotal = counts[.done] ?? 0
        var createdLater = created.reduce(0, +)
        var doneLater = done.reduce(0, +)
        var rows: [AnalyticsReport.Bucket] = []
        for (index, interval) in buckets.enumerated() {
            createdLater -= created[index]
            doneLater -= done[index]
            let remaining = (total - createdLater) - (doneTotal - doneLater)
            rows.append(.init(interval: interval, done: done[index], created: created[index], remaining: max(0, remaining)))
        }
        return rows
    }

    // MARK: - Figures

    static func statusCounts(_ scope: WorkspaceScope, project: SQLQueryString, on sql: any SQLDatabase) async throws
        -> [TaskStatus: Int]
    {
        let rows = try await sql.raw(
            """
            SELECT t.status_order AS column_order, COUNT(*) AS n FROM tasks t
            WHERE t.workspace_id = \(bind: scope.workspaceID)\(project) GROUP BY t.status_order
            """
        ).all()
        var counts = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0, 0) })
        for row in rows {
            let order = try row.int("column_order")
            if let status = TaskStatus(boardOrder: order) { counts[status] = try row.int("n") }
        }
        return counts
    }

    /// How many of `rows` fall in each bucket by `column`: one index range count per bucket, in
    /// one statement (cheaper than classifying every row with a `CASE` and grouping).
    static func perBucket(_ buckets: [DateInterval], counting rows: SQLQueryString, by column: String, on sql: any SQLDatabase)
        async throws -> [Int]
    {
        // `column` is one of the fixed column names of the callers above, never input.
        let counts = buckets.enumerated().map { index, bucket -> SQLQueryString in
            "SELECT \(literal: index) AS bucket, COUNT(*) AS n " + rows
                + " AND \(unsafeRaw: column) >= \(bind: bucket.start.milliseconds) AND \(unsafeRaw: column) < \(bind: bucket.end.milliseconds)"
        }
        var values = Array(repeating: 0, count: buckets.count)
        for row in try await sql.raw(counts.dropFirst().reduce(counts[0]) { $0 + " UNION ALL " + $1 }).all() {
            let bucket = try row.int("bucket")
            if values.indices.contains(bucket) { values[bucket] = try row.int("n") }
        }
        return values
    }

    /// From start (or creation, for a task never started) to finish, of the tasks done in the period.
    static func cycleTimes(_ scope: WorkspaceScope, project: SQLQueryString, from: Int64, to: Int64, on sql: any SQLDatabase)
        async throws -> [AnalyticsReport.CycleTime]
    {
        let rows = try await sql.raw(
            """
            SELECT priority, n, rn, duration FROM (
                SELECT t.priority AS priority, t.completed_at - COALESCE(t.started_at, t.created_at) AS duration,
                       ROW_NUMBER() OVER by_duration AS rn,
                       COUNT(*) OVER (by_duration ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n
                FROM tasks t
                WHERE t.workspace_id = \(bind: scope.workspaceID)\(project) AND t.status = 'done'
                  AND t.completed_at >= \(bind: from) AND t.completed_at < \(bind: to)
                WINDOW by_duration AS (PARTITION BY t.priority ORDER BY t.completed_at - COALESCE(t.started_at, t.created_at))
            ) ranked
            WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10
            """
        ).all()
        var figures: [TaskPriority: AnalyticsReport.CycleTime] = [:]
        for row in rows {
            guard let priority = TaskPriority(rawValue: try row.string("priority")) else { continue }
            let n = try row.int("n")
            let rank = try row.int("rn")
            let seconds = Double(try row.int64("duration")) / 1000
            var figure = figures[priority] ?? .init(priority: priority, count: n, p50: 0, p90: 0)
            if rank == (n + 1) / 2 { figure.p50 = seconds }
            if rank == (9 * n + 9) / 10 { figure.p90 = seconds }
            figures[priority] = figure
        }
        return TaskPriority.allCases.reversed().compactMap { figures[$0] }
    }

    static func agentFigures(
        by key: String, named name: String, _ executions: SQLQueryString, on sql: any SQLDatabase
    ) async throws -> [AnalyticsReport.AgentFigures] {
        // `key` and `name` are the fixed expressions of the two callers above, never input.
        let query: SQLQueryString =
            """
            SELECT \(unsafeRaw: key) AS id, \(unsafeRaw: name) AS name, COUNT(*) AS runs,
                   SUM(CASE WHEN e.status = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
                   CAST(AVG(e.loops) AS DOUBLE PRECISION) AS mean_loops,
                   CAST(AVG(COALESCE(e.finished_at, e.started_at) - e.started_at) AS DOUBLE PRECISION) AS mean_ms,
                   SUM(CASE WHEN e.attempt > 1 THEN 1 ELSE 0 END) AS retries,
                   CAST(COALESCE(SUM(e.input_tokens), 0) AS BIGINT) AS input_tokens,
                   CAST(COALESCE(SUM(e.output_tokens), 0) AS BIGINT) AS output_tokens,
                   CAST(COALESCE(SUM(e.cost_usd), 0) AS DOUBLE PRECISION) AS cost

            """ + executions + " GROUP BY \(unsafeRaw: key), \(unsafeRaw: name) ORDER BY runs DESC, name"
        return try await sql.raw(query).all().map { row in
            .init(
                id: try row.string("id"), name: try row.string("name"), runs: try row.int("runs"),
                succeeded: try row.int("succeeded"), meanLoops: try row.decode(column: "mean_loops", as: Double.self),
                meanDuration: try row.decode(column: "mean_ms", as: Double.self) / 1000, retries: try row.int("retries"),
                inputTokens: try row.int("input_tokens"), outputTokens: try row.int("output_tokens"),
                costUSD: try row.decode(column: "cost", as: Double.self))
        }
    }

    static func stopReasons(_ executions: SQLQueryString, on sql: any SQLDatabase) async throws -> [AnalyticsReport.StopReason] {
        let query: SQLQueryString =
            "SELECT e.status AS status, SUBSTR(COALESCE(e.reason, ''), 1, 200) AS reason, COUNT(*) AS n "
            + executions + " AND e.status <> 'succeeded'"
            + " GROUP BY e.status, SUBSTR(COALESCE(e.reason, ''), 1, 200) ORDER BY n DESC, status LIMIT 10"
        return try await sql.raw(query).all().compactMap { row in
            guard let outcome = ExecutionStatus(rawValue: try row.string("status")) else { return nil }
            return .init(outcome: outcome, reason: try row.string("reason"), count: try row.int("n"))
        }
    }

    /// Tasks in a flow column for far longer than that column's median stay (`AnalyticsRules`).
    /// Per column, two walks of `tasks_by_column_entry`: to the median (its position known from
    /// the column's count) and then the oldest entries past the threshold — never a sort of the column.
    static func bottlenecks(
        _ scope: WorkspaceScope, project: SQLQueryString, counts: [TaskStatus: Int], now: Date, on sql: any SQLDatabase
    ) async throws -> [AnalyticsReport.Bottleneck] {
        var found: [AnalyticsReport.Bottleneck] = []
        for status in AnalyticsRules.flowColumns {
            let count = counts[status] ?? 0
            guard count > 0 else { continue }
            let column: SQLQueryString =
                "FROM tasks t WHERE t.workspace_id = \(bind: scope.workspaceID)\(project) AND t.status_order = \(bind: status.boardOrder)"
            // The median stay is the median entry time counted from the newest.
            let medianEntry = try await sql.raw(
                "SELECT t.entered_status_at AS entered " + column
                    + " ORDER BY t.entered_status_at DESC LIMIT 1 OFFSET \(bind: AnalyticsRules.percentileIndex(50, count: count))"
            ).first()
            guard let entered = try medianEntry?.optionalInt("entered") else { continue }
            let median = Double(now.milliseconds - Int64(entered)) / 1000
            let enteredBefore = now.milliseconds - Int64(AnalyticsRules.bottleneckThreshold(median: median) * 1000)
            let rows = try await sql.raw(
                """
                SELECT t.id, p.key AS project_key, t.number, t.title, t.entered_status_at AS entered
                FROM tasks t JOIN projects p ON p.id = t.project_id
                WHERE t.workspace_id = \(bind: scope.workspaceID)\(project) AND t.status_order = \(bind: status.boardOrder)
                  AND t.entered_status_at < \(bind: enteredBefore)
                ORDER BY t.entered_status_at LIMIT 10
                """
            ).all()
            for row in rows {
                found.append(.init(
                    taskID: try row.string("id"),
                    key: TaskKey(projectKey: try row.string("project_key"), number: try row.int("number")).description,
                    title: try row.string("title"), status: status,
                    age: Double(now.milliseconds - (try row.int64("entered"))) / 1000, columnMedian: median))
            }
        }
        return AnalyticsRules.longestWaiting(found)
    }
}
