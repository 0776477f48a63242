import Foundation
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// One client's server-sent event stream (WHATWG HTML §9.2): `id:` is the event's sequence number,
/// `event:` its type, `data:` its JSON. It follows the hub, falls back to the event log when it is
/// behind, and sends a comment line when idle so that proxies keep the connection open.
struct EventStream: Sendable {
    let workspace: String
    let resumeAfter: Int64?
    let hub: EventHub
    let store: Store
    let keepAlive: Duration

    func bytes() async throws -> AsyncStream<ArraySlice<UInt8>> {
        let latest = try await hub.subscribe(workspace)
        let start = resumeAfter ?? latest
        let (stream, continuation) = AsyncStream<ArraySlice<UInt8>>.makeStream(bufferingPolicy: .unbounded)
        let workspace = self.workspace
        let hub = self.hub
        let store = self.store
        let keepAlive = self.keepAlive
        // The producer lives as long as the client reads; the stream's end cancels it.
        let producer = Task {
            continuation.yield(ArraySlice("retry: 2000\n: connected\n\n".utf8))
            // Streams never end on their own; they end when the server shuts down gracefully, so
            // that it can finish draining instead of waiting for clients forever.
            await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var cursor = start
                    pump: while !Task.isCancelled {
                        let batch: [StoredEvent]
                        switch await hub.next(workspace, after: cursor) {
                        case .events(let events):
                            batch = events
                        case .readStore:
                            batch = (try? await store.events.after(cursor, workspace: workspace, limit: 500)) ?? []
                            if batch.isEmpty { break pump }
                        case .closed:
                            break pump
                        }
                        for event in batch {
                            continuation.yield(ArraySlice(Self.frame(event).utf8))
                            cursor = event.sequence
                        }
                    }
                    continuation.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive)
                        if Task.isCancelled { break }
                        continuation.yield(ArraySlice(": keep-alive\n\n".utf8))
                    }
                }
                await group.next()
                group.cancelAll()
            }
            } onGracefulShutdown: {
                continuation.finish()
            }
            await hub.unsubscribe(workspace)
        }
        continuation.onTermination = { _ in producer.cancel() }
        return stream
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
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
