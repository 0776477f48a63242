import Foundation

public struct Workspace: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, description: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public static let maxNameLength = 100
    public static let maxDescriptionLength = 2000

    public static func validName(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "name", maxLength: maxNameLength)
    }

    /// The workspace every new account starts with.
    public static func personalName(for userName: String) -> String {
        String("\(userName)'s workspace".prefix(maxNameLength))
    }
}

/// A workspace as one member sees it: with the member's role.
public struct WorkspaceMembership: Equatable, Sendable {
    public var workspace: Workspace
    public var role: Role

    public init(workspace: Workspace, role: Role) {
        self.workspace = workspace
        self.role = role
    }
}

/// A workspace's member, for member lists and assignee pickers.
public struct Member: Equatable, Sendable {
    public var user: User
    public var role: Role
    public var joinedAt: Date

    public init(user: User, role: Role, joinedAt: Date) {
        self.user = user
        self.role = role
        self.joinedAt = joinedAt
    }
}
