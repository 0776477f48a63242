import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listWorkers(_ input: Operations.ListWorkers.Input) async throws -> Operations.ListWorkers.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let workers = try await store.workers.list(scope)
        return .ok(.init(body: .json(.init(workers: workers.map(schema)))))
    }

    func createWorker(_ input: Operations.CreateWorker.Input) async throws -> Operations.CreateWorker.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try Worker.validName(body.name) }
        let specializations = validator.check { try Worker.validSpecializations(body.specializations ?? []) }
        let configuration = validator.check {
            // A new worker drives Claude Code unless told otherwise.
            let defaults = WorkerConfiguration(executor: .claude)
            return try (body.configuration?.merged(over: defaults) ?? defaults).validated()
        }
        try validator.throwIfInvalid()
        let secret = APIKeyRules.newSecret(store.random)
        let worker = try await store.workers.create(
            scope, name: name!, specializations: specializations!, configuration: configuration!,
            keyHash: TokenHash.of(secret), keyPreview: APIKeyRules.preview(of: secret))
        let setup = WorkerSetup(serverURL: publicURL(), worker: worker, secret: secret)
        return .created(
            .init(
                body: .json(
                    .init(worker: schema(worker), secret: secret, command: setup.command, composeService: setup.composeService))))
    }

    func getWorker(_ input: Operations.GetWorker.Input) async throws -> Operations.GetWorker.Output {
        let scope = try await access.worker(input.path.workerId)
        return .ok(.init(body: .json(schema(try await store.workers.get(scope, id: input.path.workerId)))))
    }

    func updateWorker(_ input: Operations.UpdateWorker.Input) async throws -> Operations.UpdateWorker.Output {
        let scope = try await access.worker(input.path.workerId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let current = try await store.workers.get(scope, id: input.path.workerId)
        var validator = Validator()
        let name = validator.check { try body.name.map(Worker.validName) }
        let specializations = validator.check { try body.specializations.map(Worker.validSpecializations) }
        let configuration = validator.check { try body.configuration.map { try $0.merged(over: current.configuration).validated() } }
        try validator.throwIfInvalid()
        let worker = try await store.workers.update(
            scope, id: input.path.workerId, name: name ?? nil, specializations: specializations ?? nil,
            configuration: configuration ?? nil, enabled: body.enabled)
        return .ok(.init(body: .json(schema(worker))))
    }

    func rotateWorkerKey(_ input: Operations.RotateWorkerKey.Input) async throws -> Operations.RotateWorkerKey.Output {
        let scope = try await access.worker(input.path.workerId)
        let secret = APIKeyRules.newSecret(store.random)
        let worker = try await store.workers.rotateKey(
            scope, id: input.path.workerId, keyHash: TokenHash.of(secret), keyPreview: APIKeyRules.preview(of: secret))
        let setup = WorkerSetup(serverURL: publicURL(), worker: worker, secret: secret)
        return .ok(
            .init(
                body: .json(
                    .init(worker: schema(worker), secret: secret, command: setup.command, composeService: setup.composeService))))
    }

    func listWorkerExecutions(_ input: Operations.ListWorkerExecutions.Input) async throws
        -> Operations.ListWorkerExecutions.Output
    {
        let scope = try await access.worker(input.path.workerId)
        let limit = try pageLimit(input.query.limit ?? 50, max: 200)
        let rows = try await store.workers.executions(scope, id: input.path.workerId, limit: limit)
        return .ok(
            .init(body: .json(.init(executions: rows.map { .init(execution: .init($0.0), taskKey: $0.key, taskTitle: $0.title) }))))
    }

    func deleteWorker(_ input: Operations.DeleteWorker.Input) async throws -> Operations.DeleteWorker.Output {
        let scope = try await access.worker(input.path.workerId)
        try await store.workers.delete(scope, id: input.path.workerId)
        return .noContent(.init())
    }

    func workerHeartbeat(_ input: Operations.WorkerHeartbeat.Input) async throws -> Operations.WorkerHeartbeat.Output {
        let scope = try await access.workerSelf(input.path.workerId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let message = try Worker.validStatusMessage(body.message ?? nil)
        let reply = try await store.workers.heartbeat(
            scope, status: body.status.domain, message: message, currentTaskID: body.currentTaskId,
            loop: body.currentLoop, running: body.runningExecutionIds ?? [], lease: configuration.leases)
        return .ok(
            .init(
                body: .json(
                    .init(
                        worker: schema(reply.worker), stopExecutionIds: reply.stop, leaseExpiresAt: reply.leaseExpiresAt,
                        heartbeatIntervalSeconds: Int(configuration.leases.heartbeatInterval)))))
    }

    func claimTask(_ input: Operations.ClaimTask.Input) async throws -> Operations.ClaimTask.Output {
        let scope = try await access.workerSelf(input.path.workerId)
        var projectID: String?
        var excluded: [String] = []
        if case .json(let body)? = input.body {
            projectID = body.projectId ?? nil
            excluded = body.excludeProjectIds ?? []
            if excluded.count > 200 { throw ValidationError(field: "exclude_project_ids", message: "must hold at most 200 ids") }
        }
        let wait = input.query.wait ?? 0
        guard (0...60).contains(wait) else { throw ValidationError(field: "wait", message: "must be between 0 and 60") }
        // The agent of the execution gets a key of its own, good for that execution only.
        let agentSecret = APIKeyRules.newSecret(store.random)
        let claimed = try await ClaimWaiter(store: store, hub: hub).claim(
            scope, projectID: projectID, excludingProjects: excluded, lease: configuration.leases,
            agentKey: .init(tokenHash: TokenHash.of(agentSecret), preview: APIKeyRules.preview(of: agentSecret)),
            wait: .seconds(wait), client: RequestInfo.current.connection)
        guard let claimed else { return .noContent(.init()) }
        let project = try await store.projects.get(scope, id: claimed.task.projectID)
        return .ok(
            .init(
                body: .json(
                    .init(
                        task: .init(claimed.task), execution: .init(claimed.execution), claimToken: claimed.claimToken,
                        agentKey: agentSecret, project: .init(project)))))
    }

    func disconnectWorker(_ input: Operations.DisconnectWorker.Input) async throws -> Operations.DisconnectWorker.Output {
        let scope = try await access.workerSelf(input.path.workerId)
        var reason: String?
        if case .json(let body)? = input.body {
            reason = try TextRules.body(body.reason ?? nil, field: "reason", maxLength: 500)
        }
        let worker = try await store.workers.disconnect(scope, reason: reason)
        return .ok(.init(body: .json(schema(worker))))
    }

    func schema(_ worker: Worker) -> Components.Schemas.Worker {
        .init(worker, now: store.now(), offlineAfter: configuration.leases.offlineAfter)
    }

    /// Where workers reach this server: configured, or as the request came in.
    func publicURL() -> String {
        if let url = configuration.publicURL { return url }
        let info = RequestInfo.current
        return "\(info.isSecure ? "https" : "http")://\(info.authority ?? "\(configuration.host):\(configuration.port)")"
    }
}
