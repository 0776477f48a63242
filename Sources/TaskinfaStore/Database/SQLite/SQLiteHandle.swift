import NIOCore
import NIOPosix
import SQLiteNIO
import NIOConcurrencyHelpers
import Synchronization
import VaporCSQLite

/// One SQLite connection that keeps every statement it compiled, so that the thousandth create
/// parses no SQL, and runs them on a thread of its own.
///
/// Why not SQLiteNIO's connection: it compiles each statement afresh and answers through an event
/// loop, a third thread switch per statement. Why not run statements where the caller runs: a
/// statement can wait (for another process's write lock, up to the busy timeout; for a checkpoint's
/// fsync), and a wait on one of the few threads of Swift's cooperative pool stalls every request of
/// the server. The same bundled SQLite serves both.
final class SQLiteHandle: @unchecked Sendable {
    /// Distinct statements kept compiled. Statements with a list of binds (`IN (…)`) differ by
    /// length; past this many the cache starts over rather than grow without bound.
    static let cacheCapacity = 256

    /// Statements run and SQLite virtual-machine steps they took, over every handle of the process:
    /// counts of work, the same on any machine, which `taskinfa-bench create-cost` reads.
    static let statementsRun = Atomic<Int>(0)
    static let machineSteps = Atomic<Int>(0)
    /// Times SQLite compiled a cached statement again (a schema change, or a plan that depended on
    /// a bound value): each is a parse the cache was meant to save.
    static let recompilations = Atomic<Int>(0)

    let path: String
    /// How long one statement may run before `stopIfPastLimit` interrupts it (nil: no limit).
    let statementTimeLimit: Duration?
    /// The statement running now, as `stopIfPastLimit` sees it from another thread.
    private let activity = Mutex(StatementActivity())
    /// For `sqlite3_interrupt`, the one call SQLite allows from another thread; only made while
    /// `activity` shows a statement running, so never on a closed connection.
    private let database: OpaquePointer
    /// The connection's own thread (`run`).
    private let thread = NIOThreadPool(numberOfThreads: 1)
    /// Guards `connection`: one caller at a time (that is what makes this type Sendable).
    private let lock = NIOLock()
    private var connection: Connection

    /// `statementTimeLimit`: how long one statement may run before `stopIfPastLimit` stops it with
    /// `ReadTooLongError` (the readers'; nil for the writer, whose batches must finish).
    init(path: String, statementTimeLimit: Duration? = nil) throws {
        self.path = path
        self.statementTimeLimit = statementTimeLimit
        var database: OpaquePointer?
        // No SQLite mutex: the lock around `Connection` already lets one caller in at a time.
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &database, flags, nil)
        guard status == SQLITE_OK, let database else {
            let message = database.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(database)
            throw SQLiteFailure(code: status, message: "\(message) (\(path))")
        }
        do {
            try SearchRank.register(on: database)
        } catch {
            sqlite_nio_sqlite3_close(database)
            throw error
        }
        self.database = database
        self.connection = Connection(database: database)
        thread.start()
    }

    /// Runs one statement on the connection's thread (what the server's requests use).
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteResultRow) -> Void) async throws {
        try await thread.runIfActive { try self.execute(sql, binds, onRow) }
    }

    /// Runs one statement with its binds on this thread, handing each result row to `onRow` as it is read.
    func execute(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteResultRow) -> Void) throws {
        try lock.withLock {
            guard let limit = statementTimeLimit else { return try connection.execute(sql, binds, onRow) }
            let statement = activity.withLock { $0.begin() }
            defer { activity.withLock { $0.end() } }
            do {
                try connection.execute(sql, binds, onRow)
            } catch let failure as SQLiteFailure where failure.code == SQLITE_INTERRUPT {
                guard activity.withLock({ $0.interrupted == statement }) else { throw failure }
                throw ReadTooLongError(limit: limit)
            }
        }
    }

    /// Interrupts the running statement if it started longer than `statementTimeLimit` ago (called
    /// from a watchdog: `SQLiteBackend`). SQLite stops it at its next step with `SQLITE_INTERRUPT`;
    /// a statement that happens to finish first is done, and the interruption ends with it.
    func stopIfPastLimit(now: ContinuousClock.Instant) {
        guard let limit = statementTimeLimit else { return }
        activity.withLock { running in
            guard let started = running.started, now - started > limit, running.interrupted != running.generation else { return }
            running.interrupted = running.generation
            sqlite_nio_sqlite3_interrupt(database)
        }
    }

    /// Sends this connection's commits to `checkpointer` (nil: back to SQLite's own checkpoints).
    func setWALHook(_ checkpointer: SQLiteCheckpointer?) {
        lock.withLock { connection.setWALHook(checkpointer) }
    }

    /// How many times SQLite compiled one of this connection's cached statements again.
    var recompilations: Int { lock.withLock { connection.recompilations } }

    /// Drops the compiled statements (after a schema change, so that `SELECT *` sees new columns).
    func forgetStatements() {
        lock.withLock { connection.finalizeAll() }
    }

    /// Finalizes every statement and closes the connection; later calls fail with `closed`.
    func close() {
        lock.withLock { connection.close() }
        thread.shutdownGracefully { _ in }
    }
}

/// Which statement of a handle runs, since when, and which one was interrupted for its time.
private struct StatementActivity {
    var generation = 0
    var started: ContinuousClock.Instant?
    var interrupted: Int?

    mutating func begin() -> Int {
        generation += 1
        started = .now
        return generation
    }

    mutating func end() {
        started = nil
    }
}

