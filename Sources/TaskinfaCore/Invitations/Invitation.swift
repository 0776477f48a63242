import Foundation

/// An invitation to join a workspace with a role, sent to one e-mail address (plan §5.1). Its
/// link carries a single-use token; only the token's hash is stored.
public struct Invitation: Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var email: String
    public var role: Role
    public var invitedBy: String
    public var inviterName: String
    public var createdAt: Date
    /// Moved forward by a resend, which also replaces the token.
    public var expiresAt: Date
    public var sentCount: Int
    public var acceptedAt: Date?
    public var revokedAt: Date?
    /// How its latest e-mail fared; nil when no mail server is configured (the link is copied by hand).
    public var delivery: MailDelivery?

    public init(
        id: String, workspaceID: String, email: String, role: Role, invitedBy: String, inviterName: String, createdAt: Date,
        expiresAt: Date, sentCount: Int = 1, acceptedAt: Date? = nil, revokedAt: Date? = nil, delivery: MailDelivery? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.role = role
        self.invitedBy = invitedBy
        self.inviterName = inviterName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.sentCount = sentCount
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
        self.delivery = delivery
    }

    public enum State: String, Sendable, CaseIterable {
        case pending, expired, accepted, revoked
    }

    public func state(at now: Date) -> State {
        if acceptedAt != nil { return .accepted }
        if revokedAt != nil { return .revoked }
        return now < expiresAt ? .pending : .expired
    }
}

/// What an invitation may say and who may accept it.
public enum InvitationRules {
    /// How long a link stays valid after it was (re)sent.
    public static let validity: TimeInterval = 7 * 86_400

    /// Admins invite up to admin; only an owner hands out ownership (the rule of changing a role).
    public static func checkRole(_ role: Role, invitedBy inviter: Role) throws {
        if role == .owner && inviter != .owner {
            throw AccessError.refused("only an owner can invite someone as owner")
        }
    }

    /// Whether this invitation can be accepted now by the person signed in as `email` (nil: nobody
    /// is signed in and an account is made from the invitation). The link proves its holder reads
    /// the invited address, so a signed-in person must be that address: a forwarded link lets no
    /// one else in.
    public static func checkAcceptance(_ invitation: Invitation, at now: Date, signedInAs email: String?) throws {
        switch invitation.state(at: now) {
        case .pending: break
        case .expired:
            throw ConflictError("this invitation has expired; ask for a new one", field: "token")
        case .accepted, .revoked:
            throw NotFoundError("invitation", id: "this link")
        }
        if let email, email != invitation.email {
            throw AccessError.refused(
                "this invitation is for \(masked(invitation.email)); sign in with that address to accept it")
        }
    }

    /// `ann@example.com` → `a••@example.com`: enough for its owner to recognise, not to harvest.
    public static func masked(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@"), let first = email.first else { return "another address" }
        return "\(first)••\(email[at...])"
    }
}
