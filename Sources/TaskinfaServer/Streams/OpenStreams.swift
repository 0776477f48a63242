import Logging
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// The event and log streams open on this server, each with the credential it was opened with. A
/// stream's credential is checked once, when it opens; this service checks them all again every
/// couple of seconds (two queries for all streams, however many) and ends the streams whose key was
/// revoked or expired, whose session ended, whose member left the workspace, or whose execution is
/// over. Each replica watches its own streams, and the database is the truth for all of them.
actor OpenStreams: Service {
    /// What let a stream in.
    enum Credential: Hashable, Sendable {
        case session(StreamAdmissionRepository.SessionAccess)
        case apiKey(id: String)
    }

    private struct Open {
        var credential: Credential
        /// Whose stream it is: a person (every session of theirs) or an API key.
        var owner: String
        var end: @Sendable () -> Void
    }

    private let store: Store
    private let interval: Duration
    private let logger: Logger
    /// Streams one person or key may hold open on this server at once: a runaway script (or a leaked
    /// key) can't pin the server's memory and connections with thousands of idle streams.
    let perOwnerLimit: Int
    private var streams: [Int: Open] = [:]
    /// How many of `streams` each owner holds (counting them at every admission would cost a scan
    /// of every open stream).
    private var perOwner: [String: Int] = [:]
    private var nextID = 0

    init(store: Store, interval: Duration, logger: Logger, perOwnerLimit: Int = 50) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.perOwnerLimit = perOwnerLimit
    }

    /// Whose a caller's streams are (`Open.owner`).
    static func owner(of caller: Caller) -> String {
        switch caller {
        case .user(let user, _): "user:\(user.id)"
        case .apiKey(let found): "key:\(found.key.id)"
        }
    }

    /// The credential of the current request, for a stream of `workspaceID`.
    static func credential(of caller: Caller, workspaceID: String) -> Credential {
        switch caller {
        case .user(_, let session): .session(.init(sessionID: session.id, workspaceID: workspaceID))
        case .apiKey(let found): .apiKey(id: found.key.id)
        }
    }

    /// Takes a place for a new stream of `owner`: the ticket to `attach` its end to and `close` it
    /// with, or nil when the owner already holds `perOwnerLimit` streams here.
    func admit(_ credential: Credential, owner: String) -> Int? {
        guard perOwner[owner, default: 0] < perOwnerLimit else { return nil }
        nextID += 1
        streams[nextID] = Open(credential: credential, owner: owner, end: {})
        perOwner[owner, default: 0] += 1
        return nextID
    }

    /// How to end the stream of `ticket` (once its producer runs). A stream whose credential was
    /// found revoked between its admission and this call ends at once.
    func attach(_ ticket: Int, end: @escaping @Sendable () -> Void) {
        guard streams[ticket] != nil else { return end() }
        streams[ticket]?.end = end
    }

    /// Admits a stream for the current request's caller, or refuses it with 429.
    func admitCurrent(workspaceID: String) throws -> Int {
        let caller = try Access.caller()
        guard let ticket = admit(Self.credential(of: caller, workspaceID: workspaceID), owner: Self.owner(of: caller)) else {
            let decision = RateLimitDecision(allowed: false, limit: perOwnerLimit, remaining: 0, reset: 5, retryAfter: 5)
            RequestInfo.current.responseNotes?.record(decision)
            throw RateLimitedError(decision, message: "You have \(perOwnerLimit) streams open on this server; close one (a tab) first.")
        }
        return ticket
    }

    func closed(_ ticket: Int) {
        remove(ticket)
    }

    private func remove(_ ticket: Int) {
        guard let open = streams.removeValue(forKey: ticket) else { return }
        perOwner[open.owner, default: 1] -= 1
        if perOwner[open.owner] == 0 { perOwner[open.owner] = nil }
    }

    var count: Int { streams.count }

    func run() async throws {
        let (interval, store, logger) = (self.interval, self.store, self.logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                guard store.database.isPrepared else { continue }
                do {
                    try await self.endRevoked()
                } catch {
                    logger.warning("could not re-check the open streams' credentials", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Ends every stream whose credential would no longer be let in.
    func endRevoked() async throws {
        guard !streams.isEmpty else { return }
        var sessions = Set<StreamAdmissionRepository.SessionAccess>()
        var keys = Set<String>()
        for open in streams.values {
            switch open.credential {
            case .session(let access): sessions.insert(access)
            case .apiKey(let id): keys.insert(id)
            }
        }
        let admitted = sessions.isEmpty ? [] : try await store.streamAdmission.admitted(sessions)
        let usable = keys.isEmpty ? [] : try await store.streamAdmission.usableKeys(keys)
        for (ticket, open) in streams {
            let stillIn: Bool
            switch open.credential {
            case .session(let access): stillIn = admitted.contains(access) || !sessions.contains(access)
            case .apiKey(let id): stillIn = usable.contains(id) || !keys.contains(id)
            }
            if !stillIn {
                remove(ticket)
                open.end()
            }
        }
    }
}
