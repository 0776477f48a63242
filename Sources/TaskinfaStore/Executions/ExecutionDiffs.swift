import Foundation
import SQLKit
import TaskinfaCore

/// The stored patch of each execution that sent one (its finish report), served to reviewers.
public struct ExecutionDiffs: Sendable {
    let store: Store

    /// An execution's patch; not found when the execution sent none (or is another workspace's).
    public func get(_ scope: WorkspaceScope, taskRef: String, executionID: String) async throws -> ExecutionDiff {
        try await store.database.read { sql in
            let taskID = try await TaskRow.resolve(taskRef, scope: scope, on: sql)
            _ = try await ExecutionRepository.load(executionID, taskID: taskID, scope: scope, on: sql)
            guard
                let row = try await sql.raw(
                    """
                    SELECT patch, omitted FROM execution_diffs
                    WHERE execution_id = \(bind: executionID) AND workspace_id = \(bind: scope.workspaceID)
                      AND task_id = \(bind: taskID)
                    """
                ).first()
            else { throw NotFoundError("diff of execution", id: executionID) }
            let omitted =
                (try? JSONDecoder().decode([ExecutionDiff.OmittedFile].self, from: Data(try row.string("omitted").utf8))) ?? []
            return ExecutionDiff(patch: try row.string("patch"), omitted: omitted)
        }
    }

    static func insert(_ diff: ExecutionDiff, of execution: Execution, at now: Date, on sql: any SQLDatabase) async throws {
        let omitted = String(decoding: try JSONEncoder().encode(diff.omitted), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO execution_diffs (execution_id, workspace_id, task_id, patch, omitted, created_at)
            VALUES (\(bind: execution.id), \(bind: execution.workspaceID), \(bind: execution.taskID), \(bind: diff.patch),
                    \(bind: omitted), \(bind: now.milliseconds))
            """
        ).run()
    }
}
