import Foundation

public struct Workspace: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Members must sign in with a second factor; those without one are asked to enrol before
    /// anything else in this workspace.
    public var requireTwoFactor: Bool
    /// Days audit-log entries are kept before the pruner removes them.
    public var auditRetentionDays: Int
    /// People signing in through single sign-on with a verified address at one of these domains
    /// join this workspace, with `ssoRole`.
    public var ssoDomains: [String]
    public var ssoRole: Role

    public init(
        id: String, name: String, description: String?, createdAt: Date, updatedAt: Date, requireTwoFactor: Bool = false,
        auditRetentionDays: Int = Workspace.defaultAuditRetentionDays, ssoDomains: [String] = [], ssoRole: Role = .member
    ) {
        self.ssoDomains = ssoDomains
        self.ssoRole = ssoRole
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.requireTwoFactor = requireTwoFactor
        self.auditRetentionDays = auditRetentionDays
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case requireTwoFactor = "require_two_factor"
        case auditRetentionDays = "audit_retention_days"
        case ssoDomains = "sso_domains"
        case ssoRole = "sso_role"
    }

    public static let defaultAuditRetentionDays = 365
    public static let auditRetentionRange = 7...3650

    public static func validAuditRetention(_ days: Int) throws -> Int {
        guard auditRetentionRange.contains(days) else {
            throw ValidationError(field: "audit_retention_days", message: "must be between 7 and 3650 days")
        }
        return days
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
