import Foundation
import SQLKit
import TaskinfaCore

/// Column readers shared by the repositories. Timestamps are stored as integer milliseconds.
extension SQLRow {
    func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    func int(_ column: String) throws -> Int {
        Int(try decode(column: column, as: Int64.self))
    }

    func optionalInt(_ column: String) throws -> Int? {
        try decodeNil(column: column) ? nil : Int(decode(column: column, as: Int64.self))
    }

    func int64(_ column: String) throws -> Int64 {
        try decode(column: column, as: Int64.self)
    }

    func date(_ column: String) throws -> Date {
        Timestamp.date(milliseconds: try decode(column: column, as: Int64.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try decodeNil(column: column) ? nil : Timestamp.date(milliseconds: decode(column: column, as: Int64.self))
    }
}

extension Date {
    /// The stored form of a timestamp.
    var milliseconds: Int64 { Timestamp.milliseconds(self) }
}

extension Optional where Wrapped == Date {
    var milliseconds: Int64? { self.map(Timestamp.milliseconds) }
}

/// Database errors the repositories turn into domain errors.
enum ConstraintViolation {
    /// A UNIQUE constraint (or primary key) refused the row: SQLite's "UNIQUE constraint failed",
    /// PostgreSQL's SQLSTATE 23505.
    static func isUnique(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("UNIQUE constraint failed") || text.contains("23505")
            || text.contains("duplicate key value")
    }
}
