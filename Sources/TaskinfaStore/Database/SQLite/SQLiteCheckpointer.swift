import Synchronization
import VaporCSQLite

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that pushed the log past its threshold: on
/// the writer, which then syncs the log and the database file while every queued write waits (on
/// the machines measured, about 15 ms, five times a second under a steady stream of creates, and
/// the slowest writes of a run were the ones behind it). Here the writer only notes the log's size
/// after each commit (SQLite's WAL hook) and goes on writing; past `threshold` this connection runs
/// a PASSIVE checkpoint, which never waits for the writer nor holds it up.
///
/// A checkpoint beside a writer that keeps appending never catches up with the log's end, and the
/// log only starts over from its beginning once every frame was copied: past `inlineThreshold` the
/// writer checkpoints itself, in its commit as SQLite would, copying the few frames the
/// checkpointer hasn't yet, so the log stays bounded and the writer pauses once every few seconds
/// of steady writing instead of five times a second.
///
/// Durability is as before: the log is synced before its pages are copied, and `synchronous =
/// NORMAL` makes a commit survive a crash of the process either way.
final class SQLiteCheckpointer: Sendable {
    /// Pages in the log after which a checkpoint starts (SQLite's own default is the same).
    static let threshold: Int32 = 1000
    /// Pages in the log after which the writer checkpoints in its commit (64 MB of 4 KB pages).
    static let inlineThreshold: Int32 = 16_000

    private let handle: SQLiteHandle
    /// Set while a checkpoint is asked for or running: the next one starts after it.
    private let busy = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)

    init(path: String) throws {
        handle = try SQLiteHandle(path: path)
        try handle.execute("PRAGMA busy_timeout = 5000", []) { _ in }
    }

    /// Checkpoints finished so far (for tests).
    var checkpoints: Int { completed.load(ordering: .relaxed) }

    /// Hooks this checkpointer to the writer's commits, in place of SQLite's automatic checkpoint.
    func watch(_ writer: SQLiteHandle) {
        writer.setWALHook(self)
    }

    /// Called on the writer's thread after each commit with the log's size in pages.
    func logGrew(to pages: Int32) {
        guard pages >= Self.threshold else { return }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Task.detached { await self.checkpoint() }
    }

    /// One PASSIVE checkpoint: copies what no reader still needs and returns without waiting.
    func checkpoint() async {
        try? await handle.run("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
        completed.add(1, ordering: .relaxed)
        busy.store(false, ordering: .releasing)
    }

    func close() {
        handle.close()
    }
}

/// The C callback SQLite calls after each commit on a connection with a WAL hook; its context is
/// the `SQLiteCheckpointer`, kept alive by the backend for as long as the hook is set.
let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, database, _, pages in
    if pages >= SQLiteCheckpointer.inlineThreshold, let database {
        // Busy (the checkpointer is at it): the next commit tries again.
        _ = sqlite_nio_sqlite3_wal_checkpoint_v2(database, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    } else if let context {
        Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().logGrew(to: pages)
    }
    return SQLITE_OK
}
