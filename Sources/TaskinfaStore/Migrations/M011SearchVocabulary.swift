// The search indexes' own vocabularies, read to turn a typed prefix into the whole words it stands
// for (`SearchWords`). `fts5vocab` tables store nothing: each reads its index when queried.
// PostgreSQL has no counterpart to make.
extension Migration {
    static let m011SearchVocabulary = Migration(
        version: 11,
        name: "search vocabularies",
        sqlite: [
            "CREATE VIRTUAL TABLE task_search_words USING fts5vocab(task_search, instance)",
            "CREATE VIRTUAL TABLE comment_search_words USING fts5vocab(comment_search, instance)",
        ],
        postgres: []
    )
}
