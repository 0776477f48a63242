import Foundation

public enum ProjectRules {
    public static let maxNameLength = 100
    public static let maxDescriptionLength = 5000
    public static let keyLength = 2...10

    public static func name(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "name", maxLength: maxNameLength)
    }

    public static func description(_ raw: String?) throws -> String? {
        try TextRules.body(raw, field: "description", maxLength: maxDescriptionLength)
    }

    /// The short key in task keys (`WEB` in `WEB-42`): 2–10 upper-case letters and digits, starting
    /// with a letter. Lower case is accepted and upper-cased.
    public static func key(_ raw: String) throws -> String {
        let key = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let valid =
            keyLength.contains(key.count) && key.first.map { $0 >= "A" && $0 <= "Z" } == true
            && key.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }
        guard valid else {
            throw ValidationError(
                field: "key", message: "must be 2–10 letters or digits, starting with a letter (e.g. WEB)")
        }
        return key
    }

    /// A key derived from the name when none is given: the initials of a multi-word name
    /// ("Web Shop" → `WS`), or the first letters of a single word ("Backend" → `BACK`).
    public static func suggestedKey(for name: String) -> String {
        let words = name.split { !$0.isLetter && !$0.isNumber }.map { String($0).uppercased() }
            .filter { $0.first.map { $0 >= "A" && $0 <= "Z" } == true }
        let asciiWords = words.map { $0.filter { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") } }
            .filter { !$0.isEmpty }
        let key: String =
            if asciiWords.count >= 2 { String(asciiWords.prefix(10).compactMap(\.first)) }
            else { String((asciiWords.first ?? "").prefix(4)) }
        return key.count >= 2 ? key : (key + "PRJ").prefix(3).description
    }

    /// Where the project's code lives: an https/http/ssh/git/file URL or scp-like `git@host:path`
    /// (which of these a worker clones is its host's choice; see `RepositoryURL`).
    public static func repositoryURL(_ raw: String?) throws -> String? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try RepositoryURL.parse(raw).text
    }

    /// A git branch name (the subset of `git check-ref-format` rules that matters here).
    public static func branch(_ raw: String, field: String = "default_branch") throws -> String {
        let branch = raw.trimmingCharacters(in: .whitespaces)
        let forbidden: [String] = ["..", "//", "@{", "\\", " ", "~", "^", ":", "?", "*", "["]
        let valid =
            !branch.isEmpty && branch.count <= 100 && !branch.hasPrefix("/") && !branch.hasSuffix("/")
            && !branch.hasPrefix("-") && !branch.hasSuffix(".lock") && !branch.hasSuffix(".")
            && !forbidden.contains { branch.contains($0) }
            && !branch.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard valid else { throw ValidationError(field: field, message: "must be a valid git branch name") }
        return branch
    }
}
