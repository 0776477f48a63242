import Foundation
import SQLKit
import TaskinfaCore

/// Saved task filters: each belongs to one person in one workspace and only they see it.
public struct SavedFilterRepository: Sendable {
    let store: Store

    public func list(_ scope: WorkspaceScope) async throws -> [SavedFilter] {
        try scope.require(.manageOwnSavedFilters)
        return try await store.database.read { sql in
            try await sql.raw(
                """
                SELECT * FROM saved_filters WHERE workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: scope.userID)
                ORDER BY name, id
                """
            ).all().map(Self.filter(from:))
        }
    }

    public func workspaceOf(filterID: String) async throws -> String? {
        try await store.database.read { sql in
            try await sql.raw("SELECT workspace_id FROM saved_filters WHERE id = \(bind: filterID)").first()?
                .string("workspace_id")
        }
    }

    public func create(_ scope: WorkspaceScope, name: String, filter: TaskFilter) async throws -> SavedFilter {
        try scope.require(.manageOwnSavedFilters)
        let now = store.now()
        let saved = SavedFilter(
            id: store.random.id(.savedFilter), workspaceID: scope.workspaceID, userID: scope.userID, name: name,
            filter: filter, createdAt: now, updatedAt: now)
        let json = try Self.json(filter)
        try await store.database.write(workspace: nil) { sql in
            try await sql.raw(
                """
                INSERT INTO saved_filters (id, workspace_id, user_id, name, filters, created_at, updated_at)
                VALUES (\(bind: saved.id), \(bind: saved.workspaceID), \(bind: saved.userID), \(bind: name), \(bind: json),
                        \(bind: now.milliseconds), \(bind: now.milliseconds))
                """
            ).run()
        }
        return saved
    }

    public func update(_ scope: WorkspaceScope, id: String, name: String?, filter: TaskFilter?) async throws -> SavedFilter {
        try scope.require(.manageOwnSavedFilters)
        let now = store.now()
        let json = try filter.map(Self.json)
        return try await store.database.write(workspace: nil) { sql in
            var saved = try await Self.load(id, scope: scope, on: sql)
            if let name { saved.name = name }
            if let filter { saved.filter = filter }
            saved.updatedAt = now
            try await sql.raw(
                """
                UPDATE saved_filters SET name = \(bind: saved.name), filters = \(bind: json ?? Self.json(saved.filter)),
                       updated_at = \(bind: now.milliseconds)
                WHERE id = \(bind: id)
                """
            ).run()
            return saved
        }
    }

    public func delete(_ scope: WorkspaceScope, id: String) async throws {
        try scope.require(.manageOwnSavedFilters)
        try await store.database.write(workspace: nil) { sql in
            _ = try await Self.load(id, scope: scope, on: sql)
            try await sql.raw("DELETE FROM saved_filters WHERE id = \(bind: id)").run()
        }
    }

    private static func load(_ id: String, scope: WorkspaceScope, on sql: any SQLDatabase) async throws -> SavedFilter {
        guard
            let row = try await sql.raw(
                """
                SELECT * FROM saved_filters
                WHERE id = \(bind: id) AND workspace_id = \(bind: scope.workspaceID) AND user_id = \(bind: scope.userID)
                """
            ).first()
        else { throw NotFoundError("saved_filter", id: id) }
        return try filter(from: row)
    }

    private static func json(_ filter: TaskFilter) throws -> String {
        String(decoding: try JSONEncoder.taskinfa.encode(filter), as: UTF8.self)
    }

    static func filter(from row: any SQLRow) throws -> SavedFilter {
        SavedFilter(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), userID: try row.string("user_id"),
            name: try row.string("name"),
            filter: try JSONDecoder.taskinfa.decode(TaskFilter.self, from: Data(try row.string("filters").utf8)),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
