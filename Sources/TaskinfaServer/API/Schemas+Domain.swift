import Foundation
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore

// The generated API types built from domain values: the only place the two meet.

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(
            id: user.id, email: user.email, name: user.name, createdAt: user.createdAt, lastLoginAt: user.lastLoginAt,
            twoFactorEnabled: user.twoFactorEnabled)
    }
}

extension Components.Schemas.Workspace {
    init(_ workspace: Workspace, role: Role?) {
        self.init(
            id: workspace.id, name: workspace.name, description: workspace.description,
            role: role.map(Components.Schemas.Role.init), requireTwoFactor: workspace.requireTwoFactor,
            auditRetentionDays: workspace.auditRetentionDays, ssoDomains: workspace.ssoDomains, ssoRole: .init(workspace.ssoRole),
            createdAt: workspace.createdAt, updatedAt: workspace.updatedAt)
    }
}

extension Components.Schemas.Member {
    init(_ member: Member) {
        self.init(user: .init(member.user), role: .init(member.role), joinedAt: member.joinedAt)
    }
}

extension Components.Schemas.ProjectMember {
    init(_ member: ProjectMember) {
        self.init(user: .init(member.user), workspaceRole: .init(member.workspaceRole), role: .init(rawValue: member.role.rawValue)!)
    }
}

extension Components.Schemas.Session {
    init(_ session: Session, current: Bool) {
        self.init(
            id: session.id, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt,
            ipAddress: session.ipAddress, userAgent: session.userAgent, current: current)
    }
}

extension Components.Schemas.ApiKey {
    init(_ key: APIKey) {
        self.init(
            id: key.id, workspaceId: key.workspaceID, userId: key.userID, name: key.name, preview: key.preview,
            role: .init(key.role), createdAt: key.createdAt, expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt,
            scopes: KeyScope.allCases.filter(key.scopes.contains).map(Components.Schemas.KeyScope.init),
            allowedIps: key.allowedIPs.map(\.description))
    }
}

extension Components.Schemas.Project {
    init(_ project: Project) {
        self.init(
            id: project.id, workspaceId: project.workspaceID, name: project.name, key: project.key,
            description: project.description, repositoryUrl: project.repositoryURL,
            defaultBranch: project.defaultBranch, createdAt: project.createdAt, updatedAt: project.updatedAt)
    }
}

extension Components.Schemas.Task {
    init(_ task: TaskItem) {
        self.init(
            id: task.id, key: task.key, number: task.number, workspaceId: task.workspaceID, projectId: task.projectID,
            title: task.title, description: task.description, status: .init(task.status),
            priority: .init(task.priority), labels: task.labels, assigneeId: task.assigneeID,
            dueDate: task.dueDate?.description, parentId: task.parentID, position: task.position,
            version: task.version, createdBy: task.createdBy, createdAt: task.createdAt, updatedAt: task.updatedAt,
            startedAt: task.startedAt, completedAt: task.completedAt, agent: .init(task.agent),
            summary: task.summary.map {
                .init(comments: $0.comments, subtasks: $0.subtasks, subtasksDone: $0.subtasksDone, blocked: $0.blocked)
            })
    }
}

extension Components.Schemas.AgentState {
    init(_ state: AgentState) {
        self.init(
            claimedBy: state.claimedBy, executionId: state.executionID, failedAttempts: state.failedAttempts,
            flaggedAt: state.flaggedAt, flagReason: state.flagReason, branch: state.branch, commit: state.commit,
            awaitingReplySince: state.awaitingReplySince)
    }
}

extension Components.Schemas.WorkerConfiguration {
    init(_ configuration: WorkerConfiguration) {
        self.init(
            executor: .init(configuration.executor), agentCommand: configuration.agentCommand,
            model: configuration.model, maxLoops: configuration.maxLoops, noProgressLimit: configuration.noProgressLimit,
            errorLimit: configuration.errorLimit, loopTimeoutSeconds: configuration.loopTimeoutSeconds,
            taskTimeoutSeconds: configuration.taskTimeoutSeconds, retryLimit: configuration.retryLimit,
            allowedProjectIds: configuration.allowedProjectIDs, sandbox: .init(configuration.sandbox))
    }

    /// The given fields over `base` (a PATCH changes only what it names).
    func merged(over base: WorkerConfiguration) -> WorkerConfiguration {
        var result = base
        if let executor { result.executor = executor.domain }
        if let agentCommand { result.agentCommand = agentCommand }
        if let model { result.model = model }
        if let maxLoops { result.maxLoops = maxLoops }
        if let noProgressLimit { result.noProgressLimit = noProgressLimit }
        if let errorLimit { result.errorLimit = errorLimit }
        if let loopTimeoutSeconds { result.loopTimeoutSeconds = loopTimeoutSeconds }
        if let taskTimeoutSeconds { result.taskTimeoutSeconds = taskTimeoutSeconds }
        if let retryLimit { result.retryLimit = retryLimit }
        if let allowedProjectIds { result.allowedProjectIDs = allowedProjectIds }
        if let sandbox { result.sandbox = sandbox.domain }
        return result
    }
}

