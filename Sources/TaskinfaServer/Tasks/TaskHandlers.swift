import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listTasks(_ input: Operations.ListTasks.Input) async throws -> Operations.ListTasks.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let query = input.query
        let filter = try Components.Schemas.TaskFilter(
            projectId: query.projectId, status: query.status, priority: query.priority, label: query.label,
            assignee: query.assignee, parentId: query.parentId, q: query.q, dueFrom: query.dueFrom, dueTo: query.dueTo,
            sort: query.sort, order: query.order
        ).domain().resolvingMe(as: scope.workerID ?? scope.userID)
        let page = try await store.tasks.list(scope, try TaskQuery(filter: filter, limit: query.limit, cursor: query.cursor))
        let list = Components.Schemas.TaskList(tasks: page.items.map(Components.Schemas.Task.init), nextCursor: page.nextCursor)
        return .ok(.init(body: .json(PreparedJSON.answer(list, empty: .init(tasks: [])))))
    }

    func countTasks(_ input: Operations.CountTasks.Input) async throws -> Operations.CountTasks.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let query = input.query
        let filter = try Components.Schemas.TaskFilter(
            projectId: query.projectId, priority: query.priority, label: query.label, assignee: query.assignee,
            parentId: query.parentId, q: query.q, dueFrom: query.dueFrom, dueTo: query.dueTo
        ).domain().validated().resolvingMe(as: scope.workerID ?? scope.userID)
        let counted = try await store.tasks.counts(scope, filter)
        return .ok(.init(body: .json(.init(counts: .init(counted.counts), searchTruncated: filter.query.map { _ in counted.searchTruncated }))))
    }

    func getBoard(_ input: Operations.GetBoard.Input) async throws -> Operations.GetBoard.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let query = input.query
        let filter = try Components.Schemas.TaskFilter(
            projectId: query.projectId, priority: query.priority, label: query.label, assignee: query.assignee,
            parentId: query.parentId, q: query.q, dueFrom: query.dueFrom, dueTo: query.dueTo, sort: query.sort,
            order: query.order
        ).domain().validated().resolvingMe(as: scope.workerID ?? scope.userID)
        let statuses = query.status.map { Set($0.map(\.domain)) } ?? Set(TaskStatus.allCases)
        let board = try await store.tasks.board(
            scope, filter, columns: TaskStatus.allCases.filter(statuses.contains), limit: query.limit ?? 30)
        let answer = Components.Schemas.Board(
            columns: board.columns.map { column in
                .init(
                    status: .init(column.status), count: column.count,
                    tasks: column.page.items.map(Components.Schemas.Task.init), nextCursor: column.page.nextCursor)
            },
            searchTruncated: filter.query.map { _ in board.searchTruncated })
        return .ok(.init(body: .json(PreparedJSON.answer(answer, empty: .init(columns: [])))))
    }

    func createTask(_ input: Operations.CreateTask.Input) async throws -> Operations.CreateTask.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let dueDate = validator.check { try body.dueDate.map { try CalendarDate.parse($0, field: "due_date") } }
        let draft = validator.check {
            try TaskDraft(
                projectID: body.projectId, title: body.title, description: body.description,
                status: body.status?.domain, priority: body.priority?.domain, labels: body.labels,
                assigneeID: body.assigneeId, dueDate: dueDate ?? nil, parentID: body.parentId)
        }
        try validator.throwIfInvalid()
        let task = try await store.tasks.create(scope, draft!)
        return .created(.init(headers: .init(eTag: task.etag), body: .json(.init(task))))
    }

    func getTask(_ input: Operations.GetTask.Input) async throws -> Operations.GetTask.Output {
        let scope = try await access.task(input.path.taskId)
        let task = try await store.tasks.get(scope, input.path.taskId)
        return .ok(.init(headers: .init(eTag: task.etag), body: .json(.init(task))))
    }

    func updateTask(_ input: Operations.UpdateTask.Input) async throws -> Operations.UpdateTask.Output {
        let scope = try await access.task(input.path.taskId)
        let version = try ETag.version(input.headers.ifMatch)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let changes = try taskChanges(body, nullPrefix: "")
        let task = try await store.tasks.update(scope, input.path.taskId, changes, expectedVersion: version)
        return .ok(.init(headers: .init(eTag: task.etag), body: .json(.init(task))))
    }

    func deleteTask(_ input: Operations.DeleteTask.Input) async throws -> Operations.DeleteTask.Output {
        let scope = try await access.task(input.path.taskId)
        try await store.tasks.delete(scope, input.path.taskId, expectedVersion: try ETag.version(input.headers.ifMatch))
        return .noContent(.init())
    }

    func moveTask(_ input: Operations.MoveTask.Input) async throws -> Operations.MoveTask.Output {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let task = try await store.tasks.move(
            scope, input.path.taskId, to: body.status.domain,
            placement: Placement(beforeID: body.beforeId, afterID: body.afterId),
            expectedVersion: try ETag.version(input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: task.etag), body: .json(.init(task))))
    }

    func bulkTasks(_ input: Operations.BulkTasks.Input) async throws -> Operations.BulkTasks.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let operation: BulkOperation
        switch body.action {
        case .update:
            guard let changes = body.changes else {
                throw ValidationError(field: "changes", message: "is required for action update")
            }
            let domain: TaskChanges
            do {
                domain = try taskChanges(changes, nullPrefix: "changes.")
            } catch let error as ValidationError {
                throw error.nested(under: "changes")
            }
            if domain.isEmpty { throw ValidationError(field: "changes", message: "must change at least one field") }
            operation = .update(domain)
        case .move:
            guard let status = body.status else {
                throw ValidationError(field: "status", message: "is required for action move")
            }
            operation = .move(status.domain)
        case .delete:
            operation = .delete
        }
        let result = try await store.tasks.bulk(scope, ids: body.taskIds, operation)
        return .ok(.init(body: .json(.init(tasks: result.tasks.map(Components.Schemas.Task.init), deletedIds: result.deletedIDs))))
    }

    /// A PATCH body as validated domain changes; `nullPrefix` locates its members among the
    /// request's explicit nulls (`changes.` inside a bulk request).
    private func taskChanges(_ body: Components.Schemas.UpdateTaskRequest, nullPrefix: String) throws -> TaskChanges {
        var validator = Validator()
        let dueDate: CalendarDate?? = validator.check {
            try patch(body.dueDate, nullPrefix + "due_date").map { try $0.map { try CalendarDate.parse($0, field: "due_date") } }
        } ?? nil
        let changes = validator.check {
            try TaskChanges(
                title: body.title, description: patch(body.description, nullPrefix + "description"),
                status: body.status?.domain, priority: body.priority?.domain, labels: body.labels,
                assigneeID: patch(body.assigneeId, nullPrefix + "assignee_id"), dueDate: dueDate,
                projectID: body.projectId, parentID: patch(body.parentId, nullPrefix + "parent_id"), flagged: body.flagged)
        }
        if body.title == nil && RequestInfo.current.isNull(nullPrefix + "title") {
            validator.fail("title", "must not be null")
        }
        try validator.throwIfInvalid()
        return changes!
    }
}
