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
        var end: @Sendable () -> Void
    }

    private let store: Store
    private let interval: Duration
    private let logger: Logger
    private var streams: [Int: Open] = [:]
    private var nextID = 0

    init(store: Store, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// The credential of the current request, for a stream of `workspaceID`.
    static func credential(of caller: Caller, workspaceID: String) -> Credential {
        switch caller {
        case .user(_, let session): .session(.init(sessionID: session.id, workspaceID: workspaceID))
        case .apiKey(let found): .apiKey(id: found.key.id)
        }
    }

    /// Registers an open stream; `end` closes it. Returns the ticket to `close` it with.
    func opened(_ credential: Credential, end: @escaping @Sendable () -> Void) -> Int {
        nextID += 1
        streams[nextID] = Open(credential: credential, end: end)
        return nextID
    }

    func closed(_ ticket: Int) {
        streams[ticket] = nil
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
                streams[ticket] = nil
                open.end()
            }
        }
    }
}
