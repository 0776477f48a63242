import Foundation

/// A person's verdict on an agent's work in review (the review loop of plan §5.5): approve it, or
/// send it back with comments on lines of its diff. Either way a person decides; an agent never
/// moves its own work to done.
public enum ReviewDecision: String, Sendable, CaseIterable {
    case approve
    case requestChanges = "request_changes"
}

/// One comment on a line of the diff.
public struct ReviewComment: Equatable, Sendable {
    public enum Side: String, Sendable {
        /// A line of the new version (added or context): `line` numbers the new file.
        case new
        /// A removed line: `line` numbers the old file.
        case old
    }

    public var path: String
    public var line: Int
    public var side: Side
    /// The lines around the comment, as the reviewer saw them.
    public var quote: String?
    public var body: String

    public init(path: String, line: Int, side: Side = .new, quote: String? = nil, body: String) {
        self.path = path
        self.line = line
        self.side = side
        self.quote = quote
        self.body = body
    }
}

public struct Review: Equatable, Sendable {
    public var decision: ReviewDecision
    public var summary: String?
    public var comments: [ReviewComment]

    public static let maxComments = 200
    public static let maxQuoteLength = 4000

    public init(decision: ReviewDecision, summary: String?, comments: [ReviewComment]) {
        self.decision = decision
        self.summary = summary
        self.comments = comments
    }

    /// Checks every field; a request for changes must say what to change.
    public func validated() throws -> Review {
        var validator = Validator()
        let summary = validator.check { try TextRules.body(self.summary, field: "summary", maxLength: 20_000) } ?? nil
        if comments.count > Self.maxComments { validator.fail("comments", "must hold at most \(Self.maxComments) comments") }
        if decision == .approve && !comments.isEmpty {
            validator.fail("comments", "line comments go with request_changes; an approval carries at most a summary")
        }
        var checked: [ReviewComment] = []
        for (index, comment) in comments.enumerated() {
            let field = "comments[\(index)]"
            var comment = comment
            if comment.path.isEmpty || comment.path.utf8.count > 1000 { validator.fail("\(field).path", "must be 1 to 1000 bytes") }
            if comment.line < 1 { validator.fail("\(field).line", "must be 1 or more") }
            if let quote = comment.quote, quote.count > Self.maxQuoteLength {
                validator.fail("\(field).quote", "must be at most \(Self.maxQuoteLength) characters")
            }
            if let body = validator.check({ try TextRules.requiredBody(comment.body, field: "\(field).body", maxLength: 5000) }) {
                comment.body = body
            }
            checked.append(comment)
        }
        if decision == .requestChanges && comments.isEmpty && summary == nil {
            validator.fail("comments", "say what to change: at least one line comment or a summary")
        }
        try validator.throwIfInvalid()
        return Review(decision: decision, summary: summary, comments: checked)
    }

    /// The message the review posts on the task (markdown): for changes, what the next execution's
    /// prompt carries to the agent — each comment with its file, line and the quoted lines.
    public var message: String? {
        switch decision {
        case .approve:
            return summary.map { "Approved.\n\n\($0)" }
        case .requestChanges:
            var parts = ["**Changes requested.**"]
            if let summary { parts.append(summary) }
            for comment in comments {
                var part = "**\(comment.path)**, \(comment.side == .old ? "removed line" : "line") \(comment.line):"
                if let quote = comment.quote, !quote.isEmpty {
                    let fence = Self.fence(for: quote)
                    part += "\n\(fence)diff\n\(quote)\n\(fence)"
                }
                part += "\n\(comment.body)"
                parts.append(part)
            }
            return parts.joined(separator: "\n\n")
        }
    }

    /// A code fence longer than any run of backticks in the text, so quoted code can't close it.
    static func fence(for text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}
