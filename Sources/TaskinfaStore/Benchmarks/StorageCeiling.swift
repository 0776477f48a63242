import Foundation
import Logging
import SQLiteNIO
import Synchronization
import TaskinfaCore

/// What SQLite itself manages for the rows one task create writes (the project's next number, the
/// column's last position, the task with its search index, the event) and one move writes, one
/// transaction each, with nothing in between: no HTTP, no SQLKit, statements compiled once.
/// `taskinfa-bench` holds the server's creates and moves against it, measured on the same file
/// system in the same run.
public final class StorageCeiling {
    public struct Result: Sendable {
        public let transactions: Int
        public let elapsed: Duration

        public var perSecond: Double {
            Double(transactions) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    private let handle: SQLiteHandle
    private let workspaceID: String
    private let projectID: String
    private let userID: String
    /// The first tasks created: the ones moves shuffle, as the benchmark's moves do a column's.
    private var column: [String] = []

    private init(handle: SQLiteHandle, workspaceID: String, projectID: String, userID: String) {
        self.handle = handle
        self.workspaceID = workspaceID
        self.projectID = projectID
        self.userID = userID
    }

    /// SQLite statements run, virtual-machine steps taken and cached statements compiled again so
    /// far by this process.
    public static var sqliteWork: (statements: Int, steps: Int, recompilations: Int) {
        (
            SQLiteHandle.statementsRun.load(ordering: .relaxed), SQLiteHandle.machineSteps.load(ordering: .relaxed),
            SQLiteHandle.recompilations.load(ordering: .relaxed)
        )
    }

    /// A new database under `directory` with the server's schema (its own migrations), an account
    /// and a project (its own repositories), opened as the server's writer is.
    public static func open(directory: String) async throws -> StorageCeiling {
        let path = directory + "/ceiling.sqlite"
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "ceiling"))
        try await database.prepare()
        let (scope, projectID) = try await benchmarkAccount(in: Store(database: database), name: "Ceiling", key: "CEI")
        await database.close()
        let handle = try SQLiteHandle(path: path)
        for pragma in SQLiteBackend.writerPragmas { try handle.execute(pragma, []) { _ in } }
        return StorageCeiling(handle: handle, workspaceID: scope.workspaceID, projectID: projectID, userID: scope.userID)
    }

    /// An account (its owner's scope) and a project, made through the repositories as sign-up makes them.
    public static func benchmarkAccount(in store: Store, name: String, key: String) async throws -> (WorkspaceScope, String) {
        let (user, workspace) = try await store.accounts.signUp(
            email: "\(name.lowercased())@example.com", name: name, passwordHash: "-")
        let scope = WorkspaceScope(
            workspaceID: workspace.id, actor: Actor(type: .user, id: user.id, name: user.name), role: .owner, userID: user.id)
        let project = try await store.projects.create(
            scope, ProjectDraft(name: name, key: key, description: nil, repositoryURL: nil, defaultBranch: nil))
        return (scope, project.id)
    }

    /// Creates for `duration`, then moves for `duration`, from one thread.
    public static func measure(
        directory: String, duration: Duration, text: @escaping @Sendable () -> (title: String, description: String)
    ) async throws -> (creates: Result, moves: Result) {
        let ceiling = try await open(directory: directory)
        defer { ceiling.close() }
        let creates = try repeatFor(duration) {
            let (title, description) = text()
            try ceiling.create(title: title, description: description)
        }
        let moves = try repeatFor(duration) { try ceiling.move() }
        return (creates, moves)
    }

    /// One create's rows in one transaction.
    public func create(title: String, description: String) throws {
        let now = Int(Date().timeIntervalSince1970 * 1000)
        let id = UUID().uuidString.lowercased()
        try transaction {
            var number = 0
            try handle.execute(
                "UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = ? RETURNING next_task_number",
                [.text(projectID)]
            ) { row in number = (row.values.first?.integer ?? 1) - 1 }
            var last: String?
            try handle.execute(
                "SELECT position FROM tasks WHERE workspace_id = ? AND status_order = 0 ORDER BY position DESC LIMIT 1",
                [.text(workspaceID)]
            ) { row in last = row.values.first?.string }
            try handle.execute(
                """
                INSERT INTO tasks (id, workspace_id, project_id, number, title, description, status, status_order,
                    priority, priority_rank, position, created_by, created_at, updated_at, entered_status_at)
                VALUES (?, ?, ?, ?, ?, ?, 'backlog', 0, 'medium', 2, ?, ?, ?, ?, ?)
                """,
                [.text(id), .text(workspaceID), .text(projectID), .integer(number), .text(title), .text(description),
                 .text(try Rank.between(last, nil)), .text(userID), .integer(now), .integer(now), .integer(now)]
            ) { _ in }
            try appendEvent("task.created", task: id, title: title, at: now)
        }
        if column.count < 100 { column.append(id) }
    }

    /// One move's rows in one transaction: a task of the column to just above another one.
    public func move() throws {
        guard column.count > 1 else { return }
        let id = column.randomElement()!
        var anchor = column.randomElement()!
        while anchor == id { anchor = column.randomElement()! }
        let now = Int(Date().timeIntervalSince1970 * 1000)
        try transaction {
            var title = ""
            try handle.execute("SELECT title FROM tasks WHERE id = ? AND workspace_id = ?", [.text(id), .text(workspaceID)]) {
                row in title = row.values.first?.string ?? ""
            }
            var upper = ""
            try handle.execute("SELECT position FROM tasks WHERE id = ? AND workspace_id = ?", [.text(anchor), .text(workspaceID)]) {
                row in upper = row.values.first?.string ?? ""
            }
            var lower: String?
            try handle.execute(
                """
                SELECT position FROM tasks WHERE workspace_id = ? AND status_order = 0 AND id <> ? AND position < ?
                ORDER BY position DESC LIMIT 1
                """,
                [.text(workspaceID), .text(id), .text(upper)]
            ) { row in lower = row.values.first?.string }
            try handle.execute(
                "UPDATE tasks SET position = ?, version = version + 1, updated_at = ? WHERE id = ?",
                [.text(try Rank.between(lower, upper)), .integer(now), .text(id)]
            ) { _ in }
            try appendEvent("task.moved", task: id, title: title, at: now)
        }
    }

    public func close() {
        handle.close()
    }

    private func appendEvent(_ type: String, task id: String, title: String, at now: Int) throws {
        try handle.execute(
            """
            INSERT INTO events (workspace_id, sequence, type, task_id, actor_type, actor_id, actor_name, data, created_at)
            SELECT id, event_sequence + 1, ?, ?, 'user', ?, 'Ceiling', ?, ? FROM workspaces WHERE id = ?
            """,
            [.text(type), .text(id), .text(userID), .text(#"{"title":"\#(title)"}"#), .integer(now), .text(workspaceID)]
        ) { _ in }
    }

    private func transaction(_ body: () throws -> Void) throws {
        try handle.execute("BEGIN IMMEDIATE", []) { _ in }
        do {
            try body()
            try handle.execute("COMMIT", []) { _ in }
        } catch {
            try? handle.execute("ROLLBACK", []) { _ in }
            throw error
        }
    }

    private static func repeatFor(_ duration: Duration, _ write: () throws -> Void) throws -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        var count = 0
        while clock.now - started < duration {
            try write()
            count += 1
        }
        return Result(transactions: count, elapsed: clock.now - started)
    }
}
