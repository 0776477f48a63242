import Foundation
import SQLKit
import TaskinfaCore

/// The workspace at a glance: per project its column counts (from the project index, so a project
/// costs one small read however large the workspace), running executions, flagged tasks and its
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
            var cards: [WorkspaceOverview.ProjectCard] = []
            for row in projects {
                let id = try row.string("id")
                var counts = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0, 0) })
                for count in try await sql.raw(
                    // Kept by triggers (migration 13): a few rows, however many tasks the project has.
                    "SELECT status_order, tasks AS n FROM column_counts WHERE workspace_id = \(bind: scope.workspaceID) AND project_id = \(bind: id)"
                ).all() {
                    let order = try count.int("status_order")
                    if let status = TaskStatus(boardOrder: order) { counts[status] = try count.int("n") }
                }
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
