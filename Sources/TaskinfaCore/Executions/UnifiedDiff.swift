import Foundation

/// Reads `git diff` output into files, hunks and numbered lines, so that a reviewer's comment can
/// name a file and a line of the new version, and the page never parses a patch itself.
///
/// Paths git had to quote (`core.quotePath`: tabs, newlines, quotes, bytes past ASCII) are
/// unquoted; a file git calls binary has no hunks. Anything unexpected is kept as a note line
/// rather than dropped, so nothing the agent changed is hidden by a parse.
public enum UnifiedDiff {
    public struct File: Equatable, Sendable {
        public enum Change: String, Sendable {
            case added, modified, deleted, renamed
        }

        public var path: String
        public var oldPath: String?
        public var change: Change
        public var additions = 0
        public var deletions = 0
        public var binary = false
        public var hunks: [Hunk] = []
    }

    public struct Hunk: Equatable, Sendable {
        public var header: String
        public var lines: [Line] = []
    }

    public struct Line: Equatable, Sendable {
        public enum Kind: String, Sendable {
            case context, added, removed, note
        }

        public var kind: Kind
        public var text: String
        public var oldLine: Int?
        public var newLine: Int?
    }

    public static func parse(_ patch: String) -> [File] {
        var files: [File] = []
        var current: File?
        var oldNumber = 0
        var newNumber = 0
        func finish() {
            if let file = current { files.append(file) }
            current = nil
        }
        for raw in patch.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            if line.hasPrefix("diff --git ") {
                finish()
                let (old, new) = headerPaths(String(line.dropFirst("diff --git ".count)))
                current = File(path: new ?? old ?? "", oldPath: nil, change: .modified)
                if let old, let new, old != new { current?.oldPath = old }
                continue
            }
            guard var file = current else { continue }
            defer { current = file }
            if let hunk = file.hunks.indices.last, !line.hasPrefix("@@") {
                switch line.first {
                case " ":
                    oldNumber += 1
                    newNumber += 1
                    file.hunks[hunk].lines.append(Line(kind: .context, text: String(line.dropFirst()), oldLine: oldNumber, newLine: newNumber))
                    continue
                case "+":
                    newNumber += 1
                    file.additions += 1
                    file.hunks[hunk].lines.append(Line(kind: .added, text: String(line.dropFirst()), oldLine: nil, newLine: newNumber))
                    continue
                case "-":
                    oldNumber += 1
                    file.deletions += 1
                    file.hunks[hunk].lines.append(Line(kind: .removed, text: String(line.dropFirst()), oldLine: oldNumber, newLine: nil))
                    continue
                case "\\":
                    file.hunks[hunk].lines.append(Line(kind: .note, text: String(line.dropFirst(2)), oldLine: nil, newLine: nil))
                    continue
                case nil:
                    // A blank line inside a hunk is a context line whose leading space got lost.
                    continue
                default:
                    break
                }
            }
            if line.hasPrefix("@@") {
                let (old, new) = hunkStarts(line)
                oldNumber = old - 1
                newNumber = new - 1
                file.hunks.append(Hunk(header: String(line)))
            } else if line.hasPrefix("new file mode") {
                file.change = .added
            } else if line.hasPrefix("deleted file mode") {
                file.change = .deleted
            } else if line.hasPrefix("rename from ") {
                file.oldPath = unquote(String(line.dropFirst("rename from ".count)))
                file.change = .renamed
            } else if line.hasPrefix("rename to ") {
                file.path = unquote(String(line.dropFirst("rename to ".count)))
                file.change = .renamed
            } else if line.hasPrefix("--- ") {
                let path = String(line.dropFirst(4))
                if path != "/dev/null" { file.oldPath = file.oldPath ?? strip(unquote(path)) }
            } else if line.hasPrefix("+++ ") {
                let path = String(line.dropFirst(4))
                if path != "/dev/null" { file.path = strip(unquote(path)) }
            } else if line.hasPrefix("Binary files ") || line.hasPrefix("GIT binary patch") {
                file.binary = true
            }
        }
        finish()
        for index in files.indices where files[index].oldPath == files[index].path {
            files[index].oldPath = nil
        }
        return files
    }

    /// The two paths of `diff --git a/x b/y`. Quoted paths are exact; unquoted ones with spaces are
    /// ambiguous, and the split that makes both halves equal (no rename) wins — a rename has its
    /// own `rename from/to` lines anyway.
    static func headerPaths(_ text: String) -> (String?, String?) {
        if text.hasPrefix("\"") {
            let (first, rest) = quotedPrefix(text)
            let second = rest.hasPrefix("\"") ? quotedPrefix(rest).0 : rest
            return (strip(first), strip(second))
        }
        let parts = text.components(separatedBy: " b/")
        if parts.count == 2 { return (strip(parts[0]), parts[1]) }
        let half = (text.count - 1) / 2
        let first = String(text.prefix(half))
        let second = String(text.suffix(text.count - half - 1))
        if strip(first) == strip(second) { return (strip(first), strip(second)) }
        return (strip(parts.first ?? text), parts.count > 1 ? parts.dropFirst().joined(separator: " b/") : nil)
    }

    private static func quotedPrefix(_ text: String) -> (String, String) {
        var escaped = false
        var end = text.index(after: text.startIndex)
        while end < text.endIndex {
            let character = text[end]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            }
            end = text.index(after: end)
        }
        let closing = end < text.endIndex ? text.index(after: end) : end
        let quoted = String(text[text.startIndex..<closing])
        return (unquote(quoted), String(text[closing...]).trimmingLeadingSpace())
    }

    /// Drops git's `a/` or `b/` prefix.
    private static func strip(_ path: String) -> String {
        path.hasPrefix("a/") || path.hasPrefix("b/") ? String(path.dropFirst(2)) : path
    }

    private static func hunkStarts(_ header: Substring) -> (Int, Int) {
        // @@ -12,7 +12,9 @@ optional section
        let fields = header.split(separator: " ")
        func start(_ field: Substring?) -> Int {
            guard let field else { return 1 }
            let number = field.dropFirst().split(separator: ",").first.flatMap { Int($0) } ?? 1
            return max(number, 1)
        }
        let old = fields.first { $0.hasPrefix("-") }
        let new = fields.first { $0.hasPrefix("+") }
        // A side that starts at 0 (a new or deleted file) has no lines before its first one.
        return (old.map { start($0) } ?? 1, new.map { start($0) } ?? 1)
    }

    /// Undoes git's C-style quoting: `"a/tab\there"`, octal escapes for bytes past ASCII.
    public static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8.dropFirst().dropLast()).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\"), let next = iterator.next() else {
                bytes.append(byte)
                continue
            }
            switch next {
            case UInt8(ascii: "n"): bytes.append(10)
            case UInt8(ascii: "t"): bytes.append(9)
            case UInt8(ascii: "r"): bytes.append(13)
            case UInt8(ascii: "a"): bytes.append(7)
            case UInt8(ascii: "b"): bytes.append(8)
            case UInt8(ascii: "f"): bytes.append(12)
            case UInt8(ascii: "v"): bytes.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(next - UInt8(ascii: "0"))
                for _ in 0..<2 {
                    guard let digit = iterator.next() else { break }
                    value = value * 8 + Int(digit &- UInt8(ascii: "0"))
                }
                bytes.append(UInt8(truncatingIfNeeded: value))
            default: bytes.append(next)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingLeadingSpace() -> String {
        String(drop { $0 == " " })
    }
}
