import Foundation
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func streamEvents(_ input: Operations.StreamEvents.Input) async throws -> Operations.StreamEvents.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        if let since = input.query.since {
            let limit = try pageLimit(input.query.limit ?? 100, max: EventRepository.maxPageSize)
            let events = try await store.events.after(since, workspace: scope.workspaceID, limit: limit)
            return .ok(
                .init(
                    body: .json(
                        .init(events: try events.map(Components.Schemas.Event.init), lastId: events.last?.sequence ?? since))))
        }
        var resumeAfter = input.query.after
        if let after = resumeAfter, after < 0 { throw ValidationError(field: "after", message: "must be an event id from this stream") }
        if let header = input.headers.lastEventID?.trimmingCharacters(in: .whitespaces), !header.isEmpty {
            guard let value = Int64(header), value >= 0 else {
                throw ValidationError(field: "Last-Event-ID", message: "must be an event id from this stream")
            }
            resumeAfter = value
        }
        let ticket = try await streams.admitCurrent(workspaceID: scope.workspaceID)
        let stream = EventStream(
            workspace: scope.workspaceID, resumeAfter: resumeAfter, hub: hub, store: store,
            keepAlive: configuration.keepAliveInterval, bufferLimit: configuration.streamBufferLimit,
            stallPatience: configuration.streamStallPatience,
            connection: RequestInfo.current.connection, streams: streams, ticket: ticket)
        do {
            let body = HTTPBody(try await stream.bytes(), length: .unknown, iterationBehavior: .single)
            return .ok(.init(body: .textEventStream(body)))
        } catch {
            await streams.closed(ticket)
            throw error
        }
    }

    func getTaskActivity(_ input: Operations.GetTaskActivity.Input) async throws -> Operations.GetTaskActivity.Output {
        let scope = try await access.taskHistory(input.path.taskId)
        let page = try await activity(scope, taskRef: input.path.taskId, cursor: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(page)))
    }

    func getWorkspaceActivity(_ input: Operations.GetWorkspaceActivity.Input) async throws
        -> Operations.GetWorkspaceActivity.Output
    {
        let scope = try await access.workspace(input.path.workspaceId)
        let page = try await activity(scope, taskRef: nil, cursor: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(page)))
    }

    private func activity(
        _ scope: WorkspaceScope, taskRef: String?, cursor: String?, limit: Int?
    ) async throws -> Components.Schemas.EventList {
        var before: Int64?
        if let cursor {
            let decoded = try PageCursor.decode(cursor)
            guard decoded.sort == "sequence", case .int(let value)? = decoded.values.first else {
                throw ValidationError(field: "cursor", message: "is not a cursor of this list")
            }
            before = value
        }
        let page = try await store.events.activity(
            scope, taskRef: taskRef, before: before, limit: try pageLimit(limit, max: 200))
        return .init(events: try page.items.map(Components.Schemas.Event.init), nextCursor: page.nextCursor)
    }
}
