import Foundation

/// A full-text query as people type it, turned into the words both search engines see.
/// Every word is a prefix match and all words must match: `auth tok` finds "Auth token refresh".
public struct SearchQuery: Equatable, Sendable {
    public static let maxLength = 200
    public static let maxTerms = 12

    /// The text as given (trimmed).
    public var text: String
    /// Lower-cased words: runs of letters and digits, exactly what FTS5's unicode61 tokenizer and
    /// PostgreSQL's `simple` configuration index, so operators and quotes can't reach either engine.
    public var terms: [String]

    public init(_ raw: String, field: String = "q") throws {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > Self.maxLength {
            throw ValidationError(field: field, message: "must be at most \(Self.maxLength) characters")
        }
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        if words.isEmpty { throw ValidationError(field: field, message: "must contain at least one word") }
        self.text = text
        self.terms = Array(words.prefix(Self.maxTerms))
    }

    /// FTS5 MATCH expression: each term a quoted prefix, implicitly AND-ed.
    public var fts5Expression: String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// PostgreSQL `to_tsquery('simple', …)` text: each term a prefix, AND-ed.
    public var tsQuery: String {
        terms.map { "'\($0)':*" }.joined(separator: " & ")
    }
}
