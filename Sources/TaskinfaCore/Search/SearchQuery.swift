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

    /// FTS5 MATCH expression, terms AND-ed: a term found in `words` stands for those whole words, any
    /// of which may match (`("token" OR "tokens")` for `tok`): the same matches as the prefix, but
    /// FTS5 can step through a few words' postings lazily, while a prefix its index doesn't cover
    /// makes it merge every posting of every such word before the first row. A term without
    /// words stays a quoted prefix.
    public func fts5Expression(words: [String: [String]] = [:]) -> String {
        terms.map { term in
            guard let whole = words[term], !whole.isEmpty else { return Self.quoted(term) + "*" }
            if whole.count == 1 { return Self.quoted(whole[0]) }
            return "(" + whole.map(Self.quoted).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
    }

    /// An FTS5 string: the only character that needs escaping inside quotes is the quote itself.
    private static func quoted(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// PostgreSQL `to_tsquery('simple', …)` text: each term a prefix, AND-ed.
    public var tsQuery: String {
        terms.map { "'\($0)':*" }.joined(separator: " & ")
    }
}
