import Foundation
import ServiceLifecycle
import TaskinfaCore
import TaskinfaStore

/// An execution's output as server-sent events (`id:` = the entry's sequence), following it live
/// until the execution ends. Log volume stays out of the workspace event log, so the stream reads
/// the log table every 250 ms while someone watches.
struct LogStream: Sendable {
    let scope: WorkspaceScope
    let taskRef: String
    let executionID: String
    let after: Int64
    let store: Store

    func bytes() -> AsyncStream<ArraySlice<UInt8>> {
        let (stream, continuation) = AsyncStream<ArraySlice<UInt8>>.makeStream(bufferingPolicy: .unbounded)
        let (scope, taskRef, executionID, store) = (self.scope, self.taskRef, self.executionID, self.store)
        var cursor = after
        let producer = Task {
            continuation.yield(ArraySlice("retry: 2000\n: connected\n\n".utf8))
            await withGracefulShutdownHandler {
                while !Task.isCancelled {
                    guard let entries = try? await store.executions.logs(scope, taskRef: taskRef, id: executionID, after: cursor, limit: 1000)
                    else { break }
                    for entry in entries {
                        let data = Self.json(entry)
                        continuation.yield(ArraySlice("id: \(entry.sequence)\nevent: log\ndata: \(data)\n\n".utf8))
                        cursor = entry.sequence
                    }
                    if entries.count < 1000 {
                        let running = (try? await store.executions.get(scope, taskRef: taskRef, id: executionID))?.status == .running
                        if !running {
                            continuation.yield(ArraySlice("event: end\ndata: {}\n\n".utf8))
                            break
                        }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in producer.cancel() }
        return stream
    }

    static func json(_ entry: ExecutionRepository.LogEntry) -> String {
        let loop = entry.loop.map(String.init) ?? "null"
        return #"{"created_at":\#(EventStream.quote(Timestamp.rfc3339(entry.createdAt))),"loop":\#(loop),"sequence":\#(entry.sequence),"stream":\#(EventStream.quote(entry.stream)),"text":\#(EventStream.quote(entry.text))}"#
    }
}
