import Foundation
import SQLKit
import TaskinfaCore

/// Fills a project with many tasks through the store's own connection, for the benchmark's
/// million-task mode: a thousand rows per transaction, each with its search-index row (the
/// triggers write it, as for any task) but no event (a fill is no history anyone watches live).
/// Every hundredth task goes to To Do, the rest to the backlog, all at the bottom of their column.
public enum BenchmarkFill {
    public static func fill(
        _ store: Store, workspaceID: String, projectID: String, createdBy: String, count: Int,
        text: @escaping @Sendable (Int) -> (title: String, description: String)
    ) async throws {
        let perTransaction = 1_000
        let perStatement = 100
        // Below whatever the columns already hold.
        var last: [TaskStatus: String?] = [:]
        for status in [TaskStatus.todo, .backlog] {
            last[status] = try await store.database.read { sql in
                try await TaskRow.lastPosition(in: status, workspace: workspaceID, excluding: nil, on: sql)
            }
        }
        for start in stride(from: 0, to: count, by: perTransaction) {
            let end = min(start + perTransaction, count)
            last = try await store.database.write(workspace: workspaceID) { [last] sql in
                var last = last
                let first = try await sql.raw(
                    """
                    UPDATE projects SET next_task_number = next_task_number + \(literal: end - start)
                    WHERE id = \(bind: projectID) AND workspace_id = \(bind: workspaceID) RETURNING next_task_number
                    """
                ).first()?.int("next_task_number")
                guard let first else { throw NotFoundError("project", id: projectID) }
                let firstNumber = first - (end - start)
                let now = store.now().milliseconds
                for chunk in stride(from: start, to: end, by: perStatement) {
                    var statement: SQLQueryString = """
                        INSERT INTO tasks (id, workspace_id, project_id, number, title, description, status, status_order,
                            priority, priority_rank, position, created_by, created_at, updated_at, entered_status_at) VALUES
                        """
                    for index in chunk..<min(chunk + perStatement, end) {
                        let status: TaskStatus = index % 100 == 0 ? .todo : .backlog
                        let position = try Rank.between(last[status] ?? nil, nil)
                        last[status] = position
                        let (title, description) = text(index)
                        if index > chunk { statement += "," }
                        statement += """
                            (\(bind: store.random.id(.task)), \(bind: workspaceID), \(bind: projectID),
                             \(bind: firstNumber + index - start), \(bind: title), \(bind: description), \(bind: status.rawValue),
                             \(literal: status.boardOrder), 'medium', \(literal: TaskPriority.medium.urgencyRank), \(bind: position),
                             \(bind: createdBy), \(bind: now), \(bind: now), \(bind: now))
                            """
                    }
                    try await sql.raw(statement).run()
                }
                return last
            }
        }
    }
}
