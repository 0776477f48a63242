/// One step of the schema's history, written for both dialects. Steps are append-only: a landed
/// step is never edited or reordered, and none drops data without copying it first.
struct Migration: Sendable {
    let version: Int
    let name: String
    let sqlite: [String]
    let postgres: [String]
    /// SQLite only enforces foreign keys when told to, and can't be told inside a transaction: a step
    /// that rebuilds a referenced table runs with them off, and is checked before it commits.
    var foreignKeysOffOnSQLite = false

    func statements(for dialect: SQLDialectKind) -> [String] {
        switch dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }
}

extension Migration {
    /// Every step, oldest first.
    static let all: [Migration] = [
        .m001Foundation,
        .m002Workers,
        .m003EventSequenceTrigger,
        .m004Hardening,
        .m005ReviewAndAnalytics,
        .m006AnalyticsIndexes,
        .m007Invitations,
        .m008TwoFactorAndAudit,
        .m009SingleSignOn,
        .m010ClaimQueueIndex,
        .m011SearchVocabulary,
        .m012SearchKeyedByWorkspace,
        .m013ColumnCounts,
        .m014PostgresUpkeep,
        .m015PositionsAfter,
    ]
}
