import Foundation
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// One client's server-sent event stream (WHATWG HTML §9.2): `id:` is the event's sequence number,
/// `event:` its type, `data:` its JSON. While it is up to date the hub writes new events into its
/// buffer (`EventHub.follow`); when it is behind it reads them from the hub's recent events or the
/// event log itself. It sends a comment line when idle so that proxies keep the connection open.
///
/// It holds at most `bufferLimit` bytes the client hasn't read: a client that stays further behind
/// than that for `stallPatience` is cut off (its connection closed) and resumes with
/// `Last-Event-ID`, reading the rest from the log. It ends
/// too when the credential that opened it no longer would (`OpenStreams`).
struct EventStream: Sendable {
    let workspace: String
    let resumeAfter: Int64?
    let hub: EventHub
    let store: Store
    let keepAlive: Duration
    let bufferLimit: Int
    let stallPatience: Duration
    let connection: ClientConnection
    let streams: OpenStreams
    /// Its place among the open streams (`OpenStreams.admit`), taken before the answer starts.
    let ticket: Int

    func bytes() async throws -> StreamBuffer.Bytes {
        let latest = try await hub.subscribe(workspace)
        // A client that saw events this log doesn't have (the database was restored from an older
        // backup, say) can't be caught up: it is told to read everything again, then follows on.
        let reset = resumeAfter.map { $0 > latest } ?? false
        let start = reset ? latest : resumeAfter ?? latest
        let buffer = StreamBuffer(limit: bufferLimit, patience: stallPatience, connection: connection)
        let (workspace, hub, store, keepAlive, connection, streams) = (
            self.workspace, self.hub, self.store, self.keepAlive, self.connection, self.streams
        )
        // Ends the stream even for a client that stopped reading (its writes would never finish).
        let cutOff: @Sendable () -> Void = {
            buffer.finish()
            connection.close()
        }
        // The producer lives as long as the client reads; the stream's end cancels it.
        let producer = Task {
            await streams.attach(ticket, end: cutOff)
            buffer.offer("retry: 2000\n: connected\n\n")
            if reset { buffer.offer("event: reset\ndata: {\"last_id\":\(latest)}\n\n") }
            // Streams never end on their own; they end when the server shuts down gracefully, so
            // that it can finish draining instead of waiting for clients forever.
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var cursor = start
                        pump: while !Task.isCancelled {
                            let batch: [StoredEvent]
                            switch await hub.available(workspace, after: cursor) {
                            case nil:
                                // Up to date: the hub writes what comes next into the buffer
                                // itself, until this client falls behind.
                                switch await hub.follow(workspace, after: cursor, into: buffer) {
                                case .behind(let sequence): cursor = sequence
                                case .closed: break pump
                                }
                                continue pump
                            case .events(let events)?:
                                batch = events
                            case .readStore?:
                                batch = (try? await store.events.after(cursor, workspace: workspace, limit: 500)) ?? []
                                if batch.isEmpty { break pump }
                            case .closed?:
                                break pump
                            }
                            for event in batch {
                                guard await buffer.send(Self.frame(event)) else {
                                    cutOff()
                                    break pump
                                }
                                cursor = event.sequence
                            }
                        }
                        buffer.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: keepAlive)
                            if Task.isCancelled { break }
                            buffer.offer(": keep-alive\n\n")
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                buffer.finish()
            }
            await streams.closed(ticket)
            await hub.unsubscribe(workspace)
        }
        buffer.onTermination { producer.cancel() }
        return buffer.bytes
    }

    /// One SSE frame. The JSON is assembled around the stored payload (already JSON) rather than
    /// decoded and re-encoded, so a busy board costs little per event and per client.
    static func frame(_ event: StoredEvent) -> String {
        "id: \(event.sequence)\nevent: \(event.type)\ndata: \(json(event))\n\n"
    }

    static func json(_ event: StoredEvent) -> String {
        let actor = #"{"id":\#(quote(event.actor.id)),"name":\#(quote(event.actor.name)),"type":\#(quote(event.actor.type.rawValue))}"#
        let task = event.taskID.map(quote) ?? "null"
        return #"{"actor":\#(actor),"created_at":\#(quote(Timestamp.rfc3339(event.createdAt))),"data":\#(event.data),"id":\#(event.sequence),"task_id":\#(task),"type":\#(quote(event.type)),"workspace_id":\#(quote(event.workspaceID))}"#
    }

    static func quote(_ text: String) -> String {
        JSONText.quoted(text)
    }
}
