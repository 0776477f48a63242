import Foundation

/// What an API key may be used for, whatever its role: a read-only key for a dashboard script can't
/// write even if its creator is an admin. `admin` includes `write`, which includes `read`; `worker`
/// (running executions) belongs to workers' own keys. A key acts with the lesser of its scopes and
/// its creator's current role.
public enum KeyScope: String, CaseIterable, Sendable, Codable {
    case read, write, admin, worker

    /// The scope an action needs.
    public static func required(for action: Action) -> KeyScope {
        switch action {
        case .readWorkspace: .read
        case .runExecutions, .completeExecution: .worker
        default: Permission.minimumRole(for: action) >= .admin ? .admin : .write
        }
    }

    /// The scopes a key is given, each with the ones it includes. A person's key can't be a
    /// worker's; no scope at all is refused by name.
    public static func granted(_ requested: [KeyScope], field: String = "scopes") throws -> Set<KeyScope> {
        guard !requested.isEmpty else { throw ValidationError(field: field, message: "must name at least one of read, write, admin") }
        if requested.contains(.worker) {
            throw ValidationError(field: field, message: "worker is the scope of a worker's own key; add a worker instead")
        }
        var scopes = Set(requested)
        if scopes.contains(.admin) { scopes.insert(.write) }
        if scopes.contains(.write) { scopes.insert(.read) }
        return scopes
    }

    /// A person's key made before scopes existed, or without naming any: whatever its role allows
    /// (the role still limits it), so that such keys keep working as they did.
    public static func personDefault(for role: Role) -> Set<KeyScope> {
        role >= .admin ? [.read, .write, .admin] : [.read, .write]
    }
    /// A worker's key and its agents' keys.
    public static let workerDefault: Set<KeyScope> = [.read, .write, .worker]

    /// Stored form: the scope names, sorted, comma-separated.
    public static func stored(_ scopes: Set<KeyScope>) -> String {
        scopes.map(\.rawValue).sorted().joined(separator: ",")
    }

    public static func parse(stored text: String?) -> Set<KeyScope>? {
        guard let text, !text.isEmpty else { return nil }
        return Set(text.split(separator: ",").compactMap { KeyScope(rawValue: String($0)) })
    }
}
