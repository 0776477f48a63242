import Foundation

/// A signed-in browser. Only the SHA-256 of its token is stored, so a database leak yields no
/// usable cookie.
public struct Session: Codable, Equatable, Sendable {
    public var id: String
    public var userID: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var ipAddress: String?
    public var userAgent: String?

    public init(
        id: String, userID: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date, ipAddress: String?,
        userAgent: String?
    ) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }
}

/// How long sessions live. Expiry slides: each use pushes it out again, but the row is rewritten
/// at most once per `renewalInterval` so that reads don't turn into writes.
public struct SessionPolicy: Sendable, Equatable {
    public var idleLifetime: TimeInterval
    public var renewalInterval: TimeInterval

    public init(idleLifetime: TimeInterval = 14 * 24 * 3600, renewalInterval: TimeInterval = 300) {
        self.idleLifetime = idleLifetime
        self.renewalInterval = renewalInterval
    }

    public func expiry(from now: Date) -> Date {
        now.addingTimeInterval(idleLifetime)
    }

    public func isExpired(_ session: Session, now: Date) -> Bool {
        session.expiresAt <= now
    }

    public func needsRenewal(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) >= renewalInterval
    }
}
