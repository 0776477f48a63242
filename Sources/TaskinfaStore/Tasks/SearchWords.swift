import SQLKit
import TaskinfaCore

/// The whole words of the SQLite search indexes that a typed prefix stands for.
///
/// FTS5 answers a prefix its prefix index doesn't cover (`prefix = '2 3'`: longer than three
/// characters) by reading and merging the postings of every word that begins with it before it
/// returns a row: at 100k tasks that merge was most of a search. Looked up first (a seek per word
/// in the index's own vocabulary, `fts5vocab`) and asked for by name, the same words are stepped
/// through lazily, only as far as the page needs. A prefix keeps its `*` when it has no words, or
/// more than `maxWords` (each one's seek would cost more than the merge), or isn't plain ASCII
/// letters and digits (the tokenizer folds accents, which a comparison of words doesn't).
struct SearchWords: Sendable {
    static let maxWords = 16

    /// Per prefix, the words of the task index (titles, labels, descriptions) it stands for.
    var tasks: [String: [String]] = [:]
    /// Per prefix, the words of the comment index it stands for.
    var comments: [String: [String]] = [:]

    /// The prefixes worth looking up: those the prefix index doesn't cover.
    static func prefixes(of search: SearchQuery) -> [String] {
        var seen = Set<String>()
        return search.terms.filter { term in
            term.count > 3 && term.utf8.allSatisfy { $0 < 0x80 } && seen.insert(term).inserted
        }
    }

    /// Looks the prefixes of `search` up in both vocabularies, in one statement: from each prefix,
    /// the first word at or after it, then from each word found the next, while they begin with it.
    /// PostgreSQL has no such vocabulary to read (nor the merge to avoid): none there.
    static func lookUp(_ search: SearchQuery, dialect: SQLDialectKind, on sql: any SQLDatabase) async throws -> SearchWords {
        let prefixes = prefixes(of: search)
        guard dialect == .sqlite, !prefixes.isEmpty else { return SearchWords() }
        var values: SQLQueryString = ""
        for (index, prefix) in prefixes.enumerated() {
            values += index == 0 ? "(\(bind: prefix))" : ", (\(bind: prefix))"
        }
        // `term >= w || ' '` is the first word after `w`: words hold no character below a digit.
        // The vocabulary lists its words in order, so the first row of a seek is the next word.
        let statement: SQLQueryString = """
            WITH RECURSIVE prefix(p) AS (VALUES \(values)),
            word(source, p, term, n) AS (
                SELECT 0, p, (SELECT term FROM task_search_words WHERE term >= p LIMIT 1), 1 FROM prefix
                UNION ALL
                SELECT 1, p, (SELECT term FROM comment_search_words WHERE term >= p LIMIT 1), 1 FROM prefix
                UNION ALL
                SELECT source, p, CASE source
                    WHEN 0 THEN (SELECT term FROM task_search_words WHERE term >= word.term || ' ' LIMIT 1)
                    ELSE (SELECT term FROM comment_search_words WHERE term >= word.term || ' ' LIMIT 1) END, n + 1
                FROM word WHERE n <= \(literal: maxWords) AND substr(word.term, 1, length(p)) = p
            )
            SELECT source, p, term FROM word WHERE substr(term, 1, length(p)) = p
            """
        var found = SearchWords()
        for row in try await sql.raw(statement).all() {
            let prefix = try row.string("p")
            let word = try row.string("term")
            if try row.int("source") == 0 {
                found.tasks[prefix, default: []].append(word)
            } else {
                found.comments[prefix, default: []].append(word)
            }
        }
        // One word past the limit means there are more: such a prefix stays a prefix.
        found.tasks = found.tasks.filter { $0.value.count <= maxWords }
        found.comments = found.comments.filter { $0.value.count <= maxWords }
        return found
    }
}
