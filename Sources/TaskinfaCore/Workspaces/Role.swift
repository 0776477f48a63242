/// A member's role in a workspace (plan §5.2). Ordered: each role can do what the ones below it can.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case viewer
    case member
    case admin
    case owner

    var rank: Int {
        switch self {
        case .viewer: 0
        case .member: 1
        case .admin: 2
        case .owner: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    public static func parse(_ raw: String, field: String = "role") throws -> Role {
        guard let role = Role(rawValue: raw) else {
            throw ValidationError(field: field, message: "must be one of owner, admin, member, viewer")
        }
        return role
    }
}
