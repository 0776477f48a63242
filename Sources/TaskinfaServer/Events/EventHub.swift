import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// Fans committed events out to the open streams. It holds no state of its own that matters: on
/// every commit signal it reads the new events of that workspace from the event log once, keeps
/// the newest ones in a small buffer, writes them (framed once) into the buffer of every stream
/// that is up to date (`follow`), and wakes whoever waits in `next`. A stream that has fallen
/// behind reads the hub's buffer or, further back, the log itself, so nothing is ever skipped.
///
/// Writing into the followers' buffers here, rather than waking each stream to fetch and frame the
/// events itself, is what lets one commit reach ten thousand streams quickly: per stream it costs
/// one append to its buffer.
///
/// A commit signal can go missing — another replica's while this one's LISTEN connection was
/// down, one past the signal queue in a burst, one whose read failed — so the hub also reads every
/// watched workspace's log every `sweepInterval`: a lost signal costs that much latency, never a
/// stream that silently stops.
public actor EventHub: Service {
    public enum Next: Sendable {
        case events([StoredEvent])
        /// The events after the cursor are older than the buffer: read them from the store.
        case readStore
        /// The server is shutting down (or the stream was cancelled): end the stream.
        case closed
    }

    /// Why `follow` handed a stream back.
    enum Handback: Sendable {
        /// The stream is behind (or its buffer was full): read the events after this sequence the
        /// slow way, then follow again.
        case behind(Int64)
        case closed
    }

    /// A stream the hub writes into while it is up to date. Its cursor is always the channel's
    /// `lastSequence`: pushing to every follower happens in the same step as advancing it.
    private struct Follower {
        let buffer: StreamBuffer
        let handBack: CheckedContinuation<Handback, Never>
    }

    private struct Channel {
        var lastSequence: Int64
        var recent: [StoredEvent] = []
        var subscribers = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var followers: [Int: Follower] = [:]
        var fetching = false
        var dirty = false
    }

    private let store: Store
    private let logger: Logger
    private let sweepInterval: Duration
    private let bufferSize = 1024
    private var channels: [String: Channel] = [:]
    private var nextWaiterID = 0
    private var closed = false

    public init(store: Store, logger: Logger, sweepInterval: Duration = .seconds(5)) {
        self.store = store
        self.logger = logger
        self.sweepInterval = sweepInterval
    }

    public func run() async throws {
        let commits = store.database.commits.stream()
        let sweepInterval = self.sweepInterval
        // Iterating a stream ends when its task is cancelled, and so does sleeping: shutdown cancels
        // both loops, then `close` ends every open event stream.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await workspace in commits { await self.refresh(workspace) }
                }
                group.addTask {
                    while (try? await Task.sleep(for: sweepInterval)) != nil { await self.sweep() }
                }
            }
        }
        close()
    }

    /// Reads the log of every workspace someone is waiting on, signal or not.
    private func sweep() async {
        let watched = channels.filter { !$0.value.followers.isEmpty || !$0.value.waiters.isEmpty }.keys
        for workspace in watched { await refresh(workspace) }
    }

    /// Registers a stream on a workspace; returns the newest sequence number (where a stream
    /// without `Last-Event-ID` starts).
    public func subscribe(_ workspace: String) async throws -> Int64 {
        if channels[workspace] == nil {
            let latest = try await store.events.latestSequence(workspace: workspace)
            if channels[workspace] == nil { channels[workspace] = Channel(lastSequence: latest) }
        }
        channels[workspace]!.subscribers += 1
        return channels[workspace]!.lastSequence
    }

    public func unsubscribe(_ workspace: String) {
        channels[workspace]?.subscribers -= 1
        if let channel = channels[workspace], channel.subscribers <= 0, channel.waiters.isEmpty, channel.followers.isEmpty {
            channels[workspace] = nil
        }
    }

    /// The events after `sequence`, waiting until there are some.
    public func next(_ workspace: String, after sequence: Int64, limit: Int = 500) async -> Next {
        while true {
            if Task.isCancelled { return .closed }
            if let available = available(workspace, after: sequence, limit: limit) { return available }
            let id = nextWaiterID
            nextWaiterID += 1
            let woken = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    channels[workspace]?.waiters[id] = continuation
                    if channels[workspace] == nil || closed { continuation.resume(returning: false) }
                }
            } onCancel: {
                Task { await self.cancelWaiter(id, in: workspace) }
            }
            if !woken { return .closed }
        }
    }

    /// The events after `sequence` already in, without waiting; nil when there are none yet.
    func available(_ workspace: String, after sequence: Int64, limit: Int = 500) -> Next? {
        if closed { return .closed }
        guard let channel = channels[workspace] else { return .closed }
        guard sequence < channel.lastSequence else { return nil }
        guard let first = channel.recent.first, first.sequence <= sequence + 1 else { return .readStore }
        let start = Int(sequence + 1 - first.sequence)
        return .events(Array(channel.recent[start...].prefix(limit)))
    }

    private func cancelWaiter(_ id: Int, in workspace: String) {
        channels[workspace]?.waiters.removeValue(forKey: id)?.resume(returning: false)
    }

    /// Follows the workspace for a stream that has sent everything up to `cursor`: from now on the
    /// hub writes each new event's frame into `buffer` itself. Returns when the stream has to
    /// catch up on its own — at once if it is behind, or later when its client let its buffer fill
    /// up — or when it should end (cancelled, shutting down).
    func follow(_ workspace: String, after cursor: Int64, into buffer: StreamBuffer) async -> Handback {
        if closed || Task.isCancelled { return .closed }
        guard let channel = channels[workspace] else { return .closed }
        guard cursor >= channel.lastSequence else { return .behind(cursor) }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if channels[workspace] == nil || closed {
                    continuation.resume(returning: .closed)
                } else {
                    channels[workspace]?.followers[id] = Follower(buffer: buffer, handBack: continuation)
                }
            }
        } onCancel: {
            Task { await self.stopFollowing(id, in: workspace) }
        }
    }

    private func stopFollowing(_ id: Int, in workspace: String) {
        channels[workspace]?.followers.removeValue(forKey: id)?.handBack.resume(returning: .closed)
    }

    /// Writes `fresh`, the events after `previous`, (framed once for all) into every follower's
    /// buffer; a follower whose buffer is full is handed back to catch up from the log at its own
    /// client's pace.
    private func push(_ fresh: [StoredEvent], after previous: Int64, to channel: inout Channel) {
        guard !channel.followers.isEmpty, !fresh.isEmpty else { return }
        var chunk = ByteBuffer()
        for event in fresh { chunk.writeString(EventStream.frame(event)) }
        var full: [Int] = []
        for (id, follower) in channel.followers where !follower.buffer.tryQueue(chunk) { full.append(id) }
        for id in full {
            channel.followers.removeValue(forKey: id)?.handBack.resume(returning: .behind(previous))
        }
    }

    /// Reads what the workspace committed since the last refresh and wakes its streams.
    func refresh(_ workspace: String) async {
        guard channels[workspace] != nil else { return }
        if channels[workspace]!.fetching {
            channels[workspace]!.dirty = true
            return
        }
        channels[workspace]!.fetching = true
        defer { channels[workspace]?.fetching = false }
        while let last = channels[workspace]?.lastSequence {
            channels[workspace]?.dirty = false
            let events: [StoredEvent]
            do {
                events = try await store.events.after(last, workspace: workspace, limit: 500)
            } catch {
                logger.warning("event hub could not read events; the next sweep tries again", metadata: ["error": "\(error)"])
                return
            }
            guard var channel = channels[workspace] else { return }
            // Another refresh may have raced ahead while this one read; keep only what is new.
            let fresh = events.filter { $0.sequence > channel.lastSequence }
            if let newest = fresh.last {
                channel.recent.append(contentsOf: fresh)
                if channel.recent.count > bufferSize { channel.recent.removeFirst(channel.recent.count - bufferSize) }
                push(fresh, after: channel.lastSequence, to: &channel)
                channel.lastSequence = newest.sequence
                let waiters = channel.waiters
                channel.waiters = [:]
                channels[workspace] = channel
                for waiter in waiters.values { waiter.resume(returning: true) }
            }
            if events.count < 500 && channels[workspace]?.dirty != true { return }
        }
    }

    private func close() {
        closed = true
        for (workspace, channel) in channels {
            for waiter in channel.waiters.values { waiter.resume(returning: false) }
            for follower in channel.followers.values { follower.handBack.resume(returning: .closed) }
            channels[workspace]?.waiters = [:]
            channels[workspace]?.followers = [:]
        }
    }
}
