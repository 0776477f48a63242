import Foundation

/// E-mail addresses are compared case-insensitively and without surrounding spaces, so
/// `Ann@Example.com ` and `ann@example.com` are one account.
public enum Email {
    public static let maxLength = 254

    /// Trims and lower-cases, then checks the shape `local@domain.tld` (no spaces, one `@`).
    public static func normalize(_ raw: String, field: String = "email") throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if email.isEmpty { throw ValidationError(field: field, message: "must not be empty") }
        if email.count > maxLength {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let wellFormed =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !email.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
        guard wellFormed else {
            throw ValidationError(field: field, message: "must be an e-mail address such as name@example.com")
        }
        return email
    }
}
