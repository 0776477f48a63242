import Foundation
import SQLKit
import TaskinfaCore

/// Every column that holds a secret sealed with the server's key, so that a key rotation can
/// re-seal all of them and a server started with the wrong key can tell before it serves.
/// A new integration token column is added to `columns`, and rotation covers it.
public struct SealedSecrets: Sendable {
    let store: Store

    /// One sealed value and where it lives; `context` is what the seal is bound to.
    public struct Value: Sendable, Equatable {
        public var table: String
        public var column: String
        public var rowID: String
        public var sealed: String

        public var context: String { "\(table).\(column):\(rowID)" }
    }

    static let columns: [(table: String, key: String, column: String)] = [
        ("users", "id", "totp_secret"),
        ("users", "id", "totp_pending_secret"),
        ("sso_states", "state_hash", "code_verifier"),
    ]

    /// Where a value of this column and row is sealed to (what a writer passes to `SecretBox.seal`).
    public static func context(table: String, column: String, rowID: String) -> String {
        Value(table: table, column: column, rowID: rowID, sealed: "").context
    }

    public func all() async throws -> [Value] {
        try await store.database.read { sql in
            var values: [Value] = []
            for (table, key, column) in Self.columns {
                for row in try await sql.raw(
                    "SELECT \(unsafeRaw: key) AS row_id, \(unsafeRaw: column) AS sealed FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) IS NOT NULL"
                ).all() {
                    values.append(Value(table: table, column: column, rowID: try row.string("row_id"), sealed: try row.string("sealed")))
                }
            }
            return values
        }
    }

    /// Writes re-sealed values, all or none; each only if its row still holds what was read
    /// (a value changed meanwhile is left alone and reported).
    public func replace(_ changes: [(old: Value, new: String)]) async throws -> Int {
        try await store.database.write(workspace: nil) { sql in
            var replaced = 0
            for (old, new) in changes {
                guard let key = Self.columns.first(where: { $0.table == old.table && $0.column == old.column })?.key else { continue }
                if try await sql.raw(
                    """
                    UPDATE \(unsafeRaw: old.table) SET \(unsafeRaw: old.column) = \(bind: new)
                    WHERE \(unsafeRaw: key) = \(bind: old.rowID) AND \(unsafeRaw: old.column) = \(bind: old.sealed)
                    RETURNING \(unsafeRaw: key)
                    """
                ).first() != nil {
                    replaced += 1
                }
            }
            return replaced
        }
    }
}
