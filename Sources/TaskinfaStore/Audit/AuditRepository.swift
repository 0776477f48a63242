import Foundation
import SQLKit
import TaskinfaCore

/// The audit log. There is `record` and there is `prune`; nothing updates an entry, and nothing
/// but the retention pruner deletes one.
public struct AuditRepository: Sendable {
    let store: Store

    /// Writes one entry; entries arriving together are written in one transaction (`Batcher`).
    /// Returns once the entry is stored.
    public func record(_ entry: AuditEntry) async throws {
        try await store.batches.auditEntries.submit(entry)
    }

    /// Inserts entries, a chunk of rows per statement.
    static func insert(_ entries: [AuditEntry], on sql: any SQLDatabase) async throws {
        var rest = entries[...]
        for length in InsertChunks.lengths(of: entries.count) {
            var query: SQLQueryString = """
                INSERT INTO audit_logs (id, workspace_id, user_id, actor_type, actor_id, actor_name, action, resource_type,
                                        resource_id, outcome, details, ip_address, user_agent, created_at)
                VALUES
                """
            for (index, entry) in rest.prefix(length).enumerated() {
                query += index == 0 ? " " : ", "
                query += """
                    (\(bind: entry.id), \(bind: entry.workspaceID), \(bind: entry.userID), \(bind: entry.actorType.rawValue),
                     \(bind: entry.actorID), \(bind: entry.actorName), \(bind: entry.action), \(bind: entry.resourceType),
                     \(bind: entry.resourceID), \(bind: entry.outcome.rawValue), \(bind: JSONValue.object(entry.details).jsonText),
                     \(bind: entry.ipAddress.map { String($0.prefix(64)) }), \(bind: entry.userAgent.map { String($0.prefix(500)) }),
                     \(bind: entry.createdAt.milliseconds))
                    """
            }
            try await sql.raw(query).run()
            rest = rest.dropFirst(length)
        }
    }

    /// A workspace's entries, newest first (admins only).
    public func list(_ scope: WorkspaceScope, filter: AuditFilter, limit: Int, cursor: PageCursor?) async throws -> Page<AuditEntry> {
        try scope.require(.readAuditLog)
        return try await page(where: "workspace_id = \(bind: scope.workspaceID)", filter: filter, limit: limit, cursor: cursor)
    }

    /// What happened to one account that belongs to no workspace (its sign-ins, its second factor).
    public func accountEntries(userID: String, filter: AuditFilter, limit: Int, cursor: PageCursor?) async throws -> Page<AuditEntry> {
        try await page(where: "workspace_id = '' AND user_id = \(bind: userID)", filter: filter, limit: limit, cursor: cursor)
    }

    private func page(where condition: SQLQueryString, filter: AuditFilter, limit: Int, cursor: PageCursor?) async throws
        -> Page<AuditEntry>
    {
        try await store.database.read { sql in
            var query: SQLQueryString = "SELECT * FROM audit_logs WHERE "
            query += condition
            if let action = filter.action {
                if action.hasSuffix(".") {
                    query += " AND action LIKE \(bind: action.replacingOccurrences(of: "%", with: "") + "%")"
                } else {
                    query += " AND action = \(bind: action)"
                }
            }
            if let actor = filter.actorID { query += " AND actor_id = \(bind: actor)" }
            if let type = filter.resourceType { query += " AND resource_type = \(bind: type)" }
            if let resource = filter.resourceID { query += " AND resource_id = \(bind: resource)" }
            if let outcome = filter.outcome { query += " AND outcome = \(bind: outcome.rawValue)" }
            if let since = filter.since { query += " AND created_at >= \(bind: since.milliseconds)" }
            if let until = filter.until { query += " AND created_at < \(bind: until.milliseconds)" }
            if let cursor, cursor.values.count == 2, case .int(let at) = cursor.values[0], case .string(let id) = cursor.values[1] {
                query += " AND (created_at < \(bind: at) OR (created_at = \(bind: at) AND id < \(bind: id)))"
            }
            query += " ORDER BY created_at DESC, id DESC LIMIT \(literal: limit + 1)"
            let rows = try await sql.raw(query).all()
            let entries = try rows.prefix(limit).map(Self.entry(from:))
            let next = rows.count > limit ? entries.last.map {
                PageCursor(sort: "created_at", direction: "desc", values: [.int($0.createdAt.milliseconds), .string($0.id)]).encoded()
            } : nil
            return Page(items: entries, nextCursor: next)
        }
    }

    /// Removes what is older than each workspace's retention (account entries: the default
    /// retention), a bounded batch at a time so that a large backlog never holds the writer long.
    /// Returns how many went.
    @discardableResult
    public func prune(batch: Int = 5000) async throws -> Int {
        let now = store.now().milliseconds
        let day: Int64 = 86_400_000
        let accountCutoff = now - Int64(Workspace.defaultAuditRetentionDays) * day
        return try await store.database.write(workspace: nil) { sql in
            let rows = try await sql.raw(
                """
                SELECT a.id FROM audit_logs a LEFT JOIN workspaces w ON w.id = a.workspace_id
                WHERE (a.workspace_id = '' AND a.created_at < \(bind: accountCutoff))
                   OR (a.workspace_id <> '' AND w.id IS NULL)
                   OR (w.id IS NOT NULL AND a.created_at < \(bind: now) - w.audit_retention_days * \(bind: day))
                LIMIT \(literal: batch)
                """
            ).all()
            for row in rows {
                try await sql.raw("DELETE FROM audit_logs WHERE id = \(bind: try row.string("id"))").run()
            }
            return rows.count
        }
    }

    static func entry(from row: any SQLRow) throws -> AuditEntry {
        let details = try row.optionalString("details").flatMap { text -> [String: JSONValue]? in
            guard case .object(let fields)? = JSONValue(parsing: Array(text.utf8)) else { return nil }
            return fields
        }
        return AuditEntry(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), userID: try row.optionalString("user_id"),
            actorType: AuditEntry.ActorType(rawValue: try row.string("actor_type")) ?? .system, actorID: try row.string("actor_id"),
            actorName: try row.string("actor_name"), action: try row.string("action"), resourceType: try row.string("resource_type"),
            resourceID: try row.optionalString("resource_id"),
            outcome: AuditEntry.Outcome(rawValue: try row.string("outcome")) ?? .success, details: details ?? [:],
            ipAddress: try row.optionalString("ip_address"), userAgent: try row.optionalString("user_agent"),
            createdAt: try row.date("created_at"))
    }
}
