import Foundation
import Logging
import SQLKit
import Testing

@testable import TaskinfaStore

/// The group-commit writer, driven directly against a real SQLite file.
@Suite struct SQLiteWriterTests {
    @Test func aFailingWriteFailsAloneAndTheRestOfItsBatchCommits() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        // Hold the writer in a first write, so that the next three queue up and share one batch.
        let holding = Task { try await fixture.writer.submit() { sql in await gate.wait(); try await fixture.insert(0, on: sql) } }
        try await fixture.waitUntil { await gate.isWaiting }
        let first = Task { try await fixture.writer.submit() { try await fixture.insert(1, on: $0) } }
        let duplicate = Task { try await fixture.writer.submit() { try await fixture.insert(1, on: $0) } }
        let third = Task { try await fixture.writer.submit() { try await fixture.insert(3, on: $0) } }
        try await Task.sleep(for: .milliseconds(50))
        await gate.open()
        try await holding.value
        try await first.value
        await #expect(throws: (any Error).self) { try await duplicate.value }
        try await third.value
        #expect(try await fixture.ids() == [0, 1, 3])
    }

    @Test func aWriteThatFailsAfterWritingLeavesNothingBehind() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let holding = Task { try await fixture.writer.submit() { sql in await gate.wait(); try await fixture.insert(0, on: sql) } }
        try await fixture.waitUntil { await gate.isWaiting }
        // Batched together: the second writes a row, then fails; the rows of the first and third stay.
        let first = Task { try await fixture.writer.submit() { try await fixture.insert(1, on: $0) } }
        let halfDone = Task {
            try await fixture.writer.submit() { sql in
                try await fixture.insert(2, on: sql)
                throw DatabaseError.closed
            }
        }
        let third = Task { try await fixture.writer.submit() { try await fixture.insert(3, on: $0) } }
        try await Task.sleep(for: .milliseconds(50))
        await gate.open()
        try await holding.value
        try await first.value
        await #expect(throws: DatabaseError.self) { try await halfDone.value }
        try await third.value
        #expect(try await fixture.ids() == [0, 1, 3])
    }

    @Test func underContentionEachLoserCostsOneRunAndTheBatchRunsAgainAtMostOnce() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let runs = Counter()
        let holding = Task { try await fixture.writer.submit() { _ in await gate.wait() } }
        try await fixture.waitUntil { await gate.isWaiting }
        // 64 writers race for one row: one wins, 63 fail on the primary key.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    do {
                        try await fixture.writer.submit() { sql in
                            await runs.add()
                            try await fixture.insert(7, on: sql)
                        }
                        return true
                    } catch { return false }
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
            await gate.open()
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        _ = try await holding.value
        #expect(outcomes.filter { $0 }.count == 1)
        // The winner ran before the first loser failed, so it runs once more when the batch goes
        // again with savepoints; every loser runs once.
        #expect(await runs.value == 65)
        #expect(try await fixture.ids() == [7])
    }

    @Test func aWriteQueuedDuringAnExclusiveSectionRunsWhenItEnds() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let section = Task { try await fixture.writer.exclusive { _ in await gate.wait() } }
        try await fixture.waitUntil { await gate.isWaiting }
        let write = Task { try await fixture.writer.submit() { try await fixture.insert(1, on: $0) } }
        try await Task.sleep(for: .milliseconds(50))
        await gate.open()
        try await section.value
        // No later write arrives to wake the queue: this one must go on its own.
        try await fixture.within(.seconds(60)) { try await write.value }
        #expect(try await fixture.ids() == [1])
    }

    @Test func anExclusiveSectionWaitsForTheBatchInProgressThenGoesFirst() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let order = Recorder()
        let batch = Task {
            try await fixture.writer.submit() { _ in await gate.wait(); await order.add("batch") }
        }
        try await fixture.waitUntil { await gate.isWaiting }
        let section = Task { try await fixture.writer.exclusive { _ in await order.add("section") } }
        try await Task.sleep(for: .milliseconds(30))
        let later = Task { try await fixture.writer.submit() { _ in await order.add("later write") } }
        try await Task.sleep(for: .milliseconds(30))
        await gate.open()
        try await fixture.within(.seconds(60)) {
            try await batch.value
            try await section.value
            try await later.value
        }
        #expect(await order.items == ["batch", "section", "later write"])
    }

    @Test func aCancelledCallerNeitherBreaksTheWriterNorLosesHalfAWrite() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let holding = Task { try await fixture.writer.submit() { _ in await gate.wait() } }
        try await fixture.waitUntil { await gate.isWaiting }
        let cancelled = Task {
            try await fixture.writer.submit() { sql in
                try await fixture.insert(1, on: sql)
                try await fixture.insert(2, on: sql)
            }
        }
        cancelled.cancel()
        await gate.open()
        _ = try await holding.value
        _ = try? await cancelled.value
        // The write ran whole (its caller's cancellation doesn't reach into the transaction) …
        #expect(try await fixture.ids() == [1, 2])
        // … and the writer carries on.
        try await fixture.within(.seconds(60)) {
            try await fixture.writer.submit() { try await fixture.insert(3, on: $0) }
        }
        #expect(try await fixture.ids() == [1, 2, 3])
    }

    @Test func quiescingLetsTheBatchInProgressFinishAndRefusesTheRest() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let gate = Gate()
        let inProgress = Task { try await fixture.writer.submit() { sql in await gate.wait(); try await fixture.insert(1, on: sql) } }
        try await fixture.waitUntil { await gate.isWaiting }
        let queued = Task { try await fixture.writer.submit() { try await fixture.insert(2, on: $0) } }
        try await Task.sleep(for: .milliseconds(30))
        let quiesced = Task { await fixture.writer.quiesce() }
        try await Task.sleep(for: .milliseconds(30))
        await gate.open()
        await quiesced.value
        try await inProgress.value
        await #expect(throws: DatabaseError.self) { try await queued.value }
        await #expect(throws: DatabaseError.self) {
            try await fixture.writer.submit() { try await fixture.insert(3, on: $0) }
        }
        #expect(try await fixture.ids() == [1])
    }

    @Test func committedWritesAnnounceTheirWorkspacesOnce() async throws {
        let fixture = try await WriterFixture.open()
        defer { fixture.close() }
        let signals = fixture.commits.stream()
        try await fixture.writer.submit(signals: ["wsp_a"]) { try await fixture.insert(1, on: $0) }
        await #expect(throws: (any Error).self) {
            try await fixture.writer.submit(signals: ["wsp_b"]) { try await fixture.insert(1, on: $0) }
        }
        try await fixture.writer.submit(signals: ["wsp_c"]) { try await fixture.insert(2, on: $0) }
        var seen: [String] = []
        for await workspace in signals {
            seen.append(workspace)
            if seen.count == 2 { break }
        }
        #expect(seen == ["wsp_a", "wsp_c"])
    }
}

