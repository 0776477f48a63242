import Foundation
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    /// Rows an export holds at most: a year of a busy workspace, still one download.
    static let auditExportLimit = 100_000

    func getAuditLog(_ input: Operations.GetAuditLog.Input) async throws -> Operations.GetAuditLog.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let query = input.query
        let filter = AuditFilter(
            action: query.action.flatMap { $0.isEmpty ? nil : $0 }, actorID: query.actorId, resourceType: query.resourceType,
            resourceID: query.resourceId, outcome: query.outcome.flatMap { AuditEntry.Outcome(rawValue: $0.rawValue) },
            since: query.since, until: query.until)
        guard let format = query.format else {
            let page = try await store.audit.list(
                scope, filter: filter, limit: query.limit ?? 100, cursor: try query.cursor.map { try PageCursor.decode($0) })
            return .ok(.init(body: .json(.init(entries: try page.items.map(Components.Schemas.AuditEntry.init), nextCursor: page.nextCursor))))
        }
        var entries: [AuditEntry] = []
        var cursor: PageCursor?
        repeat {
            let page = try await store.audit.list(scope, filter: filter, limit: 1000, cursor: cursor)
            entries += page.items
            cursor = try page.nextCursor.map { try PageCursor.decode($0) }
        } while cursor != nil && entries.count < Self.auditExportLimit
        entries = Array(entries.prefix(Self.auditExportLimit))
        switch format {
        case .csv:
            return .ok(.init(body: .csv(HTTPBody(AuditExport.csv(entries)))))
        case .json:
            return .ok(.init(body: .json(.init(entries: try entries.map(Components.Schemas.AuditEntry.init), nextCursor: nil))))
        }
    }

    func getAccountAuditLog(_ input: Operations.GetAccountAuditLog.Input) async throws -> Operations.GetAccountAuditLog.Output {
        let (user, _) = try Access.signedInUser()
        let page = try await store.audit.accountEntries(
            userID: user.id, filter: AuditFilter(), limit: input.query.limit ?? 50,
            cursor: try input.query.cursor.map { try PageCursor.decode($0) })
        return .ok(.init(body: .json(.init(entries: try page.items.map(Components.Schemas.AuditEntry.init), nextCursor: page.nextCursor))))
    }
}
