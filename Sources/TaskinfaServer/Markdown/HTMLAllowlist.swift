import Foundation

/// Rebuilds HTML from an allowlist: known formatting tags only, each with only the attributes it
/// needs, links only to http(s) and mailto. Anything else that looks like a tag is escaped and
/// shows as text. Text between tags is kept as it is, except that a stray `<` or `>` is escaped.
enum HTMLAllowlist {
    static let tags: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    ]
    static let linkSchemes = ["http://", "https://", "mailto:"]

    static func sanitise(_ html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count + 32)
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            output += escapeStray(rest[..<open])
            rest = rest[open...]
            if let (tag, after) = parseTag(rest), let rebuilt = rebuild(tag) {
                output += rebuilt
                rest = after
            } else {
                output += "&lt;"
                rest = rest.dropFirst()
            }
        }
        output += escapeStray(rest)
        return output
    }

    /// Text for an HTML text node or a double-quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    struct Tag {
        var name: String
        var closing: Bool
        var attributes: [(name: String, value: String)]
    }

    private static func rebuild(_ tag: Tag) -> String? {
        guard tags.contains(tag.name) else { return nil }
        if tag.closing { return "</\(tag.name)>" }
        var text = "<" + tag.name
        for (name, value) in tag.attributes {
            switch (tag.name, name) {
            case ("a", "href"):
                guard let target = safeLink(value) else { continue }
                text += " href=\"\(escape(target))\" rel=\"noopener noreferrer nofollow\""
            case ("code", "class") where value.hasPrefix("language-")
                && value.dropFirst(9).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" }):
                text += " class=\"\(value)\""
            case ("ol", "start") where Int(value) != nil:
                text += " start=\"\(Int(value)!)\""
            default:
                continue
            }
        }
        return text + ">"
    }

    /// The link target if it is http(s) or mailto. Entities and control characters are resolved
    /// first, so `jav&#x61;script:` or `java\tscript:` can't pass as something else.
    static func safeLink(_ raw: String) -> String? {
        let decoded = decodeEntities(raw).filter { !$0.isWhitespace && !($0.asciiValue.map { $0 < 0x20 } ?? false) }
        let lowered = decoded.lowercased()
        guard linkSchemes.contains(where: { lowered.hasPrefix($0) }) else { return nil }
        return decoded
    }

    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";") else {
                output += "&"
                rest = rest.dropFirst()
                continue
            }
            let entity = rest[rest.index(after: rest.startIndex)..<semicolon].lowercased()
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n"]
            var scalar: Unicode.Scalar?
            if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
            else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            if let scalar { output.unicodeScalars.append(scalar) }
            else if let value = named[entity] { output += value }
            else { output += rest[...semicolon] }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    /// `<name attr="v" attr='v' attr=v attr>` or `</name>` at the start of `text`.
    static func parseTag(_ text: Substring) -> (Tag, Substring)? {
        var rest = text.dropFirst()
        let closing = rest.first == "/"
        if closing { rest = rest.dropFirst() }
        let name = rest.prefix { $0.isLetter || $0.isNumber }
        guard let first = name.first, first.isLetter else { return nil }
        rest = rest.dropFirst(name.count)
        var attributes: [(String, String)] = []
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard let next = rest.first else { return nil }
            if next == ">" { break }
            if next == "/" && rest.dropFirst().first == ">" { rest = rest.dropFirst(); break }
            let attribute = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != ">" && $0 != "/" && $0 != "\"" && $0 != "'" && $0 != "<" }
            guard !attribute.isEmpty else { return nil }
            rest = rest.dropFirst(attribute.count).drop { $0.isWhitespace }
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    rest = rest.dropFirst()
                    guard let end = rest.firstIndex(of: quote) else { return nil }
                    value = String(rest[..<end])
                    rest = rest[rest.index(after: end)...]
                } else {
                    let bare = rest.prefix { !$0.isWhitespace && $0 != ">" }
                    value = String(bare)
                    rest = rest.dropFirst(bare.count)
                }
            }
            attributes.append((attribute.lowercased(), value))
        }
        return (Tag(name: name.lowercased(), closing: closing, attributes: attributes), rest.dropFirst())
    }

    private static func escapeStray(_ text: Substring) -> String {
        text.contains(">") || text.contains("<") ? text.replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "<", with: "&lt;") : String(text)
    }
}
