import Foundation
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// An execution's output as server-sent events (`id:` = the entry's sequence), following it live
/// until the execution ends. It reads the log table when the execution's lines commit (or its
/// workspace changes: that is how its end arrives), not on a timer, and keeps an idle connection
/// alive with a comment. Like the event stream it is bounded for a slow reader and ends when its
/// credential does.
struct LogStream: Sendable {
    let scope: WorkspaceScope
    let taskRef: String
    let executionID: String
    let after: Int64
    let store: Store
    let waiters: CommitWaiters
    let keepAlive: Duration
    let bufferLimit: Int
    let stallPatience: Duration
    let connection: ClientConnection
    let streams: OpenStreams
    /// Its place among the open streams (`OpenStreams.admit`), taken before the answer starts.
    let ticket: Int

    func bytes() -> StreamBuffer.Bytes {
        let buffer = StreamBuffer(limit: bufferLimit, patience: stallPatience, connection: connection)
        let (scope, taskRef, executionID, store, waiters, keepAlive, connection, streams, ticket) = (
            self.scope, self.taskRef, self.executionID, self.store, self.waiters, self.keepAlive, self.connection,
            self.streams, self.ticket
        )
        let cutOff: @Sendable () -> Void = {
            buffer.finish()
            connection.close()
        }
        var cursor = after
        let producer = Task {
            await streams.attach(ticket, end: cutOff)
            buffer.offer("retry: 2000\n: connected\n\n")
            let signals: Set<String> = [CommitSignal.logs(of: executionID), scope.workspaceID]
            await withGracefulShutdownHandler {
                pump: while !Task.isCancelled {
                    // Armed before reading, so a commit between the read and the wait still wakes it.
                    let armed = await waiters.arm(signals)
                    guard
                        let entries = try? await store.executions.logs(
                            scope, taskRef: taskRef, id: executionID, after: cursor, limit: 1000)
                    else { break }
                    for entry in entries {
                        guard await buffer.send("id: \(entry.sequence)\nevent: log\ndata: \(Self.json(entry))\n\n") else {
                            cutOff()
                            break pump
                        }
                        cursor = entry.sequence
                    }
                    if entries.count == 1000 { continue }
                    let running = (try? await store.executions.get(scope, taskRef: taskRef, id: executionID))?.status == .running
                    if !running {
                        _ = await buffer.send("event: end\ndata: {}\n\n")
                        break
                    }
                    if await !waiters.wait(armed, timeout: keepAlive) { buffer.offer(": keep-alive\n\n") }
                }
            } onGracefulShutdown: {
                buffer.finish()
            }
            buffer.finish()
            await streams.closed(ticket)
        }
        buffer.onTermination { producer.cancel() }
        return buffer.bytes
    }

    static func json(_ entry: ExecutionRepository.LogEntry) -> String {
        let loop = entry.loop.map(String.init) ?? "null"
        return #"{"created_at":\#(EventStream.quote(Timestamp.rfc3339(entry.createdAt))),"loop":\#(loop),"sequence":\#(entry.sequence),"stream":\#(EventStream.quote(entry.stream)),"text":\#(EventStream.quote(entry.text))}"#
    }
}
