import Foundation

/// Rules shared by every free-text field: trimming, length limits counted in characters, and no
/// control characters where a single line is expected.
public enum TextRules {
    /// A required single-line text: trimmed, 1…`maxLength` characters, no control characters.
    public static func line(_ value: String, field: String, maxLength: Int) throws -> String {
        let trimmed = trimmed(value)
        if trimmed.isEmpty { throw ValidationError(field: field, message: "must not be empty") }
        if exceeds(trimmed, maxLength) {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        if trimmed.unicodeScalars.contains(where: isControl) {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
        return trimmed
    }

    /// An optional multi-line text: trimmed; empty becomes nil; at most `maxLength` characters.
    /// Tabs and newlines are kept, other control characters are refused.
    public static func body(_ value: String?, field: String, maxLength: Int) throws -> String? {
        guard let value else { return nil }
        let trimmed = trimmed(value)
        if trimmed.isEmpty { return nil }
        if exceeds(trimmed, maxLength) {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        if trimmed.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            throw ValidationError(field: field, message: "must not contain control characters other than tabs and newlines")
        }
        return trimmed
    }

    /// `value` without leading and trailing white space: what `trimmingCharacters(in:
    /// .whitespacesAndNewlines)` returns, without a trip through NSString for every text of every
    /// request. That set is Unicode's White_Space property plus U+200B ZERO WIDTH SPACE (checked
    /// over every scalar).
    static func trimmed(_ value: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || scalar.value == 0x200B }
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return value }
        return String(scalars[first...last])
    }

    /// Unicode's control characters (general category Cc): C0, DEL and C1, a fixed set, so compared
    /// by value rather than looked up in the character database for every scalar of every text.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether `text` has more than `limit` characters. A character takes at least one UTF-8 byte,
    /// so a text of no more bytes than the limit is within it without counting graphemes.
    static func exceeds(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count > limit && text.count > limit
    }

    /// A required multi-line text (a comment body): like `body` but empty is an error.
    public static func requiredBody(_ value: String, field: String, maxLength: Int) throws -> String {
        guard let text = try body(value, field: field, maxLength: maxLength) else {
            throw ValidationError(field: field, message: "must not be empty")
        }
        return text
    }
}
