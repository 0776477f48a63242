import TaskinfaCore

/// Who is making the request, once their credentials have been checked.
enum Caller: Sendable {
    /// A person signed in through the browser.
    case user(User, session: Session)
    /// A script or worker with an API key; it acts inside the key's workspace with `role`. A bot
    /// worker's own key carries the worker's name and acts as the worker.
    case apiKey(APIKey, user: User, role: Role, workerName: String?)

    /// The person behind the request (for a key, the one who created it).
    var user: User {
        switch self {
        case .user(let user, _): user
        case .apiKey(_, let user, _, _): user
        }
    }

    /// How the caller appears in events and as a comment author.
    var actor: Actor {
        if case .apiKey(let key, _, _, let workerName) = self, let workerID = key.workerID {
            return Actor(type: .bot, id: workerID, name: workerName ?? "worker")
        }
        return Actor(type: .user, id: user.id, name: user.name)
    }

    /// The worker this caller is, when it uses a worker's own key.
    var workerID: String? {
        if case .apiKey(let key, _, _, _) = self { return key.workerID }
        return nil
    }

    var session: Session? {
        if case .user(_, let session) = self { return session }
        return nil
    }
}
