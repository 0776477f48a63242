import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle

/// SQLite in WAL mode: one writer connection fed by a group-commit queue, and a few reader
/// connections (WAL lets them read while the writer writes). Statements run on the calling thread
/// and stay compiled (`SQLiteHandle`).
final class SQLiteBackend: DatabaseBackend {
    let path: String
    let readerCount: Int
    let readTimeLimit: Duration?
    let logger: Logger
    let commits: CommitSignal
    private let state = SQLiteConnections()

    /// WAL: readers never block the writer. synchronous=NORMAL: a commit survives a crash of this
    /// process (it is in the WAL the OS holds); only a power cut can lose the newest ones.
    static let writerPragmas = [
        "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -16000",
        // A log that grew under a burst is cut back to this size once checkpointed.
        "PRAGMA journal_size_limit = 67108864",
    ]
    static let readerPragmas = ["PRAGMA busy_timeout = 5000", "PRAGMA query_only = 1", "PRAGMA cache_size = -8000"]

    init(path: String, readers: Int, readTimeLimit: Duration?, logger: Logger, commits: CommitSignal) {
        self.path = path
        self.readerCount = max(1, readers)
        self.readTimeLimit = readTimeLimit
        self.logger = logger
        self.commits = commits
    }

    func open() async throws {
        if await state.isOpen { return }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let writer = try SQLiteHandle(path: path)
        for pragma in Self.writerPragmas { try writer.execute(pragma, []) { _ in } }
        let checkpointer = try SQLiteCheckpointer(path: path)
        checkpointer.watch(writer)
        var readers: [SQLiteHandle] = []
        for _ in 0..<readerCount {
            let reader = try SQLiteHandle(path: path, statementTimeLimit: readTimeLimit)
            for pragma in Self.readerPragmas { try reader.execute(pragma, []) { _ in } }
            readers.append(reader)
        }
        let watchdog = readTimeLimit.map { Self.watch(readers, limit: $0) }
        let accepted = await state.set(
            writer: SQLiteWriter(sql: SQLiteSession(writer, logger: logger, inline: true), commits: commits),
            readers: ConnectionPool(readers),
            all: [writer] + readers, checkpointer: checkpointer, watchdog: watchdog)
        if !accepted {
            watchdog?.cancel()
            // Shut down while opening: nobody will use these.
            writer.setWALHook(nil)
            for handle in [writer] + readers { handle.close() }
            checkpointer.close()
        }
    }

    /// Stops a reader's statement once it ran past `limit`, looking a few times per limit (at
    /// least every second): a statement stops between `limit` and a quarter more.
    private static func watch(_ readers: [SQLiteHandle], limit: Duration) -> Task<Void, Never> {
        let period = min(max(limit / 4, .milliseconds(5)), .seconds(1))
        return Task.detached {
            while (try? await Task.sleep(for: period)) != nil {
                let now = ContinuousClock.now
                for reader in readers { reader.stopIfPastLimit(now: now) }
            }
        }
    }

    func run() async throws {
        // Nothing runs in the background; wait for shutdown, then close.
        try? await gracefulShutdown()
        await close()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let readers = await state.readers else { throw DatabaseError.closed }
        let logger = self.logger
        return try await readers.with { handle in try await body(SQLiteSession(handle, logger: logger)) }
    }

    func write<T: Sendable>(
        workspace: String?, announcing: String?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        guard let writer = await state.writer else { throw DatabaseError.closed }
        return try await writer.submit(signals: [workspace, announcing].compactMap { $0 }, body)
    }

    func schema<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let writer = await state.writer else { throw DatabaseError.closed }
        do {
            let value = try await writer.exclusive(body)
            // Statements compiled before a schema change may name columns that moved.
            await state.forgetStatements()
            return value
        } catch {
            await state.forgetStatements()
            throw error
        }
    }

    func close() async {
        // Closing must finish even when the caller was cancelled (a service group tearing down):
        // SQLite work that is cut short leaves handles open. An unstructured task isn't cancelled
        // with its creator.
        await Task { await self.closeConnections() }.value
    }

    private func closeConnections() async {
        guard let (writer, readers, handles, checkpointer, watchdog) = await state.shutDown() else { return }
        watchdog?.cancel()
        // A connection must be idle to close: let the writer finish its batch and the readers
        // come back first.
        await writer.quiesce()
        await readers.drain()
        handles.first?.setWALHook(nil)
        try? handles.first?.execute("PRAGMA optimize", []) { _ in }
        checkpointer.close()
        for handle in handles { handle.close() }
    }
}

/// The open connections, behind an actor so that open and close never race.
private actor SQLiteConnections {
    var writer: SQLiteWriter?
    var readers: ConnectionPool<SQLiteHandle>?
    var all: [SQLiteHandle] = []
    var checkpointer: SQLiteCheckpointer?
    var watchdog: Task<Void, Never>?
    var closed = false

    var isOpen: Bool { writer != nil }

    /// Stores freshly opened connections; false if the backend was shut down in the meantime.
    func set(
        writer: SQLiteWriter, readers: ConnectionPool<SQLiteHandle>, all: [SQLiteHandle], checkpointer: SQLiteCheckpointer,
        watchdog: Task<Void, Never>?
    ) -> Bool {
        guard !closed else { return false }
        self.watchdog = watchdog
        self.writer = writer
        self.readers = readers
        self.all = all
        self.checkpointer = checkpointer
        return true
    }

    func forgetStatements() {
        for handle in all { handle.forgetStatements() }
    }

    /// Marks the backend closed and hands over what is open (nil if nothing is).
    func shutDown() -> (SQLiteWriter, ConnectionPool<SQLiteHandle>, [SQLiteHandle], SQLiteCheckpointer, Task<Void, Never>?)? {
        closed = true
        guard let writer, let readers, let checkpointer else { return nil }
        defer {
            self.watchdog = nil
            self.writer = nil
            self.readers = nil
            self.checkpointer = nil
            all = []
        }
        return (writer, readers, all, checkpointer, watchdog)
    }
}

/// A fixed set of connections lent out one caller at a time.
actor ConnectionPool<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []

    private let total: Int

    init(_ connections: [Connection]) {
        self.idle = connections
        self.total = connections.count
    }

    func with<T: Sendable>(_ body: @Sendable (Connection) async throws -> T) async throws -> T {
        let connection = await lease()
        defer { release(connection) }
        return try await body(connection)
    }

    /// Waits until every connection is back, and keeps them (the pool is closing).
    func drain() async {
        for _ in 0..<total { _ = await lease() }
    }

    private func lease() async -> Connection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ connection: Connection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }
}
