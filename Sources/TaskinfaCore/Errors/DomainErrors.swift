/// A resource that does not exist *for this caller*: also what another workspace's resource looks
/// like, so that ids can't be probed across tenants.
public struct NotFoundError: Error, Equatable, Sendable {
    public var resource: String
    public var id: String

    public init(_ resource: String, id: String) {
        self.resource = resource
        self.id = id
    }
}

/// The request conflicts with the current state (a duplicate key, a non-empty project).
public struct ConflictError: Error, Equatable, Sendable {
    public var message: String
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }
}

/// An `If-Match` version that is no longer current (HTTP 412).
public struct StaleVersionError: Error, Equatable, Sendable {
    public var resource: String
    public var expected: Int
    public var current: Int

    public init(resource: String, expected: Int, current: Int) {
        self.resource = resource
        self.expected = expected
        self.current = current
    }
}

public enum AccessError: Error, Equatable, Sendable {
    /// No valid credentials (HTTP 401).
    case unauthenticated(String)
    /// Known caller, not allowed (HTTP 403).
    case forbidden(action: Action, role: Role)
    /// Known caller, not allowed for a reason other than role (HTTP 403).
    case refused(String)
    /// The password was right; the account also needs its second factor (HTTP 401).
    case secondFactorNeeded(String)
    /// The workspace demands a second factor of its members and this one hasn't enrolled (HTTP 403).
    case secondFactorEnrolmentNeeded
}