/// Why a statement failed, with SQLite's own message ("UNIQUE constraint failed: …").
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// The column names of a statement's results, shared by all the rows it returns.
final class SQLiteColumns: Sendable {
    let names: [String]
    /// Name → position; the first of two equal names wins, as `SELECT a.*, b.*` reads in SQL.
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        self.positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The state behind the handle's lock: the connection and its compiled statements.
private struct Connection: ~Copyable {
    private struct Compiled {
        let statement: OpaquePointer
        var columns: SQLiteColumns
    }

    private var database: OpaquePointer?
    private var compiled: [String: Compiled] = [:]
    /// Cached statements SQLite compiled again on this connection (`SQLiteHandle.recompilations`).
    private(set) var recompilations = 0

    init(database: OpaquePointer) {
        self.database = database
    }

    mutating func execute(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteResultRow) -> Void) throws {
        guard let database else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        guard var entry = try self.statement(for: sql, on: database) else { return }
        let statement = entry.statement
        // Whatever happens, the statement goes back to the cache ready for its next use.
        defer {
            SQLiteHandle.statementsRun.add(1, ordering: .relaxed)
            SQLiteHandle.machineSteps.add(
                Int(sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_VM_STEP, 1)), ordering: .relaxed)
            let recompiled = Int(sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 1))
            recompilations += recompiled
            SQLiteHandle.recompilations.add(recompiled, ordering: .relaxed)
            sqlite_nio_sqlite3_reset(statement)
            Self.letGoOfLargeValues(binds, in: statement)
        }
        for (index, value) in binds.enumerated() {
            try check(Self.bind(value, at: Int32(index + 1), to: statement), on: database)
        }
        // A parameter the caller gave no value is NULL, never the previous run's value.
        let parameters = Int(sqlite_nio_sqlite3_bind_parameter_count(statement))
        if binds.count < parameters {
            for index in binds.count..<parameters { sqlite_nio_sqlite3_bind_null(statement, Int32(index + 1)) }
        }
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { try check(status, on: database); return }
            // Read after the step: a step may recompile the statement for a changed schema.
            let count = Int(sqlite_nio_sqlite3_column_count(statement))
            if entry.columns.names.count != count {
                // The schema changed under a cached `SELECT *`: SQLite recompiled it; so do we.
                entry.columns = SQLiteColumns(names: (0..<count).map { Self.columnName(statement, $0) })
                compiled[sql] = entry
            }
            var values: [SQLiteData] = []
            values.reserveCapacity(count)
            for column in 0..<Int32(count) { values.append(Self.value(statement, column)) }
            onRow(SQLiteResultRow(columns: entry.columns, values: values))
        }
    }

    private mutating func statement(for sql: String, on database: OpaquePointer) throws -> Compiled? {
        if let entry = compiled[sql] { return entry }
        if compiled.count >= SQLiteHandle.cacheCapacity { finalizeAll() }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        try check(status, on: database)
        // Only whitespace or a comment: nothing to run.
        guard let statement else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_count(statement))
        let entry = Compiled(statement: statement, columns: SQLiteColumns(names: (0..<count).map { Self.columnName(statement, $0) }))
        compiled[sql] = entry
        return entry
    }

    func setWALHook(_ checkpointer: SQLiteCheckpointer?) {
        guard let database else { return }
        if let checkpointer {
            _ = sqlite_nio_sqlite3_wal_hook(database, walHook, Unmanaged.passUnretained(checkpointer).toOpaque())
        } else {
            _ = sqlite_nio_sqlite3_wal_autocheckpoint(database, SQLiteCheckpointer.threshold)
        }
    }

    mutating func finalizeAll() {
        for entry in compiled.values { sqlite_nio_sqlite3_finalize(entry.statement) }
        compiled.removeAll()
    }

    mutating func close() {
        finalizeAll()
        if let database { sqlite_nio_sqlite3_close(database) }
        database = nil
    }

    private func check(_ status: Int32, on database: OpaquePointer) throws {
        guard status != SQLITE_OK else { return }
        let message = sqlite_nio_sqlite3_errmsg(database).map { String(cString: $0) } ?? "unknown error"
        throw SQLiteFailure(code: status, message: message)
    }

    /// A cached statement keeps its last values until it runs again. Large ones (a patch, a page of
    /// logs) are let go at once; the rest stay. Not `sqlite3_clear_bindings`: it marks every
    /// statement whose plan looked at a bound value (any `column = ?` can) as expired, and SQLite
    /// then compiles it again on its next run, which would undo the cache.
    private static func letGoOfLargeValues(_ binds: [SQLiteData], in statement: OpaquePointer) {
        for (index, value) in binds.enumerated() {
            switch value {
            case .text(let text) where text.utf8.count > largeValue:
                sqlite_nio_sqlite3_bind_null(statement, Int32(index + 1))
            case .blob(let buffer) where buffer.readableBytes > largeValue:
                sqlite_nio_sqlite3_bind_null(statement, Int32(index + 1))
            default:
                continue
            }
        }
    }

    private static let largeValue = 16 * 1024

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number):
            return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number):
            return sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text):
            var text = text
            return text.withUTF8 { bytes in
                sqlite_nio_sqlite3_bind_text64(
                    statement, index, UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                    UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
            }
        case .null:
            return sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            // Text may hold a NUL: read it by its length, not up to the first zero byte.
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    private static func columnName(_ statement: OpaquePointer, _ column: Int) -> String {
        sqlite_nio_sqlite3_column_name(statement, Int32(column)).map { String(cString: $0) } ?? ""
    }
}

/// SQLite copies text and blobs it is handed (`SQLITE_TRANSIENT`): the Swift buffers don't outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
