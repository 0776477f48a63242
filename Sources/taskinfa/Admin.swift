import ArgumentParser
import Foundation
import Logging
import TaskinfaCore
import TaskinfaServer
import TaskinfaStore

/// `taskinfa admin …`: operators' commands that work on the database directly.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operators' commands (migrations, setting a forgotten password, rotating the secret key).",
        subcommands: [Migrate.self, SetPassword.self, DisableTwoFactor.self, RotateSecretKey.self])

    /// Where the database is, as `serve` finds it.
    struct DatabaseOptions: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "Folder of the SQLite database (env TASKINFA_DATA_DIR).")
        var dataDirectory: String?

        @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env DATABASE_URL).")
        var databaseURL: String?

        func location() throws -> DatabaseLocation {
            let environment = ProcessInfo.processInfo.environment
            return try DatabaseLocation.resolve(
                databaseURL: databaseURL ?? environment["DATABASE_URL"],
                dataDirectory: dataDirectory ?? environment["TASKINFA_DATA_DIR"] ?? "./taskinfa-data")
        }

        /// Opens the database (migrated), runs `body`, closes it.
        func withDatabase(_ body: @escaping @Sendable (Database, DatabaseLocation) async throws -> Void) async throws {
            let location = try location()
            let database = try Database(location: location, logger: Logger(label: "taskinfa.admin"))
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await database.run() }
                try await database.prepare()
                do {
                    try await body(database, location)
                } catch {
                    await database.close()
                    throw error
                }
                await database.close()
                group.cancelAll()
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set an account's password, read from standard input (never a flag: it would show in `ps`); every session of the account ends.")

        @Option(help: "The account's e-mail address.")
        var email: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("write the new password on standard input, e.g. `read -s P; echo \"$P\" | taskinfa admin set-password --email …`")
            }
            let email = self.email
            do {
                try await database.withDatabase { database, _ in
                    try await AccountAdministration.setPassword(email: email, password: line, store: Store(database: database))
                }
            } catch let error as TaskinfaCore.ValidationError {
                throw ValidationError(error.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
            } catch is NotFoundError {
                throw ValidationError("no active account has the e-mail address \(email)")
            }
            print("password set for \(email); every session of the account has ended")
        }
    }

    struct DisableTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable-two-factor",
            abstract: "Turn two-factor sign-in off for an account that lost its phone and recovery codes; every session of the account ends.")

        @Option(help: "The account's e-mail address.")
        var email: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let email = self.email
            do {
                try await database.withDatabase { database, _ in
                    try await AccountAdministration.disableTwoFactor(email: email, store: Store(database: database))
                }
            } catch is NotFoundError {
                throw ValidationError("no active account has the e-mail address \(email)")
            }
            print("two-factor sign-in is off for \(email); every session of the account has ended")
        }
    }

    struct RotateSecretKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret-key",
            abstract: "Re-seal every stored secret (TOTP seeds) under a new key.",
            discussion: """
                With the key file of the data folder: makes a new key and swaps it in (stop the server first).
                With TASKINFA_SECRET_KEY: give every replica the new key in TASKINFA_SECRET_KEY and the old one in
                TASKINFA_PREVIOUS_SECRET_KEY, restart them, run this with the same two variables, then drop the old key.
                """)

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let folder = database.dataDirectory ?? environment["TASKINFA_DATA_DIR"] ?? "./taskinfa-data"
            try await database.withDatabase { database, _ in
                let result = try await SecretKeyRotation.rotate(
                    store: Store(database: database), environment: environment, dataDirectory: folder)
                print("re-sealed \(result.resealed) secret(s); the current key is \(result.keyID)")
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending database migrations and exit (the server also does this on start).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withDatabase { _, location in print("\(location): schema is up to date") }
        }
    }
}
