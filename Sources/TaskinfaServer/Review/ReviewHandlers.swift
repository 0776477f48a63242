import Foundation
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func reviewTask(_ input: Operations.ReviewTask.Input) async throws -> Operations.ReviewTask.Output {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let review = try Review(
            decision: body.decision == .approve ? .approve : .requestChanges, summary: body.summary ?? nil,
            comments: (body.comments ?? []).map {
                ReviewComment(
                    path: $0.path, line: $0.line, side: $0.side == .old ? .old : .new, quote: $0.quote ?? nil, body: $0.body)
            }
        ).validated()
        let outcome = try await store.reviews.review(
            scope, taskRef: input.path.taskId, review: review, expectedVersion: try ETag.version(input.headers.ifMatch))
        return .ok(
            .init(
                headers: .init(eTag: outcome.task.etag),
                body: .json(.init(task: .init(outcome.task), comment: outcome.comment.map(Components.Schemas.Comment.init)))))
    }
}
