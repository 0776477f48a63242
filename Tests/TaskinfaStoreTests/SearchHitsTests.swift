import Foundation
import Logging
import TaskinfaCore
import Testing

@testable import TaskinfaStore

/// A board or a list in another order than relevance shows, of a search's matches, the newest
/// `SearchSQL.candidates` (and the tasks of as many matching comments), counts exactly those, and
/// says when more matched: the cost of a word nearly every task has stays that of a rare one.
@Suite struct SearchHitsTests {
    @Test func aBoardSearchShowsTheNewestMatchesAndSaysWhenMoreMatched() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hits-\(UUID().uuidString).sqlite").path
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"))
        try await database.prepare()
        let store = Store(database: database)
        let (scope, project) = try await StorageCeiling.benchmarkAccount(in: store, name: "Ann", key: "ANN")
        let extra = 100
        let total = SearchSQL.candidates + extra
        // Every task says "needle"; every hundredth also "haystack". Task numbers follow creation.
        try await BenchmarkFill.fill(store, workspaceID: scope.workspaceID, projectID: project, createdBy: scope.userID, count: total) {
            index in (title: "needle \(index)" + (index % 100 == 0 ? " haystack" : ""), description: "")
        }
        let comment = try await store.tasks.create(scope, try SearchUpgradeTests.draft(project, "quiet task"))
        _ = try await store.comments.create(scope, taskRef: comment.id, kind: .comment, body: "a needle in it", loopNumber: nil)

        let many = try await store.tasks.board(scope, TaskFilter(query: "needle"), columns: TaskStatus.allCases, limit: 30)
        #expect(many.searchTruncated)
        // The newest matches of the task index, and the task whose comment matches.
        #expect(many.columns.map(\.count).reduce(0, +) == SearchSQL.candidates + 1)
        // Each column's first page in board order (and the other way round), with a cursor for more.
        let backlog = try #require(many.columns.first { $0.status == .backlog })
        #expect(backlog.page.items.map(\.title) == (extra + 1...extra + 30).map { "needle \($0)" })
        #expect(backlog.page.nextCursor != nil)
        let reversed = try await store.tasks.board(
            scope, TaskFilter(query: "needle", sort: .position, order: .desc), columns: [.todo, .backlog], limit: 2)
        #expect(reversed.columns.map { $0.page.items.map(\.title) } == [
            ["needle 2000 haystack", "needle 1900 haystack"], ["quiet task", "needle 2099"],
        ])
        let (counts, truncated) = try await store.tasks.counts(scope, TaskFilter(query: "needle"))
        #expect(truncated && counts.values.reduce(0, +) == SearchSQL.candidates + 1)
        // The fill puts each task at the bottom of its column (every hundredth in To Do, the rest
        // in the backlog): the top of the backlog is the oldest match kept, the first `extra` being left out.
        let oldest = try await store.tasks.list(
            scope, try TaskQuery(filter: TaskFilter(statuses: [.backlog], query: "needle", sort: .position), limit: 2, cursor: nil))
        #expect(oldest.items.map(\.title) == ["needle \(extra + 1)", "needle \(extra + 2)"])

        let few = try await store.tasks.board(scope, TaskFilter(query: "haystack"), columns: TaskStatus.allCases, limit: 30)
        #expect(!few.searchTruncated)
        #expect(few.columns.map(\.count).reduce(0, +) == total / 100)
        #expect(few.columns.flatMap { $0.page.items.map(\.title) }.count == total / 100)
        let none = try await store.tasks.board(scope, TaskFilter(query: "nothing"), columns: TaskStatus.allCases, limit: 30)
        #expect(!none.searchTruncated && none.columns.allSatisfy { $0.count == 0 && $0.page.items.isEmpty })

        // Ranked by relevance under another filter: among the same newest matches, so it answers
        // at once instead of probing every match for every task of the project.
        let ranked = try await store.tasks.list(
            scope, try TaskQuery(filter: TaskFilter(projectID: project, query: "needle"), limit: 5, cursor: nil))
        #expect(ranked.items.count == 5)
    }
}
