import Foundation
import Logging
import SQLKit
import TaskinfaCore
import Testing

@testable import TaskinfaStore

/// A prefix beyond the prefix index is asked for as the words it begins: the words must be exactly
/// those of the index, and a prefix with too many (or folded characters) must stay a prefix.
@Suite struct SearchWordsTests {
    static func store() async throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString).sqlite").path
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"))
        try await database.prepare()
        return Store(database: database)
    }

    @Test func aPrefixStandsForTheWordsOfEachIndexThatBeginWithIt() async throws {
        let store = try await Self.store()
        try await store.database.write(workspace: nil) { sql in
            let titles = ["zebra crossing", "Zebrafish tank", "two zebras", "zebu"] + (0..<20).map { "quartz\($0)x" }
            for (row, title) in titles.enumerated() {
                try await sql.raw(
                    "INSERT INTO task_search (rowid, title, labels, description) VALUES (\(bind: row + 1), \(bind: title), '', '')"
                ).run()
            }
            try await sql.raw("INSERT INTO comment_search (rowid, body) VALUES (1, 'zebrawood zebra')").run()
        }
        let words = try await store.database.read { sql in
            try await SearchWords.lookUp(try SearchQuery("zebr quartz ab zébr"), dialect: .sqlite, on: sql)
        }
        #expect(words.tasks["zebr"] == ["zebra", "zebrafish", "zebras"])
        #expect(words.comments["zebr"] == ["zebra", "zebrawood"])
        // Twenty words: more than are worth looking up, so the prefix stays.
        #expect(words.tasks["quartz"] == nil)
        // Words spread over many index segments (one per transaction) still come in order.
        for (offset, word) in ["zebrine", "zebrass", "zebrano"].enumerated() {
            try await store.database.write(workspace: nil) { sql in
                try await sql.raw(
                    "INSERT INTO task_search (rowid, title, labels, description) VALUES (\(bind: 100 + offset), \(bind: word), '', '')"
                ).run()
            }
        }
        let spread = try await store.database.read { sql in
            try await SearchWords.lookUp(try SearchQuery("zebr"), dialect: .sqlite, on: sql)
        }
        #expect(spread.tasks["zebr"] == ["zebra", "zebrafish", "zebrano", "zebras", "zebrass", "zebrine"])
        // Covered by the prefix index, or folded by the tokenizer: not looked up.
        #expect(SearchWords.prefixes(of: try SearchQuery("zebr quartz ab zébr zebr")) == ["zebr", "quartz"])
    }
}

/// Migration 12 rebuilds the SQLite search indexes keyed by workspace: what was searchable before
/// the upgrade must be after it, in its own workspace only, and stay in step with later changes.
@Suite struct SearchUpgradeTests {
    static func titles(_ store: Store, _ scope: WorkspaceScope, _ query: String) async throws -> Set<String> {
        let page = try await store.tasks.list(scope, try TaskQuery(filter: TaskFilter(query: query), limit: 50, cursor: nil))
        return Set(page.items.map(\.title))
    }

    static func draft(_ project: String, _ title: String) throws -> TaskDraft {
        try TaskDraft(
            projectID: project, title: title, description: nil, status: nil, priority: nil, labels: nil, assigneeID: nil,
            dueDate: nil, parentID: nil)
    }

    @Test func upgradingKeepsEveryWorkspaceSearchableAndApart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString).sqlite").path
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"))
        try await database.backend.open()
        try await Migrator(database: database).migrate(through: 11)
        let store = Store(database: database)
        let (alice, aliceProject) = try await StorageCeiling.benchmarkAccount(in: store, name: "Alice", key: "ALI")
        let (bob, bobProject) = try await StorageCeiling.benchmarkAccount(in: store, name: "Bob", key: "BOB")
        _ = try await store.tasks.create(alice, try Self.draft(aliceProject, "zebra crossing"))
        let quiet = try await store.tasks.create(alice, try Self.draft(aliceProject, "quiet task"))
        _ = try await store.comments.create(alice, taskRef: quiet.id, kind: .comment, body: "zebrawood sample", loopNumber: nil)
        _ = try await store.tasks.create(bob, try Self.draft(bobProject, "zebra herd"))

        try await Migrator(database: database).migrate()
        #expect(try await Self.titles(store, alice, "zebr") == ["zebra crossing", "quiet task"])
        #expect(try await Self.titles(store, bob, "zebr") == ["zebra herd"])

        // A workspace made after the upgrade gets its own range; edits and deletes keep step.
        let (carol, carolProject) = try await StorageCeiling.benchmarkAccount(in: store, name: "Carol", key: "CAR")
        let carols = try await store.tasks.create(carol, try Self.draft(carolProject, "zebra stripes"))
        #expect(try await Self.titles(store, carol, "zebr") == ["zebra stripes"])
        #expect(try await Self.titles(store, bob, "zebr") == ["zebra herd"])
        var rename = TaskChanges()
        rename.title = "plain stripes"
        _ = try await store.tasks.update(carol, carols.id, rename, expectedVersion: nil)
        #expect(try await Self.titles(store, carol, "zebr").isEmpty)
        #expect(try await Self.titles(store, carol, "stri") == ["plain stripes"])
        try await store.tasks.delete(alice, quiet.id, expectedVersion: nil)
        #expect(try await Self.titles(store, alice, "zebr") == ["zebra crossing"])
    }
}
