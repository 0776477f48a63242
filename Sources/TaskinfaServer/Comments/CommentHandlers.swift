import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listComments(_ input: Operations.ListComments.Input) async throws -> Operations.ListComments.Output {
        let scope = try await access.task(input.path.taskId)
        let limit = try pageLimit(input.query.limit, max: CommentRepository.maxPageSize)
        let cursor = try input.query.cursor.map { try PageCursor.decode($0) }
        let page = try await store.comments.list(scope, taskRef: input.path.taskId, limit: limit, cursor: cursor)
        return .ok(
            .init(body: .json(.init(comments: page.items.map(Components.Schemas.Comment.init), nextCursor: page.nextCursor))))
    }

    func createComment(_ input: Operations.CreateComment.Input) async throws -> Operations.CreateComment.Output {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let text = validator.check { try Comment.validBody(body.body) }
        let loop = validator.check { try Comment.validLoopNumber(body.loopNumber) }
        try validator.throwIfInvalid()
        let comment = try await store.comments.create(
            scope, taskRef: input.path.taskId, kind: body._type?.domain ?? .comment,
            body: text!, loopNumber: loop ?? nil)
        return .created(.init(body: .json(.init(comment))))
    }

    /// A page size from the query, 1…max (default 50).
    func pageLimit(_ limit: Int?, max: Int) throws -> Int {
        let value = limit ?? 50
        guard (1...max).contains(value) else {
            throw ValidationError(field: "limit", message: "must be between 1 and \(max)")
        }
        return value
    }
}
