import TaskinfaCore

/// Who is making the request, once their credentials have been checked.
enum Caller: Sendable {
    /// A person signed in through the browser.
    case user(User, session: Session)
    /// A script or worker with an API key; it acts inside the key's workspace with `role`.
    case apiKey(APIKey, user: User, role: Role)

    /// The person behind the request (for a key, the one who created it).
    var user: User {
        switch self {
        case .user(let user, _): user
        case .apiKey(_, let user, _): user
        }
    }

    /// How the caller appears in events and as a comment author.
    var actor: Actor {
        Actor(type: .user, id: user.id, name: user.name)
    }

    var session: Session? {
        if case .user(_, let session) = self { return session }
        return nil
    }
}
