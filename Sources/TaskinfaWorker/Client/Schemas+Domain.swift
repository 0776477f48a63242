import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore

// API types read back into domain values, for the prompt builder.

extension TaskItem {
    init(_ task: Components.Schemas.Task) {
        self.init(
            id: task.id, workspaceID: task.workspaceId, projectID: task.projectId, number: task.number, key: task.key,
            title: task.title, description: task.description ?? nil, status: task.status.domain,
            priority: task.priority.domain, labels: task.labels,
            assigneeID: task.assigneeId ?? nil, dueDate: (task.dueDate ?? nil).flatMap(CalendarDate.init),
            parentID: task.parentId ?? nil, position: task.position, version: task.version, createdBy: task.createdBy,
            createdAt: task.createdAt, updatedAt: task.updatedAt, startedAt: task.startedAt ?? nil,
            completedAt: task.completedAt ?? nil)
    }
}

extension Project {
    init(_ project: Components.Schemas.Project) {
        self.init(
            id: project.id, workspaceID: project.workspaceId, name: project.name, key: project.key,
            description: project.description ?? nil, repositoryURL: project.repositoryUrl ?? nil,
            defaultBranch: project.defaultBranch, createdAt: project.createdAt, updatedAt: project.updatedAt)
    }
}

extension Comment {
    init(_ comment: Components.Schemas.Comment) {
        self.init(
            id: comment.id, workspaceID: "", taskID: comment.taskId,
            author: Actor(type: comment.author._type.domain, id: comment.author.id, name: comment.author.name),
            kind: comment._type.domain, body: comment.body,
            loopNumber: comment.loopNumber ?? nil, createdAt: comment.createdAt)
    }
}

extension WorkerConfiguration {
    init(_ configuration: Components.Schemas.WorkerConfiguration) {
        let defaults = WorkerConfiguration()
        self.init(
            executor: configuration.executor?.domain ?? .claude,
            agentCommand: configuration.agentCommand ?? nil, model: configuration.model ?? nil,
            maxLoops: configuration.maxLoops ?? defaults.maxLoops,
            noProgressLimit: configuration.noProgressLimit ?? defaults.noProgressLimit,
            errorLimit: configuration.errorLimit ?? defaults.errorLimit,
            loopTimeoutSeconds: configuration.loopTimeoutSeconds ?? defaults.loopTimeoutSeconds,
            taskTimeoutSeconds: configuration.taskTimeoutSeconds ?? defaults.taskTimeoutSeconds,
            retryLimit: configuration.retryLimit ?? defaults.retryLimit,
            allowedProjectIDs: configuration.allowedProjectIds ?? [],
            sandbox: configuration.sandbox?.domain ?? .auto)
    }
}
