import Foundation

/// Where a project's code lives, read the way git will read it. The URL reaches `git clone` on a
/// worker's machine, so anything git could take for an option (`-u…`, a host `-oProxyCommand=…`) or
/// for a transport helper (`ext::sh -c …`) is refused here, before it is stored or used.
public struct RepositoryURL: Equatable, Sendable {
    public enum Transport: String, Sendable {
        case https
        /// `ssh://…` or scp-like `git@host:path`.
        case ssh
        /// Plain, unauthenticated transports: anyone on the way can change what is fetched.
        case http
        case git
        /// `file://…`: a repository on the worker's own disk.
        case local
    }

    public let text: String
    public let transport: Transport

    public static let maxLength = 500

    /// Reads a URL git accepts, naming `field` in the error.
    public static func parse(_ raw: String, field: String = "repository_url") throws -> RepositoryURL {
        let url = raw.trimmingCharacters(in: .whitespaces)
        let refuse = { (message: String) in ValidationError(field: field, message: message) }
        if url.count > maxLength { throw refuse("must be at most \(maxLength) characters") }
        if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw refuse("must not contain spaces or control characters")
        }
        if url.hasPrefix("-") { throw refuse("must not start with '-' (git would read it as an option)") }
        let lower = url.lowercased()
        let schemes: [(String, Transport)] = [
            ("https://", .https), ("ssh://", .ssh), ("http://", .http), ("git://", .git), ("file://", .local),
        ]
        if let (scheme, transport) = schemes.first(where: { lower.hasPrefix($0.0) }) {
            let rest = url.dropFirst(scheme.count)
            if transport == .local {
                guard rest.hasPrefix("/"), rest.count > 1 else { throw refuse("must be file:// followed by an absolute path") }
                return RepositoryURL(text: url, transport: .local)
            }
            let authority = rest.prefix { $0 != "/" }
            let host = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let user = authority.contains("@") ? String(authority.prefix { $0 != "@" }) : ""
            guard !host.isEmpty, rest.count > authority.count + 1 else { throw refuse("must name a host and a path") }
            if host.hasPrefix("-") || user.hasPrefix("-") || host.hasPrefix("[-") {
                throw refuse("must not have a host or user starting with '-'")
            }
            return RepositoryURL(text: url, transport: transport)
        }
        // scp-like `user@host:path`: no scheme, a colon before any slash.
        guard !url.contains("::"), let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") else {
            throw refuse("must be a git URL (https://, ssh://, git://, file:// or user@host:path)")
        }
        let authority = url[..<colon]
        let host = authority.split(separator: "@").last.map(String.init) ?? ""
        let path = url[url.index(after: colon)...]
        guard !host.isEmpty, !path.isEmpty, authority.filter({ $0 == "@" }).count == 1, !authority.hasPrefix("@"),
            authority.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) })
        else { throw refuse("must be a git URL (https://, ssh://, git://, file:// or user@host:path)") }
        if host.hasPrefix("-") || path.hasPrefix("-") { throw refuse("must not have a host or path starting with '-'") }
        return RepositoryURL(text: url, transport: .ssh)
    }
}
