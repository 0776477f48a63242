import TaskinfaCore
import TaskinfaStore

/// Who is making the request, once their credentials have been checked.
enum Caller: Sendable {
    /// A person signed in through the browser.
    case user(User, session: Session)
    /// A script, a worker or an agent with an API key; it acts inside the key's workspace with the
    /// key's role. A worker's keys carry the worker's name and act as the worker.
    case apiKey(APIKeyRepository.Authenticated)

    /// The person behind the request (for a key, the one who created it).
    var user: User {
        switch self {
        case .user(let user, _): user
        case .apiKey(let found): found.user
        }
    }

    /// What kind of credential the request came with.
    var principal: Principal {
        switch self {
        case .user: .person
        case .apiKey(let found): found.key.principal
        }
    }

    /// How the caller appears in events and as a comment author.
    var actor: Actor {
        if case .apiKey(let found) = self, let workerID = found.key.workerID {
            return Actor(type: .bot, id: workerID, name: found.workerName ?? "worker")
        }
        return Actor(type: .user, id: user.id, name: user.name)
    }

    /// The worker this caller is, when it uses one of a worker's keys.
    var workerID: String? {
        if case .apiKey(let found) = self { return found.key.workerID }
        return nil
    }

    var session: Session? {
        if case .user(_, let session) = self { return session }
        return nil
    }
}
