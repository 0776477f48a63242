import Foundation
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

/// Implements the generated `APIProtocol`: each handler (one file per feature, `…Handlers.swift`)
/// checks access, calls the store and maps types. Rules live in TaskinfaCore, SQL in TaskinfaStore.
struct APIImplementation: APIProtocol {
    let store: Store
    let access: Access
    let passwords: PasswordHasher
    let configuration: ServerConfiguration
    let hub: EventHub
    /// The open event and log streams, re-checked against their credentials.
    let streams: OpenStreams
    /// Wakes log streams when their execution's lines commit.
    let waiters: CommitWaiters
    /// Seals and opens the secrets kept in the database (TOTP seeds).
    let secrets: SecretBox
    /// The single sign-on provider, when one is configured.
    let identityProvider: OIDCProvider?

    /// For a PATCH member: absent → nil (leave alone), `null` → `.some(nil)` (clear), a value → `.some(value)`.
    func patch<T>(_ value: T?, _ path: String) -> T?? {
        if let value { return .some(value) }
        return RequestInfo.current.isNull(path) ? .some(nil) : nil
    }
}

/// `If-Match: "3"` (or `W/"3"`, or a bare 3) → 3; `*` or no header → nil (no precondition).
enum ETag {
    static func version(_ header: String?) throws -> Int? {
        guard var text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text != "*" else { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(text), version > 0 else {
            throw ValidationError(field: "If-Match", message: "must be a task's ETag, e.g. \"3\"")
        }
        return version
    }
}
