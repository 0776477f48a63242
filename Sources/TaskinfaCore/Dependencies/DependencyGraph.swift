/// Task dependencies: "A is blocked by B" edges. Pure graph rules; the store supplies the edges.
public enum DependencyKind: String, Codable, CaseIterable, Sendable {
    /// The task can't start until the other is done.
    case blocks
    case relatesTo = "relates_to"
    case duplicates
}

public enum DependencyGraph {
    /// Whether adding "`task` depends on `dependsOn`" closes a cycle of blocking edges, given the
    /// existing edges as task → what it depends on.
    public static func wouldCycle(adding task: String, dependsOn: String, edges: [String: [String]]) -> Bool {
        if task == dependsOn { return true }
        var seen: Set<String> = []
        var stack = [dependsOn]
        while let current = stack.popLast() {
            if current == task { return true }
            guard seen.insert(current).inserted else { continue }
            stack.append(contentsOf: edges[current] ?? [])
        }
        return false
    }
}
