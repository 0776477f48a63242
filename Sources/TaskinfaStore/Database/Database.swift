import Logging
import SQLKit
import ServiceLifecycle
import Synchronization

/// The one way into the data. Reads run on a pool of connections; writes run in a transaction
/// that first locks the workspace they change, so that positions, task numbers and the event
/// sequence of a workspace are assigned one writer at a time (SQLite has a single writer anyway;
/// on PostgreSQL the lock is the workspace row).
///
/// It is a `Service`: PostgreSQL's connection pool runs inside `run()`, and both backends close
/// their connections when the service group shuts down.
public final class Database: Service, Sendable {
    public let dialect: SQLDialectKind
    let backend: any DatabaseBackend
    /// Fires after a commit that appended events, with the workspace ids (see `EventHub`).
    public let commits: CommitSignal
    private let prepared = Atomic<Bool>(false)

    /// Whether `prepare()` has finished: background services that run beside start-up wait for it,
    /// so that they never query tables a pending migration is about to create.
    public var isPrepared: Bool { prepared.load(ordering: .acquiring) }

    /// `readTimeLimit`: how long one statement of a `read` may run before it is stopped with
    /// `ReadTooLongError` (nil: no limit, for tools that read everything on purpose). Writes are
    /// never cut short.
    public init(location: DatabaseLocation, logger: Logger, sqliteReaders: Int = 4, readTimeLimit: Duration? = nil) throws {
        let commits = CommitSignal()
        self.commits = commits
        switch location {
        case .sqlite(let path):
            self.dialect = .sqlite
            self.backend = SQLiteBackend(
                path: path, readers: sqliteReaders, readTimeLimit: readTimeLimit, logger: logger, commits: commits)
        case .postgres(let url):
            self.dialect = .postgres
            self.backend = try PostgresBackend(url: url, readTimeLimit: readTimeLimit, logger: logger, commits: commits)
        }
    }

    /// Opens connections and applies pending migrations. Call once before serving.
    public func prepare() async throws {
        try await backend.open()
        try await Migrator(database: self).migrate()
        prepared.store(true, ordering: .releasing)
    }

    public func run() async throws {
        try await backend.run()
    }

    /// Runs `body` on a connection for reading.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.read(body)
    }

    /// Runs `body` in a transaction. With a workspace, the transaction holds that workspace's write
    /// lock from its first statement, and signals `commits` after it commits. `announcing` names one
    /// more thing to signal on commit, without taking any lock (an execution's new log lines:
    /// `CommitSignal.logs(of:)`).
    public func write<T: Sendable>(
        workspace: String?, announcing: String? = nil, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await backend.write(workspace: workspace, announcing: announcing, body)
    }

    /// Runs `body` outside any transaction (schema changes that manage their own).
    func withSchemaConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.schema(body)
    }

    public func close() async {
        await backend.close()
    }
}

protocol DatabaseBackend: Sendable {
    func open() async throws
    func run() async throws
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func write<T: Sendable>(
        workspace: String?, announcing: String?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T
    func schema<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}
