import Testing

@testable import TaskinfaCore

@Suite struct QueryTests {
    @Test func searchTermsAreWordsOnly() throws {
        let query = try SearchQuery(#"  Auth" OR tok*en:(x) ^NEAR "#)
        #expect(query.terms == ["auth", "or", "tok", "en", "x", "near"])
        #expect(query.fts5Expression() == #""auth"* AND "or"* AND "tok"* AND "en"* AND "x"* AND "near"*"#)
        #expect(query.tsQuery == "'auth':* & 'or':* & 'tok':* & 'en':* & 'x':* & 'near':*")
    }

    @Test func aPrefixCanStandForTheWordsItMatches() throws {
        let query = try SearchQuery("tok auth se")
        let expression = query.fts5Expression(words: ["tok": ["token", "tokens"], "auth": ["author"], "se": []])
        #expect(expression == #"("token" OR "tokens") AND "author" AND "se"*"#)
        // A word is only ever a quoted string, whatever it holds.
        #expect(query.fts5Expression(words: ["tok": [#"a" OR "b"#]]) == #""a"" OR ""b" AND "auth"* AND "se"*"#)
    }

    @Test func searchKeepsLettersOfEveryScript() throws {
        #expect(try SearchQuery("Grüße 東京").terms == ["grüße", "東京"])
    }

    @Test(arguments: ["", "   ", "*** ::"])
    func aQueryWithoutWordsIsRefused(_ text: String) {
        #expect(throws: ValidationError.self) { try SearchQuery(text) }
    }

    @Test func cursorsRoundTrip() throws {
        let cursor = PageCursor(sort: "position", direction: "asc", values: [.int(2), .string("a0"), .string("tsk_1")])
        #expect(try PageCursor.decode(cursor.encoded()) == cursor)
    }

    @Test(arguments: ["garbage", "e30", String(repeating: "A", count: 3000)])
    func foreignCursorsAreRefused(_ text: String) {
        #expect(throws: ValidationError.self) { try PageCursor.decode(text) }
    }

    @Test func aCursorOfAnotherSortIsRefused() throws {
        let cursor = PageCursor(sort: "title", direction: "asc", values: [.string("x"), .string("tsk_1")]).encoded()
        #expect(throws: ValidationError(field: "cursor", message: "belongs to a different sort or order")) {
            try TaskQuery(filter: TaskFilter(sort: .createdAt), limit: nil, cursor: cursor)
        }
    }

    @Test func defaultSortIsBoardOrderOrRelevanceWhenSearching() throws {
        #expect(try TaskQuery(filter: TaskFilter(), limit: nil, cursor: nil).sort == .position)
        #expect(try TaskQuery(filter: TaskFilter(query: "x"), limit: nil, cursor: nil).sort == .relevance)
    }

    @Test func aFilterNamesABadProjectOrParentAndKeepsEachColumnOnce() throws {
        #expect(throws: ValidationError([
            FieldError(field: "project_id", message: "must be a project id (prj_…)"),
            FieldError(field: "parent_id", message: "must be a task id, a task key or none"),
        ])) {
            try TaskFilter(projectID: "WEB", parentID: "tsk_" + String(repeating: "x", count: 70)).validated()
        }
        let clean = try TaskFilter(statuses: [.todo, .done, .todo, .done], priorities: [.high, .high]).validated()
        #expect(clean.statuses == [.todo, .done] && clean.priorities == [.high])
    }

    @Test func aQueryReportsEveryBadField() {
        #expect(throws: ValidationError([
            FieldError(field: "assignee", message: "must be a member's user id (usr_…) or a worker id (wrk_…)"),
            FieldError(field: "sort", message: "relevance needs a search query (q)"),
            FieldError(field: "limit", message: "must be between 1 and 200"),
        ])) {
            try TaskQuery(filter: TaskFilter(assignee: "bob", sort: .relevance), limit: 500, cursor: nil)
        }
    }

    @Test func meBecomesTheCallerAndDueRangesMustBeInOrder() throws {
        #expect(TaskFilter(assignee: "me").resolvingMe(as: "usr_1").assignee == "usr_1")
        #expect(TaskFilter(assignee: "usr_2").resolvingMe(as: "usr_1").assignee == "usr_2")
        let ordered = TaskFilter(dueFrom: CalendarDate("2026-12-01"), dueTo: CalendarDate("2026-12-01"))
        #expect(try ordered.validated() == ordered)
        #expect(throws: ValidationError(field: "due_to", message: "must not be before due_from")) {
            try TaskFilter(dueFrom: CalendarDate("2026-12-02"), dueTo: CalendarDate("2026-12-01")).validated()
        }
    }
}
