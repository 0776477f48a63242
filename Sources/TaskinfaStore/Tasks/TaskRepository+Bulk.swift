import Foundation
import SQLKit
import TaskinfaCore

/// One change applied to many tasks at once.
public enum BulkOperation: Sendable {
    case update(TaskChanges)
    /// To the bottom of a column, in the order the ids were given.
    case move(TaskStatus)
    case delete
}

public struct BulkResult: Sendable {
    public var tasks: [TaskItem]
    public var deletedIDs: [String]
}

extension TaskRepository {
    public static let maxBulkTasks = 100

    /// Applies the operation to every task, all or nothing: one bad id or one refused change
    /// rolls everything back, and the error names the offending `task_ids[i]`.
    public func bulk(_ scope: WorkspaceScope, ids: [String], _ operation: BulkOperation) async throws -> BulkResult {
        guard !ids.isEmpty, ids.count <= Self.maxBulkTasks else {
            throw ValidationError(field: "task_ids", message: "must hold 1 to \(Self.maxBulkTasks) task ids")
        }
        if Set(ids).count != ids.count {
            throw ValidationError(field: "task_ids", message: "must not repeat a task")
        }
        if scope.isWorker { throw AccessError.refused("an agent changes only the task it holds, not tasks in bulk") }
        switch operation {
        case .update, .move: try scope.requireInSomeProject(.updateTask)
        case .delete: break
        }
        let now = store.now()
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            // Resolve every id first, so a bad one fails the batch before anything changes.
            var tasks: [TaskItem] = []
            for (index, ref) in ids.enumerated() {
                do {
                    tasks.append(try await TaskRow.load(ref: ref, scope: scope, on: sql).task)
                } catch is NotFoundError {
                    throw ValidationError(field: "task_ids[\(index)]", message: "is not a task of this workspace")
                }
            }
            var result = BulkResult(tasks: [], deletedIDs: [])
            for task in tasks {
                switch operation {
                case .update(let changes):
                    try scope.require(.updateTask, inProject: task.projectID)
                    try await Claims.checkFence(task, scope: scope, on: sql)
                    do {
                        let updated = try await Self.apply(changes, to: task, scope: scope, at: now, on: sql)
                        result.tasks.append(
                            try await Self.commit(updated, replacing: task, type: .taskUpdated, scope: scope, at: now, on: sql))
                    } catch let error as ValidationError {
                        throw error.nested(under: "changes")
                    }
                case .move(let status):
                    try scope.require(.updateTask, inProject: task.projectID)
                    try await Claims.checkFence(task, scope: scope, on: sql)
                    var moved = task
                    let last = try await TaskRow.lastPosition(in: status, workspace: scope.workspaceID, excluding: task.id, on: sql)
                    try await Claims.place(&moved, in: status, at: try Rank.between(last, nil), scope: scope, now: now, on: sql)
                    result.tasks.append(
                        try await Self.commit(moved, replacing: task, type: .taskMoved, scope: scope, at: now, on: sql))
                case .delete:
                    // A subtask of a task deleted earlier in the batch went with its parent.
                    if result.deletedIDs.contains(task.id) { continue }
                    try Self.checkMayDelete(task, scope: scope)
                    result.deletedIDs += try await Self.deleteWithSubtasks(task, scope: scope, at: now, on: sql)
                }
            }
            return result
        }
    }
}
