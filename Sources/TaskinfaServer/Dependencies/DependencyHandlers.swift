import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listDependencies(_ input: Operations.ListDependencies.Input) async throws -> Operations.ListDependencies.Output {
        let scope = try await access.task(input.path.taskId)
        let (dependsOn, dependents) = try await store.dependencies.list(scope, taskRef: input.path.taskId)
        let blocked = dependsOn.contains { $0.kind == .blocks && $0.other.status != .done }
        return .ok(
            .init(
                body: .json(
                    .init(
                        dependsOn: dependsOn.map { .init($0, reverse: false) }, dependents: dependents.map { .init($0, reverse: true) },
                        blocked: blocked))))
    }

    func addDependency(_ input: Operations.AddDependency.Input) async throws -> Operations.AddDependency.Output {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let edge = try await store.dependencies.add(
            scope, taskRef: input.path.taskId, dependsOn: body.dependsOnTaskId,
            kind: body.kind?.domain ?? .blocks)
        return .created(.init(body: .json(.init(edge, reverse: false))))
    }

    func removeDependency(_ input: Operations.RemoveDependency.Input) async throws -> Operations.RemoveDependency.Output {
        let scope = try await access.task(input.path.taskId)
        try await store.dependencies.remove(scope, taskRef: input.path.taskId, dependsOn: input.query.dependsOnTaskId)
        return .noContent(.init())
    }
}

extension Components.Schemas.Dependency {
    /// An edge as seen from `edge.task`; for dependents (`reverse`) the other task is the dependent.
    init(_ edge: DependencyRepository.Edge, reverse: Bool) {
        let (from, to) = reverse ? (edge.other, edge.task) : (edge.task, edge.other)
        self.init(
            taskId: from.id, dependsOnTaskId: to.id, dependsOnKey: reverse ? from.key : to.key,
            dependsOnStatus: .init(reverse ? from.status : to.status), kind: .init(edge.kind),
            createdAt: edge.createdAt)
    }
}
