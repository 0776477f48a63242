import Foundation

/// The one line an agent prints to say how it ended a loop (the generic executor contract):
/// `TASKINFA_STATUS: complete [summary]` or `TASKINFA_STATUS: blocked <reason>`.
public enum StatusLine: Equatable, Sendable {
    case complete(summary: String?)
    case blocked(reason: String)

    public static let marker = "TASKINFA_STATUS:"

    /// Finds the status in one line of output (also inside JSON-escaped text, as stream-json CLIs print it).
    public static func parse(_ line: String) -> StatusLine? {
        guard let range = line.range(of: marker) else { return nil }
        var rest = String(line[range.upperBound...])
        // In a JSON string the line ends at an escaped newline or the closing quote.
        for terminator in ["\\n", "\""] {
            if let end = rest.range(of: terminator) { rest = String(rest[..<end.lowerBound]) }
        }
        rest = rest.trimmingCharacters(in: .whitespaces)
        let word = rest.prefix { !$0.isWhitespace }.lowercased()
        let detail = rest.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        switch word {
        case "complete", "completed", "done":
            return .complete(summary: detail.isEmpty ? nil : detail)
        case "blocked":
            return .blocked(reason: detail.isEmpty ? "the agent gave no reason" : detail)
        default:
            return nil
        }
    }
}
