import Foundation

/// Rules shared by every free-text field: trimming, length limits counted in characters, and no
/// control characters where a single line is expected.
public enum TextRules {
    /// A required single-line text: trimmed, 1…`maxLength` characters, no control characters.
    public static func line(_ value: String, field: String, maxLength: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw ValidationError(field: field, message: "must not be empty") }
        if trimmed.count > maxLength {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
        return trimmed
    }

    /// An optional multi-line text: trimmed; empty becomes nil; at most `maxLength` characters.
    /// Tabs and newlines are kept, other control characters are refused.
    public static func body(_ value: String?, field: String, maxLength: Int) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.count > maxLength {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            throw ValidationError(field: field, message: "must not contain control characters other than tabs and newlines")
        }
        return trimmed
    }

    /// A required multi-line text (a comment body): like `body` but empty is an error.
    public static func requiredBody(_ value: String, field: String, maxLength: Int) throws -> String {
        guard let text = try body(value, field: field, maxLength: maxLength) else {
            throw ValidationError(field: field, message: "must not be empty")
        }
        return text
    }
}