/// A writer over a fresh SQLite file with one table of ids.
struct WriterFixture: Sendable {
    let writer: SQLiteWriter
    let commits: CommitSignal
    let handle: SQLiteHandle

    /// The writer over the connection the server uses (`SQLiteHandle`).
    static func open() async throws -> WriterFixture {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString).sqlite").path
        let handle = try SQLiteHandle(path: path)
        try handle.execute("PRAGMA journal_mode = WAL", []) { _ in }
        try handle.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)", []) { _ in }
        let commits = CommitSignal()
        return WriterFixture(
            writer: SQLiteWriter(sql: SQLiteSession(handle, logger: Logger(label: "test"), inline: true), commits: commits), commits: commits,
            handle: handle)
    }

    func insert(_ id: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT INTO items (id) VALUES (\(bind: id))").run()
    }

    func ids() async throws -> [Int] {
        try await writer.exclusive { sql in
            try await sql.raw("SELECT id FROM items ORDER BY id").all().map { try $0.decode(column: "id", as: Int.self) }
        }
    }

    /// Waits for `condition`; the limits here and in `within` are about liveness, not speed: a test
    /// run starting every suite at once on two cores can hold a waiting task back for seconds.
    func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Fails instead of hanging when `body` doesn't finish in time.
    func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let finished = try await group.next()!
            group.cancelAll()
            if !finished { throw TimedOut() }
        }
    }

    func close() {
        let (writer, handle) = (self.writer, self.handle)
        Task {
            await writer.quiesce()
            handle.close()
        }
    }

    struct TimedOut: Error {}
}

/// Holds whoever waits on it until opened.
actor Gate {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var opened = false

    var isWaiting: Bool { !waiters.isEmpty }

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        opened = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

actor Recorder {
    private(set) var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
