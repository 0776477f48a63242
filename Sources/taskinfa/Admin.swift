import ArgumentParser
import Foundation
import Logging
import TaskinfaStore

/// `taskinfa admin …`: operators' commands that work on the database directly.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operators' commands (migrations).",
        subcommands: [Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending database migrations and exit (the server also does this on start).")

        @Option(name: .customLong("data-dir"), help: "Folder of the SQLite database (env TASKINFA_DATA_DIR).")
        var dataDirectory: String?

        @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env DATABASE_URL).")
        var databaseURL: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let location = try DatabaseLocation.resolve(
                databaseURL: databaseURL ?? environment["DATABASE_URL"],
                dataDirectory: dataDirectory ?? environment["TASKINFA_DATA_DIR"] ?? "./taskinfa-data")
            let database = try Database(location: location, logger: Logger(label: "taskinfa.admin"))
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await database.run() }
                try await database.prepare()
                print("\(location): schema is up to date")
                await database.close()
                group.cancelAll()
            }
        }
    }
}
