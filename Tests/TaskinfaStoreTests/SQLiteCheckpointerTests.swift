import Foundation
import NIOCore
import SQLiteNIO
import Testing

@testable import TaskinfaStore

/// Checkpoints off the writer: the writer's commits only report the log's size, and a connection
/// of its own copies the log back into the database file once it has grown.
@Suite struct SQLiteCheckpointerTests {
    @Test func aGrowingLogIsCheckpointedByTheCheckpointerNotTheWriter() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString).sqlite").path
        let writer = try SQLiteHandle(path: path)
        for pragma in SQLiteBackend.writerPragmas { try writer.execute(pragma, []) { _ in } }
        let checkpointer = try SQLiteCheckpointer(path: path)
        checkpointer.watch(writer)
        try writer.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)", []) { _ in }
        // About 8 MB in 64 KB commits: twice the threshold's worth of log pages.
        let chunk = [UInt8](repeating: 7, count: 64 * 1024)
        for id in 0..<128 {
            try writer.execute("INSERT INTO blobs (id, data) VALUES (?1, ?2)", [.integer(id), .blob(.init(bytes: chunk))]) { _ in }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while checkpointer.checkpoints == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(checkpointer.checkpoints > 0)
        // The writer's own commits never checkpointed: its log kept every frame until the
        // checkpointer copied them, so the database file grew only through the checkpointer.
        writer.setWALHook(nil)
        checkpointer.close()
        writer.close()
        let reopened = try SQLiteHandle(path: path)
        defer { reopened.close() }
        var count = 0
        try reopened.execute("SELECT COUNT(*) AS n FROM blobs", []) { row in count = (try? row.decode(column: "n", as: Int.self)) ?? 0 }
        #expect(count == 128)
    }
}
