import Foundation
import TaskinfaCore
import TaskinfaStore

/// A claim that waits for work (long poll): when nothing is eligible it sleeps until the workspace
/// commits its next event (a task created, moved, unblocked …) or the wait runs out, then tries
/// again. A task created while workers wait is claimed within milliseconds, without polling.
struct ClaimWaiter: Sendable {
    let store: Store
    let hub: EventHub

    func claim(_ scope: WorkspaceScope, projectID: String?, lease: LeasePolicy, wait: Duration) async throws
        -> ExecutionRepository.Claim?
    {
        if wait <= .zero { return try await store.executions.claim(scope, projectID: projectID, lease: lease) }
        let deadline = ContinuousClock.now + wait
        var seen = try await hub.subscribe(scope.workspaceID)
        do {
            while true {
                if let claim = try await store.executions.claim(scope, projectID: projectID, lease: lease) {
                    await hub.unsubscribe(scope.workspaceID)
                    return claim
                }
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero, let next = await nextEvent(scope.workspaceID, after: seen, within: remaining) else {
                    await hub.unsubscribe(scope.workspaceID)
                    return nil
                }
                seen = next
            }
        } catch {
            await hub.unsubscribe(scope.workspaceID)
            throw error
        }
    }

    /// The sequence of the newest event after `sequence`, or nil if none came in time.
    private func nextEvent(_ workspace: String, after sequence: Int64, within timeout: Duration) async -> Int64? {
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
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
