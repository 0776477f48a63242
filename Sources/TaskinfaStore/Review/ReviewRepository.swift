import Foundation
import SQLKit
import TaskinfaCore

/// A person's verdict on work in review, in one transaction: the message it posts and the move it
/// makes. Requesting changes puts the task at the top of To Do, where the next worker takes it
/// with the review's comments in its prompt (they are the task's latest message); approving moves
/// it to done.
public struct ReviewRepository: Sendable {
    let store: Store

    public struct Outcome: Sendable {
        public var task: TaskItem
        public var comment: Comment?
    }

    public func review(_ scope: WorkspaceScope, taskRef: String, review: Review, expectedVersion: Int?) async throws -> Outcome {
        try scope.requireInSomeProject(.reviewWork)
        let now = store.now()
        let commentID = store.random.id(.comment)
        return try await store.database.write(workspace: scope.workspaceID) { sql in
            let old = try await TaskRepository.loadForChange(
                taskRef, for: .reviewWork, expectedVersion: expectedVersion, scope: scope, on: sql)
            guard old.status == .review else {
                throw ValidationError(field: "status", message: "\(old.key) is not in review (it is in \(old.status.rawValue))")
            }
            var comment: Comment?
            if let body = review.message {
                // Posted as a person's message, but not as a question waiting for a reply: the next
                // execution of the task itself answers it with code.
                let posted = Comment(
                    id: commentID, workspaceID: scope.workspaceID, taskID: old.id, author: scope.actor,
                    kind: review.decision == .requestChanges ? .humanMessage : .comment, body: body, loopNumber: nil,
                    createdAt: now)
                try await CommentRepository.insert(posted, taskKey: old.key, on: sql)
                comment = posted
            }
            var task = old
            switch review.decision {
            case .requestChanges:
                let first = try await TaskRow.firstPosition(in: .todo, workspace: scope.workspaceID, excluding: old.id, on: sql)
                try await Claims.place(&task, in: .todo, at: try Rank.between(nil, first), scope: scope, now: now, on: sql)
            case .approve:
                let last = try await TaskRow.lastPosition(in: .done, workspace: scope.workspaceID, excluding: old.id, on: sql)
                try await Claims.place(&task, in: .done, at: try Rank.between(last, nil), scope: scope, now: now, on: sql)
            }
            let saved = try await TaskRepository.commit(task, replacing: old, type: .taskMoved, scope: scope, at: now, on: sql)
            return Outcome(task: saved, comment: comment)
        }
    }
}