extension Components.Schemas.Worker {
    init(_ worker: Worker, now: Date, offlineAfter: TimeInterval) {
        self.init(
            id: worker.id, workspaceId: worker.workspaceID, name: worker.name, specializations: worker.specializations,
            configuration: .init(worker.configuration),
            status: .init(worker.status(at: now, offlineAfter: offlineAfter)), statusMessage: worker.statusMessage,
            currentTaskId: worker.currentTaskID, currentLoop: worker.currentLoop, lastHeartbeatAt: worker.lastHeartbeatAt,
            tasksSucceeded: worker.tasksSucceeded, tasksFailed: worker.tasksFailed, enabled: worker.disabledAt == nil,
            createdAt: worker.createdAt,
            updatedAt: worker.updatedAt)
    }
}

extension Components.Schemas.Execution {
    init(_ execution: Execution) {
        self.init(
            id: execution.id, taskId: execution.taskID, workerId: execution.workerID, kind: .init(execution.kind),
            status: .init(execution.status), attempt: execution.attempt,
            leaseExpiresAt: execution.leaseExpiresAt, startedAt: execution.startedAt, finishedAt: execution.finishedAt,
            loops: execution.loops, errors: execution.errors, filesChanged: execution.filesChanged,
            inputTokens: execution.inputTokens, outputTokens: execution.outputTokens, costUsd: execution.costUSD,
            branch: execution.branch, commit: execution.commit, summary: execution.summary, reason: execution.reason,
            cancelRequestedAt: execution.cancelRequestedAt, completionRequestedAt: execution.completionRequestedAt,
            completionSummary: execution.completionSummary, executor: execution.executor, model: execution.model)
    }
}

extension Components.Schemas.Actor {
    init(_ actor: Actor) {
        self.init(_type: .init(actor.type), id: actor.id, name: actor.name)
    }
}

extension Components.Schemas.Comment {
    init(_ comment: Comment) {
        self.init(
            id: comment.id, taskId: comment.taskID, author: .init(comment.author),
            _type: .init(comment.kind), body: comment.body, loopNumber: comment.loopNumber,
            createdAt: comment.createdAt, replyTo: comment.replyTo)
    }
}

extension Components.Schemas.AuditEntry {
    init(_ entry: AuditEntry) throws {
        let encoder = JSONEncoder()
        let details = try JSONDecoder().decode(DetailsPayload.self, from: encoder.encode(entry.details))
        self.init(
            id: entry.id, workspaceId: entry.workspaceID.isEmpty ? nil : entry.workspaceID, userId: entry.userID,
            actorType: .init(rawValue: entry.actorType.rawValue) ?? .system, actorId: entry.actorID, actorName: entry.actorName,
            action: entry.action, resourceType: entry.resourceType, resourceId: entry.resourceID,
            outcome: .init(rawValue: entry.outcome.rawValue) ?? .failure, details: details, ipAddress: entry.ipAddress,
            userAgent: entry.userAgent, createdAt: entry.createdAt)
    }
}

extension Components.Schemas.Event {
    init(_ event: StoredEvent) throws {
        let data = try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(event.data.utf8))
        self.init(
            id: event.sequence, _type: event.type, workspaceId: event.workspaceID, taskId: event.taskID,
            actor: .init(event.actor), data: data, createdAt: event.createdAt)
    }
}

extension Components.Schemas.TaskFilter {
    init(_ filter: TaskFilter) {
        self.init(
            projectId: filter.projectID, status: filter.statuses?.map(Components.Schemas.TaskStatus.init),
            priority: filter.priorities?.map(Components.Schemas.TaskPriority.init), label: filter.label,
            assignee: filter.assignee, parentId: filter.parentID, q: filter.query,
            dueFrom: filter.dueFrom?.description, dueTo: filter.dueTo?.description, sort: filter.sort.map(Components.Schemas.TaskSort.init), order: filter.order.map(Components.Schemas.SortOrder.init))
    }

    func domain() throws -> TaskFilter {
        var validator = Validator()
        let from = validator.check { try dueFrom.map { try CalendarDate.parse($0, field: "due_from") } }
        let to = validator.check { try dueTo.map { try CalendarDate.parse($0, field: "due_to") } }
        try validator.throwIfInvalid()
        return TaskFilter(
            projectID: projectId, statuses: status?.map(\.domain), priorities: priority?.map(\.domain), label: label,
            assignee: assignee, parentID: parentId, query: q, dueFrom: from ?? nil, dueTo: to ?? nil,
            sort: sort?.domain, order: order?.domain)
    }
}

extension Components.Schemas.SavedFilter {
    init(_ filter: SavedFilter) {
        self.init(
            id: filter.id, workspaceId: filter.workspaceID, name: filter.name, filters: .init(filter.filter),
            createdAt: filter.createdAt, updatedAt: filter.updatedAt)
    }
}

extension Components.Schemas.ColumnCounts {
    init(_ counts: [TaskStatus: Int]) {
        self.init(
            backlog: counts[.backlog, default: 0], todo: counts[.todo, default: 0],
            inProgress: counts[.inProgress, default: 0], review: counts[.review, default: 0], done: counts[.done, default: 0])
    }
}
