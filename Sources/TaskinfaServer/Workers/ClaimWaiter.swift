import Foundation
import TaskinfaCore
import TaskinfaStore

/// A claim that waits for work (long poll): when nothing is eligible it sleeps until the workspace
/// commits its next event (a task created, moved, unblocked …), the wait runs out or the worker
/// hangs up, then tries again. A task created while workers wait is claimed within milliseconds,
/// without polling — and never for a worker that is no longer on the line: the claim itself checks
/// the connection inside its transaction, and one granted in the instant the worker left is given
/// straight back.
struct ClaimWaiter: Sendable {
    let store: Store
    let hub: EventHub

    func claim(
        _ scope: WorkspaceScope, projectID: String?, excludingProjects excluded: [String], lease: LeasePolicy,
        agentKey: ExecutionRepository.AgentKey, wait: Duration, client: ClientConnection
    ) async throws -> ExecutionRepository.Claim? {
        let attempt = { @Sendable () async throws -> ExecutionRepository.Claim? in
            guard client.isOpen,
                let claim = try await store.executions.claim(
                    scope, projectID: projectID, excludingProjects: excluded, lease: lease, agentKey: agentKey,
                    stillWanted: { client.isOpen })
            else { return nil }
            if !client.isOpen {
                try await store.executions.giveBack(
                    scope, executionID: claim.execution.id, reason: "The worker hung up before it received the task.")
                return nil
            }
            return claim
        }
        if wait <= .zero { return try await attempt() }
        let deadline = ContinuousClock.now + wait
        var seen = try await hub.subscribe(scope.workspaceID)
        do {
            while client.isOpen {
                if let claim = try await attempt() {
                    await hub.unsubscribe(scope.workspaceID)
                    return claim
                }
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero,
                    let next = await nextEvent(scope.workspaceID, after: seen, within: remaining, client: client)
                else { break }
                seen = next
            }
            await hub.unsubscribe(scope.workspaceID)
            return nil
        } catch {
            await hub.unsubscribe(scope.workspaceID)
            throw error
        }
    }

    /// The sequence of the newest event after `sequence`; nil if none came in time or the client left.
    private func nextEvent(_ workspace: String, after sequence: Int64, within timeout: Duration, client: ClientConnection)
        async -> Int64?
    {
        await withTaskGroup(of: Int64?.self) { group in
            group.addTask {
                switch await hub.next(workspace, after: sequence) {
                case .events(let events): return events.last?.sequence
                case .readStore: return try? await store.events.latestSequence(workspace: workspace)
                case .closed: return nil
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            group.addTask {
                await client.closed()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
