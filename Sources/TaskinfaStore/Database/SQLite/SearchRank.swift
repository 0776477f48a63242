import VaporCSQLite

/// `taskinfa_rank(table, weight, weight, …)`: an FTS5 ranking function that scores a row by where
/// the query's words occur in it — each occurrence worth its column's weight — and returns the
/// negated sum, so that lower is better, as with `bm25()`.
///
/// Why not `bm25()`: before scoring its first row it counts, for every phrase of the query, all the
/// rows that contain it (the inverse document frequency), and every query here has the workspace's
/// own token as a phrase, found in every task of the workspace: at 100k tasks that count was most
/// of a search's time, at a million tasks it was the search. This function reads only the row in
/// hand, like PostgreSQL's `ts_rank`.
enum SearchRank {
    static let name = "taskinfa_rank"

    /// Makes the function known to one connection (each has its own FTS5 module).
    static func register(on database: OpaquePointer) throws {
        guard let api = fts5API(of: database) else {
            throw SQLiteFailure(code: SQLITE_ERROR, message: "FTS5 is not available in this SQLite")
        }
        let status = name.withCString { name in
            api.pointee.xCreateFunction(api, name, nil, rank, nil)
        }
        guard status == SQLITE_OK else { throw SQLiteFailure(code: status, message: "could not register \(name)") }
    }

    /// FTS5's registration interface, handed out as a pointer by `SELECT fts5(?1)`.
    private static func fts5API(of database: OpaquePointer) -> UnsafeMutablePointer<fts5_api>? {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(database, "SELECT fts5(?1)", -1, 0, &statement, nil) == SQLITE_OK,
            let statement
        else { return nil }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        withUnsafeMutablePointer(to: &api) { slot in
            // The pointer's type tag must outlive the binding: a static string does.
            let tag = UnsafeRawPointer(("fts5_api_ptr" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
            sqlite_nio_sqlite3_bind_pointer(statement, 1, slot, tag, nil)
            _ = sqlite_nio_sqlite3_step(statement)
        }
        return api
    }

    /// The function itself: C calling convention, no captures.
    private static let rank: fts5_extension_function = { api, context, result, count, values in
        guard let api, let context else { return }
        var instances: Int32 = 0
        guard api.pointee.xInstCount(context, &instances) == SQLITE_OK else {
            sqlite_nio_sqlite3_result_error_code(result, SQLITE_ERROR)
            return
        }
        var score = 0.0
        var phrase: Int32 = 0
        var column: Int32 = 0
        var offset: Int32 = 0
        for index in 0..<instances {
            guard api.pointee.xInst(context, index, &phrase, &column, &offset) == SQLITE_OK else { continue }
            // A column without a weight argument weighs 1.
            score += column < count ? sqlite_nio_sqlite3_value_double(values![Int(column)]) : 1
        }
        sqlite_nio_sqlite3_result_double(result, -score)
    }
}
