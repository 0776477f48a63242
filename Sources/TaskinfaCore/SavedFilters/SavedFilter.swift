import Foundation

/// A named task filter one person keeps in one workspace.
public struct SavedFilter: Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var userID: String
    public var name: String
    public var filter: TaskFilter
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, workspaceID: String, userID: String, name: String, filter: TaskFilter, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.userID = userID
        self.name = name
        self.filter = filter
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let maxNameLength = 100

    public static func validName(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "name", maxLength: maxNameLength)
    }

    /// A filter as a saved filter holds it: validated, with errors named under `filters.`.
    public static func validFilter(_ filter: TaskFilter) throws -> TaskFilter {
        do {
            return try filter.validated()
        } catch let error as ValidationError {
            throw error.nested(under: "filters")
        }
    }
}
