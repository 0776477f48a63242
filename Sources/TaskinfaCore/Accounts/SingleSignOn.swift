import Foundation

/// The rules of signing in through an OpenID Connect provider (Core 1.0 §3.1.3.7): which ID
/// tokens are accepted, and who joins which workspace by the domain of a verified e-mail address.
public enum SingleSignOnRules {
    /// How long a sign-in may take between leaving for the provider and coming back.
    public static let stateLifetime: TimeInterval = 600
    /// Clocks of the provider and this server may disagree this much.
    public static let clockSkew: TimeInterval = 60
    public static let maxDomains = 20

    /// The claims of an ID token this server reads.
    public struct Claims: Equatable, Sendable {
        public var issuer: String
        public var subject: String
        public var audiences: [String]
        public var authorizedParty: String?
        public var expires: Date
        public var issuedAt: Date?
        public var nonce: String?
        public var email: String?
        public var emailVerified: Bool
        public var name: String?

        public init(
            issuer: String, subject: String, audiences: [String], authorizedParty: String? = nil, expires: Date, issuedAt: Date? = nil,
            nonce: String?, email: String?, emailVerified: Bool, name: String?
        ) {
            self.issuer = issuer
            self.subject = subject
            self.audiences = audiences
            self.authorizedParty = authorizedParty
            self.expires = expires
            self.issuedAt = issuedAt
            self.nonce = nonce
            self.email = email
            self.emailVerified = emailVerified
            self.name = name
        }
    }

    public struct Rejected: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Throws unless the token was issued by `issuer` for `clientID`, is current, and carries the
    /// nonce this sign-in sent (so a token captured from another sign-in can't be replayed here).
    public static func check(_ claims: Claims, issuer: String, clientID: String, nonce: String, now: Date) throws {
        guard normalizedIssuer(claims.issuer) == normalizedIssuer(issuer) else { throw Rejected(reason: "issued by \(claims.issuer), not \(issuer)") }
        guard !claims.subject.isEmpty else { throw Rejected(reason: "no subject") }
        guard claims.audiences.contains(clientID) else { throw Rejected(reason: "not issued for this client") }
        if claims.audiences.count > 1, claims.authorizedParty != clientID { throw Rejected(reason: "issued for several clients, not authorised for this one") }
        guard claims.expires.addingTimeInterval(clockSkew) > now else { throw Rejected(reason: "expired") }
        if let issued = claims.issuedAt, issued.addingTimeInterval(-clockSkew) > now { throw Rejected(reason: "issued in the future") }
        guard let sent = claims.nonce, sent == nonce else { throw Rejected(reason: "its nonce is not this sign-in's") }
    }

    /// `https://id.example.com/` and `https://id.example.com` are one issuer.
    public static func normalizedIssuer(_ issuer: String) -> String {
        issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    }

    /// The domain part of an address, lower-cased.
    public static func domain(of email: String) -> String? {
        guard let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : domain
    }

    /// A workspace's list of domains: lower-cased, without duplicates, each a plain host name.
    public static func domains(_ raw: [String], field: String = "sso_domains") throws -> [String] {
        guard raw.count <= maxDomains else { throw ValidationError(field: field, message: "must name at most \(maxDomains) domains") }
        var seen: [String] = []
        for item in raw {
            let domain = item.trimmingCharacters(in: .whitespaces).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@"))
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard domain.count <= 253, labels.count >= 2,
                labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } })
            else { throw ValidationError(field: field, message: "\(item) is not a domain like example.com") }
            if !seen.contains(domain) { seen.append(domain) }
        }
        return seen
    }

    /// The role people joining by domain get: anything but owner.
    public static func joinRole(_ role: Role, field: String = "sso_role") throws -> Role {
        guard role != .owner else { throw ValidationError(field: field, message: "can't be owner; make someone owner from the members page") }
        return role
    }
}
