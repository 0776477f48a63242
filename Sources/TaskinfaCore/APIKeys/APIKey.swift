import Foundation

/// A workspace API key. The secret (`tk_…`) is shown once at creation; the store keeps only its
/// SHA-256 and a preview that lets people recognise it.
public struct APIKey: Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var userID: String
    public var name: String
    public var preview: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// Set for a bot worker's own key: the key acts as that worker.
    public var workerID: String?
    /// Set for the key a worker hands the agent of one execution: it acts as the worker, only on that
    /// execution's task, and only while the execution runs.
    public var executionID: String?
    /// What the key may be used for (see `KeyScope`).
    public var scopes: Set<KeyScope> = [.read, .write]
    /// Where the key may be used from; empty = anywhere.
    public var allowedIPs: [CIDR] = []

    public init(
        id: String, workspaceID: String, userID: String, name: String, preview: String, role: Role,
        createdAt: Date, expiresAt: Date?, lastUsedAt: Date?, revokedAt: Date?, workerID: String? = nil,
        executionID: String? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.userID = userID
        self.name = name
        self.preview = preview
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.workerID = workerID
        self.executionID = executionID
    }

    /// What kind of credential this key is.
    public var principal: Principal {
        if workerID == nil { return .apiKey }
        return executionID == nil ? .worker : .agent
    }

    /// Whether a request from `address` may use the key (nil: an in-process caller with no address,
    /// refused when there is an allowlist).
    public func allows(address: String?) -> Bool {
        allowedIPs.isEmpty || address.map { address in allowedIPs.contains { $0.contains(address) } } ?? false
    }

    public func isUsable(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

public enum APIKeyRules {
    public static let prefix = "tk_"
    public static let maxNameLength = 100
    public static let expiryDays = 1...365
    /// `last_used_at` is written at most this often per key, so a busy key doesn't write per request.
    public static let lastUsedResolution: TimeInterval = 60

    public static func validName(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "name", maxLength: maxNameLength)
    }

    public static func expiry(days: Int?, from now: Date) throws -> Date? {
        guard let days else { return nil }
        guard expiryDays.contains(days) else {
            throw ValidationError(field: "expires_in_days", message: "must be between 1 and 365")
        }
        return now.addingTimeInterval(Double(days) * 86_400)
    }

    /// A new secret: `tk_` and 43 URL-safe characters (258 bits).
    public static func newSecret(_ random: SecureRandom) -> String {
        prefix + random.token(count: 43)
    }

    /// `tk_AbCd…wXyZ`: enough to tell keys apart, far too little to guess one.
    public static func preview(of secret: String) -> String {
        String(secret.prefix(7)) + "…" + String(secret.suffix(4))
    }

    /// Whether a bearer token has the shape of an API key (checked before any hashing or lookup).
    public static func looksLikeKey(_ token: String) -> Bool {
        token.hasPrefix(prefix) && token.count >= 20 && token.count <= 200
    }
}
