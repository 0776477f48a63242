import Foundation
import SQLKit
import TaskinfaCore

/// The workspace at a glance: per project its column counts (kept by triggers, migration 13, so
/// they cost a few rows however large the workspace), running executions, flagged tasks and its
/// latest event.
public struct OverviewRepository: Sendable {
    let store: Store

    public func overview(_ scope: WorkspaceScope, workersOnline: Int, workersTotal: Int) async throws -> WorkspaceOverview {
        try scope.require(.readWorkspace)
        return try await store.database.read { sql in
            let projects = try await sql.raw(
                "SELECT id, key, name FROM projects WHERE workspace_id = \(bind: scope.workspaceID) ORDER BY name, id"
            ).all()
            let running = try await Self.countsByProject(
                """
                SELECT t.project_id AS project_id, COUNT(*) AS n FROM executions e JOIN tasks t ON t.id = e.task_id
                WHERE e.status = 'running' AND e.workspace_id = \(bind: scope.workspaceID) GROUP BY t.project_id
                """, on: sql)
            let flagged = try await Self.countsByProject(
                """
                SELECT project_id, COUNT(*) AS n FROM tasks
                WHERE workspace_id = \(bind: scope.workspaceID) AND flagged_at IS NOT NULL GROUP BY project_id
                """, on: sql)
            // Every project's columns in one read.
            var columns: [String: [TaskStatus: Int]] = [:]
            for count in try await sql.raw(
                "SELECT project_id, status_order, tasks AS n FROM column_counts WHERE workspace_id = \(bind: scope.workspaceID)"
            ).all() {
                if let status = TaskStatus(boardOrder: try count.int("status_order")) {
                    columns[try count.string("project_id"), default: [:]][status] = try count.int("n")
                }
            }
            var cards: [WorkspaceOverview.ProjectCard] = []
            for row in projects {
                let id = try row.string("id")
                var counts = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0, 0) })
                counts.merge(columns[id] ?? [:]) { _, counted in counted }
                let latest = try await sql.raw(
                    """
                    SELECT e.type, e.actor_name, e.created_at, t.number FROM events e JOIN tasks t ON t.id = e.task_id
                    WHERE e.workspace_id = \(bind: scope.workspaceID) AND t.project_id = \(bind: id)
                    ORDER BY e.sequence DESC LIMIT 1
                    """
                ).first()
                let key = try row.string("key")
                cards.append(
                    .init(
                        projectID: id, key: key, name: try row.string("name"), counts: counts, running: running[id] ?? 0,
                        flagged: flagged[id] ?? 0,
                        latest: try latest.map {
                            .init(
                                type: try $0.string("type"),
                                taskKey: TaskKey(projectKey: key, number: try $0.int("number")).description,
                                actorName: try $0.string("actor_name"), at: try $0.date("created_at"))
                        }))
            }
            return WorkspaceOverview(projects: cards, workersOnline: workersOnline, workersTotal: workersTotal)
        }
    }

    private static func countsByProject(_ query: SQLQueryString, on sql: any SQLDatabase) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await sql.raw(query).all() { counts[try row.string("project_id")] = try row.int("n") }
        return counts
    }
}
