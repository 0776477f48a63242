import Foundation
import SQLKit
import TaskinfaCore

/// Whether the credentials behind open streams would still be let in. A stream is checked once, when
/// it opens; these queries let the server re-check all of its open streams at once, a few times a
/// minute, so that revoking a key, ending a session or removing a member also ends their streams.
public struct StreamAdmissionRepository: Sendable {
    let store: Store

    /// A session's access to one workspace.
    public struct SessionAccess: Hashable, Sendable {
        public var sessionID: String
        public var workspaceID: String

        public init(sessionID: String, workspaceID: String) {
            self.sessionID = sessionID
            self.workspaceID = workspaceID
        }
    }

    /// Those of `accesses` still admitted: the session live, its user not disabled, and still an
    /// active member of the workspace.
    public func admitted(_ accesses: Set<SessionAccess>) async throws -> Set<SessionAccess> {
        let now = store.now()
        var admitted = Set<SessionAccess>()
        for chunk in Array(Set(accesses.map(\.sessionID))).chunked(400) {
            let rows = try await store.database.read { sql in
                try await sql.raw(
                    """
                    SELECT s.id AS session_id, m.workspace_id FROM sessions s
                    JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
                    JOIN workspace_members m ON m.user_id = s.user_id AND m.status = 'active'
                    WHERE s.id IN (\(binds: chunk)) AND s.revoked_at IS NULL AND s.expires_at > \(bind: now.milliseconds)
                    """
                ).all().map { SessionAccess(sessionID: try $0.string("session_id"), workspaceID: try $0.string("workspace_id")) }
            }
            admitted.formUnion(rows)
        }
        return admitted.intersection(accesses)
    }

    /// Those of the API keys still usable: not revoked or expired, their creator still an active
    /// member and not disabled, and (for an execution's key) its execution still running.
    public func usableKeys(_ ids: Set<String>) async throws -> Set<String> {
        let now = store.now()
        var usable = Set<String>()
        for chunk in Array(ids).chunked(400) {
            let rows = try await store.database.read { sql in
                try await sql.raw(
                    """
                    SELECT k.id FROM api_keys k
                    JOIN workspace_members m ON m.workspace_id = k.workspace_id AND m.user_id = k.user_id AND m.status = 'active'
                    JOIN users u ON u.id = k.user_id AND u.disabled_at IS NULL
                    LEFT JOIN executions e ON e.id = k.execution_id
                    WHERE k.id IN (\(binds: chunk)) AND k.revoked_at IS NULL
                      AND (k.expires_at IS NULL OR k.expires_at > \(bind: now.milliseconds))
                      AND (k.execution_id IS NULL OR e.status = 'running')
                    """
                ).all().map { try $0.string("id") }
            }
            usable.formUnion(rows)
        }
        return usable
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (an IN list of bounded length).
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
