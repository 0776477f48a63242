import Foundation

public struct User: Codable, Equatable, Sendable {
    public var id: String
    public var email: String
    public var name: String
    public var createdAt: Date
    public var lastLoginAt: Date?
    /// Signs in with a TOTP code after the password.
    public var twoFactorEnabled: Bool

    public init(id: String, email: String, name: String, createdAt: Date, lastLoginAt: Date?, twoFactorEnabled: Bool = false) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
        self.twoFactorEnabled = twoFactorEnabled
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name
        case createdAt = "created_at"
        case lastLoginAt = "last_login_at"
        case twoFactorEnabled = "two_factor_enabled"
    }

    public static let maxNameLength = 100

    /// Display names are optional at sign-up; the part of the e-mail before `@` stands in.
    public static func name(_ raw: String?, email: String) throws -> String {
        if let raw, !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return try TextRules.line(raw, field: "name", maxLength: maxNameLength)
        }
        return String(email.split(separator: "@").first ?? "user")
    }
}
