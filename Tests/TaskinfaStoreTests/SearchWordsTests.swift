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
                    "INSERT INTO task_search (rowid, workspace, title, labels, description) VALUES (\(bind: row + 1), 'w', \(bind: title), '', '')"
                ).run()
            }
            try await sql.raw("INSERT INTO comment_search (rowid, workspace, body) VALUES (1, 'w', 'zebrawood zebra')").run()
        }
        let words = try await store.database.read { sql in
            try await SearchWords.lookUp(try SearchQuery("zebr quartz ab zébr"), on: sql)
        }
        #expect(words.tasks["zebr"] == ["zebra", "zebrafish", "zebras"])
        #expect(words.comments["zebr"] == ["zebra", "zebrawood"])
        // Twenty words: more than are worth looking up, so the prefix stays.
        #expect(words.tasks["quartz"] == nil)
        // Covered by the prefix index, or folded by the tokenizer: not looked up.
        #expect(SearchWords.prefixes(of: try SearchQuery("zebr quartz ab zébr zebr")) == ["zebr", "quartz"])
    }
}
