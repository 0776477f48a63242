import Foundation
import Logging
import SQLKit
import TaskinfaCore
import Testing

@testable import TaskinfaStore

/// The re-check behind open streams: what would no longer be let in is reported as such.
@Suite struct StreamAdmissionTests {
    @Test func aRemovedMemberLosesBothSessionAndKeysAndOthersKeepTheirs() async throws {
        let store = try await openStore()
        defer { Task { await store.database.close() } }
        let (ann, workspace) = try await store.accounts.signUp(email: "ann@example.com", name: "Ann", passwordHash: "x")
        let (bob, _) = try await store.accounts.signUp(email: "bob@example.com", name: "Bob", passwordHash: "x")
        // Invitations come with the teams issue; until then the member row is written directly.
        try await store.database.write(workspace: workspace.id) { sql in
            try await sql.raw(
                """
                INSERT INTO workspace_members (workspace_id, user_id, role, joined_at)
                VALUES (\(bind: workspace.id), \(bind: bob.id), 'member', 0)
                """
            ).run()
        }
        let owner = scope(ann, .owner, in: workspace.id)
        let member = scope(bob, .member, in: workspace.id)
        let annSession = try await store.accounts.createSession(
            userID: ann.id, tokenHash: "ann-session", ipAddress: nil, userAgent: nil, policy: SessionPolicy())
        let bobSession = try await store.accounts.createSession(
            userID: bob.id, tokenHash: "bob-session", ipAddress: nil, userAgent: nil, policy: SessionPolicy())
        let annKey = try await store.apiKeys.create(owner, name: "a", role: .owner, expiresAt: nil, tokenHash: "ak", preview: "a")
        let bobKey = try await store.apiKeys.create(member, name: "b", role: .member, expiresAt: nil, tokenHash: "bk", preview: "b")
        let accesses: Set<StreamAdmissionRepository.SessionAccess> = [
            .init(sessionID: annSession.id, workspaceID: workspace.id), .init(sessionID: bobSession.id, workspaceID: workspace.id),
        ]

        #expect(try await store.streamAdmission.admitted(accesses) == accesses)
        #expect(try await store.streamAdmission.usableKeys([annKey.id, bobKey.id]) == [annKey.id, bobKey.id])

        try await store.workspaces.removeMember(owner, userID: bob.id)
        #expect(try await store.streamAdmission.admitted(accesses) == [.init(sessionID: annSession.id, workspaceID: workspace.id)])
        #expect(try await store.streamAdmission.usableKeys([annKey.id, bobKey.id]) == [annKey.id])
    }

    @Test func aRevokedKeyAndAnEndedSessionAreNoLongerAdmitted() async throws {
        let store = try await openStore()
        defer { Task { await store.database.close() } }
        let (ann, workspace) = try await store.accounts.signUp(email: "ann@example.com", name: "Ann", passwordHash: "x")
        let owner = scope(ann, .owner, in: workspace.id)
        let session = try await store.accounts.createSession(
            userID: ann.id, tokenHash: "s", ipAddress: nil, userAgent: nil, policy: SessionPolicy())
        let key = try await store.apiKeys.create(owner, name: "a", role: .owner, expiresAt: nil, tokenHash: "k", preview: "a")
        let access = StreamAdmissionRepository.SessionAccess(sessionID: session.id, workspaceID: workspace.id)
        // A session is admitted to its user's workspaces only.
        let elsewhere = StreamAdmissionRepository.SessionAccess(sessionID: session.id, workspaceID: "wsp_other")
        #expect(try await store.streamAdmission.admitted([access, elsewhere]) == [access])

        try await store.apiKeys.revoke(owner, keyID: key.id)
        try await store.accounts.revokeSession(id: session.id, userID: ann.id)
        #expect(try await store.streamAdmission.usableKeys([key.id]).isEmpty)
        #expect(try await store.streamAdmission.admitted([access]).isEmpty)
    }

    private func openStore() async throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("admission-\(UUID().uuidString).sqlite").path
        let database = try Database(location: .sqlite(path: path), logger: Logger(label: "test"))
        try await database.prepare()
        return Store(database: database)
    }

    private func scope(_ user: User, _ role: Role, in workspaceID: String) -> WorkspaceScope {
        WorkspaceScope(workspaceID: workspaceID, actor: Actor(type: .user, id: user.id, name: user.name), role: role, userID: user.id)
    }
}
