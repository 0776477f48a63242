import Foundation
import SQLKit
import TaskinfaCore

/// The rules around a task's claim that every task write path shares.
enum Claims {
    /// A worker may change a task only while it holds the task's claim and presents its token (the
    /// agent's key carries the token of its own execution): once its lease has expired, or a person
    /// took the task back, every write it sends is refused.
    static func checkFence(_ task: TaskItem, scope: WorkspaceScope, on sql: any SQLDatabase) async throws {
        guard let workerID = scope.workerID else { return }
        guard task.agent.claimedBy == workerID, let executionID = task.agent.executionID,
            scope.executionID.map({ $0 == executionID }) ?? true, let token = scope.claimToken,
            let row = try await sql.raw(
                "SELECT claim_token FROM executions WHERE id = \(bind: executionID) AND status = 'running'"
            ).first(),
            try row.string("claim_token") == token
        else {
            throw ConflictError("this worker does not hold the claim on \(task.key) (its lease expired or the task was taken back)")
        }
    }

    /// Ends the running execution of a claimed task and frees the task (a person moved it away).
    static func release(_ task: inout TaskItem, reason: String, at now: Date, on sql: any SQLDatabase) async throws {
        if let executionID = task.agent.executionID {
            try await sql.raw(
                """
                UPDATE executions SET status = 'cancelled', finished_at = \(bind: now.milliseconds), reason = \(bind: reason)
                WHERE id = \(bind: executionID) AND status = 'running'
                """
            ).run()
            try await APIKeyRepository.revokeExecutionKey(executionID, at: now, on: sql)
        }
        task.agent.claimedBy = nil
        task.agent.executionID = nil
    }

    /// Puts a task in a column at a position, with what a column change implies: the start and
    /// completion times, and, when a person moves a task, freeing it from a worker and from the flag
    /// (moving it to To Do puts it back in the queue). Agents never move a task to done.
    /// `blockersChecked`: the caller already made sure, in this transaction, that no unfinished
    /// task blocks this one.
    static func place(
        _ task: inout TaskItem, in status: TaskStatus, at position: String, scope: WorkspaceScope, now: Date,
        blockersChecked: Bool = false, on sql: any SQLDatabase
    ) async throws {
        if scope.isWorker && status == .done {
            throw AccessError.refused("an agent hands its work to review; a person moves a task to done")
        }
        let old = task.status
        if status != old, !blockersChecked, DependencyRules.needsFinishedBlockers(toEnter: status) {
            let blockers = try await Relations.unfinishedBlockers(of: task.id, on: sql)
            if !blockers.isEmpty { throw DependencyRules.blocked(by: blockers, entering: status) }
        }
        task.status = status
        task.position = position
        task.lifecycle = task.lifecycle.entering(status, at: now)
        guard status != old, !scope.isWorker else { return }
        if task.agent.claimedBy != nil {
            try await release(&task, reason: "moved to \(status.rawValue) by \(scope.actor.name)", at: now, on: sql)
        }
        if status == .todo {
            task.agent.flaggedAt = nil
            task.agent.flagReason = nil
        }
    }
}
