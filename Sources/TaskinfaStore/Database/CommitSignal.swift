import Synchronization

/// Tells listeners which workspaces just committed new events. It carries no data: listeners read
/// the events table, which stays the only source of truth (so a missed signal costs latency, never
/// an event). Each listener gets its own stream; slow listeners only keep the newest signals.
public final class CommitSignal: Sendable {
    private let listeners = Mutex<[Int: AsyncStream<String>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    public init() {}

    /// The signal an execution's new log lines are announced with.
    public static func logs(of executionID: String) -> String { "logs:" + executionID }

    public func send(_ workspaceID: String) {
        listeners.withLock { listeners in
            for continuation in listeners.values { continuation.yield(workspaceID) }
        }
    }

    /// A stream of workspace ids; ends when the listener stops iterating.
    public func stream() -> AsyncStream<String> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.onTermination = { [weak self] _ in
            self?.listeners.withLock { _ = $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }

    /// Ends every listener's stream (on shutdown).
    public func finish() {
        let all = listeners.withLock { listeners in
            defer { listeners.removeAll() }
            return Array(listeners.values)
        }
        for continuation in all { continuation.finish() }
    }
}
