import Foundation
import MCP
import TaskinfaAPI
import TaskinfaCore

/// One MCP tool: its definition (with an input schema) and what it does.
struct TaskinfaTool: Sendable {
    let definition: Tool
    let run: @Sendable (ToolArguments, TaskinfaTools) async throws -> String

    init(
        _ name: String, _ description: String, properties: [String: (type: String, about: String)] = [:],
        required: [String] = [], run: @escaping @Sendable (ToolArguments, TaskinfaTools) async throws -> String
    ) {
        var schemaProperties: [String: Value] = [:]
        for (key, property) in properties {
            schemaProperties[key] =
                property.type == "string[]"
                ? .object(["type": "array", "items": .object(["type": "string"]), "description": .string(property.about)])
                : .object(["type": .string(property.type), "description": .string(property.about)])
        }
        self.definition = Tool(
            name: name, description: description,
            inputSchema: .object([
                "type": "object", "properties": .object(schemaProperties), "required": .array(required.map { .string($0) }),
                "additionalProperties": false,
            ]))
        self.run = run
    }
}

enum ToolCatalog {
    static let statuses = "backlog, todo, in_progress, review or done"

    static let all: [TaskinfaTool] = [
        TaskinfaTool(
            "list_tasks", "List tasks of the workspace, in board order, with filters and full-text search.",
            properties: [
                "status": ("string", "Only this column: \(statuses)"), "project_id": ("string", "Only this project"),
                "priority": ("string", "low, medium, high or urgent"), "assignee": ("string", "A user or worker id, me or none"),
                "label": ("string", "Only tasks with this label"), "q": ("string", "Search words (prefixes)"),
                "limit": ("integer", "At most this many (1–200, default 50)"),
            ]
        ) { arguments, tools in
            let output = try await tools.client.listTasks(
                path: .init(workspaceId: tools.workspaceID),
                query: .init(
                    projectId: arguments.optionalString("project_id"),
                    status: try arguments.oneOf("status", Components.Schemas.TaskStatus.self).map { [$0] },
                    priority: try arguments.oneOf("priority", Components.Schemas.TaskPriority.self).map { [$0] },
                    label: arguments.optionalString("label"), assignee: arguments.optionalString("assignee"),
                    q: arguments.optionalString("q"), limit: try arguments.optionalInt("limit")))
            switch output {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json.tasks)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "get_task", "One task by id or key (e.g. WEB-42), with its comments.",
            properties: ["task_id": ("string", "Task id or key; defaults to the task being worked on")]
        ) { arguments, tools in
            let id = try tools.task(arguments)
            let task: Components.Schemas.Task
            switch try await tools.client.getTask(path: .init(taskId: id)) {
            case .ok(let ok): task = try ok.body.json
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
            var comments: [Components.Schemas.Comment] = []
            if case .ok(let ok) = try await tools.client.listComments(path: .init(taskId: id), query: .init(limit: 50)) {
                comments = try ok.body.json.comments
            }
            return TaskinfaTools.json(TaskWithComments(task: task, comments: comments))
        },
        TaskinfaTool(
            "update_task_status", "Move a task to another column (to the bottom of it). Agents can't move tasks to done.",
            properties: ["task_id": ("string", "Task id or key"), "status": ("string", statuses)], required: ["status"]
        ) { arguments, tools in
            guard let status = try arguments.oneOf("status", Components.Schemas.TaskStatus.self) else {
                throw ToolError("status is required")
            }
            return try await move(tools, try tools.task(arguments), status: status, before: nil, after: nil)
        },
        TaskinfaTool(
            "update_task", "Change a task's title, description, priority or labels.",
            properties: [
                "task_id": ("string", "Task id or key"), "title": ("string", "New title"),
                "description": ("string", "New description (markdown)"), "priority": ("string", "low, medium, high or urgent"),
                "labels": ("string[]", "The complete new list of labels"),
            ]
        ) { arguments, tools in
            let output = try await tools.client.updateTask(
                path: .init(taskId: try tools.task(arguments)),
                body: .json(
                    .init(
                        title: arguments.optionalString("title"), description: arguments.optionalString("description"),
                        priority: try arguments.oneOf("priority", Components.Schemas.TaskPriority.self),
                        labels: try arguments.strings("labels"))))
            switch output {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "add_task_comment", "Comment on a task. The author is this key's owner (the worker, for an agent).",
            properties: [
                "task_id": ("string", "Task id or key"), "body": ("string", "The comment (markdown)"),
                "type": ("string", "comment, progress, question, summary or error"),
            ], required: ["body"]
        ) { arguments, tools in
            try await comment(tools, try tools.task(arguments), body: try arguments.string("body"),
                type: try arguments.oneOf("type", Components.Schemas.CommentType.self) ?? .comment)
        },
        TaskinfaTool(
            "list_task_comments", "A task's comments, oldest first.",
            properties: ["task_id": ("string", "Task id or key"), "limit": ("integer", "At most this many (default 50)")]
        ) { arguments, tools in
            let output = try await tools.client.listComments(
                path: .init(taskId: try tools.task(arguments)), query: .init(limit: try arguments.optionalInt("limit")))
            switch output {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json.comments)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "claim_task", "Take the next task to work on (workers only; atomic: no other worker gets it).",
            properties: ["project_id": ("string", "Only from this project")]
        ) { arguments, tools in
            guard let worker = tools.workerID else { throw ToolError("only a worker's key can claim tasks") }
            let output = try await tools.client.claimTask(
                path: .init(workerId: worker), query: .init(wait: 0),
                body: arguments.optionalString("project_id").map { .json(.init(projectId: $0)) })
            switch output {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json)
            case .noContent: return "No task is waiting."
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "create_task", "Create a task (at the bottom of its column).",
            properties: [
                "project_id": ("string", "The project"), "title": ("string", "Title"),
                "description": ("string", "Description (markdown)"), "priority": ("string", "low, medium, high or urgent"),
                "status": ("string", "Column, default backlog: \(statuses)"), "labels": ("string[]", "Labels"),
            ], required: ["project_id", "title"]
        ) { arguments, tools in
            try await create(tools, arguments, project: try arguments.string("project_id"), parent: nil)
        },
        TaskinfaTool(
            "reorder_task", "Move a task to a column and place it right before or after another task there.",
            properties: [
                "task_id": ("string", "Task id or key"), "status": ("string", statuses),
                "before_id": ("string", "Land right before this task"), "after_id": ("string", "Land right after this task"),
            ], required: ["status"]
        ) { arguments, tools in
            guard let status = try arguments.oneOf("status", Components.Schemas.TaskStatus.self) else {
                throw ToolError("status is required")
            }
            return try await move(
                tools, try tools.task(arguments), status: status, before: arguments.optionalString("before_id"),
                after: arguments.optionalString("after_id"))
        },
        TaskinfaTool("list_projects", "The workspace's projects (key, repository, default branch).") { _, tools in
            switch try await tools.client.listProjects(path: .init(workspaceId: tools.workspaceID)) {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json.projects)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "get_project", "One project.", properties: ["project_id": ("string", "The project")], required: ["project_id"]
        ) { arguments, tools in
            switch try await tools.client.getProject(path: .init(projectId: try arguments.string("project_id"))) {
            case .ok(let ok): return TaskinfaTools.json(try ok.body.json)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "report_progress", "Tell the people watching what you are doing (a progress comment on the task).",
            properties: ["message": ("string", "What happened"), "task_id": ("string", "Defaults to the task being worked on")],
            required: ["message"]
        ) { arguments, tools in
            try await comment(tools, try tools.task(arguments), body: try arguments.string("message"), type: .progress)
        },
        TaskinfaTool(
            "complete_execution",
            "Say the task is done. The worker then commits and pushes your work and hands the task to review.",
            properties: ["summary": ("string", "What you did, for the reviewer")]
        ) { arguments, tools in
            guard let task = tools.currentTask, let execution = tools.currentExecution else {
                throw ToolError("complete_execution works only inside a worker's execution")
            }
            let output = try await tools.client.requestCompletion(
                path: .init(taskId: task, executionId: execution),
                body: .json(.init(summary: arguments.optionalString("summary"))))
            switch output {
            case .ok: return "Noted: the worker wraps up after this loop."
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
        TaskinfaTool(
            "create_subtask", "Break a task down: create a subtask in the same project.",
            properties: [
                "parent_task_id": ("string", "The parent task id or key"), "title": ("string", "Title"),
                "description": ("string", "Description (markdown)"), "priority": ("string", "low, medium, high or urgent"),
                "status": ("string", "Column, default backlog"), "labels": ("string[]", "Labels"),
            ], required: ["title"]
        ) { arguments, tools in
            let parent = try tools.task(arguments, field: "parent_task_id")
            let project: String
            switch try await tools.client.getTask(path: .init(taskId: parent)) {
            case .ok(let ok): project = try ok.body.json.projectId
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
            return try await create(tools, arguments, project: project, parent: parent)
        },
        TaskinfaTool(
            "add_dependency", "Record that a task depends on another (blocks: it can't start before the other is done).",
            properties: [
                "task_id": ("string", "The dependent task"), "depends_on_task_id": ("string", "The task it depends on"),
                "kind": ("string", "blocks (default), relates_to or duplicates"),
            ], required: ["task_id", "depends_on_task_id"]
        ) { arguments, tools in
            let output = try await tools.client.addDependency(
                path: .init(taskId: try arguments.string("task_id")),
                body: .json(
                    .init(
                        dependsOnTaskId: try arguments.string("depends_on_task_id"),
                        kind: try arguments.oneOf("kind", Components.Schemas.AddDependencyRequest.KindPayload.self))))
            switch output {
            case .created(let created): return TaskinfaTools.json(try created.body.json)
            case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
            }
        },
    ]

    static func move(
        _ tools: TaskinfaTools, _ task: String, status: Components.Schemas.TaskStatus, before: String?, after: String?
    ) async throws -> String {
        let output = try await tools.client.moveTask(
            path: .init(taskId: task), body: .json(.init(status: status, beforeId: before, afterId: after)))
        switch output {
        case .ok(let ok): return TaskinfaTools.json(try ok.body.json)
        case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
        }
    }

    static func comment(_ tools: TaskinfaTools, _ task: String, body: String, type: Components.Schemas.CommentType)
        async throws -> String
    {
        let output = try await tools.client.createComment(path: .init(taskId: task), body: .json(.init(body: body, _type: type)))
        switch output {
        case .created(let created): return TaskinfaTools.json(try created.body.json)
        case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
        }
    }

    static func create(_ tools: TaskinfaTools, _ arguments: ToolArguments, project: String, parent: String?) async throws -> String {
        let output = try await tools.client.createTask(
            path: .init(workspaceId: tools.workspaceID),
            body: .json(
                .init(
                    projectId: project, title: try arguments.string("title"), description: arguments.optionalString("description"),
                    status: try arguments.oneOf("status", Components.Schemas.TaskStatus.self),
                    priority: try arguments.oneOf("priority", Components.Schemas.TaskPriority.self),
                    labels: try arguments.strings("labels"), parentId: parent)))
        switch output {
        case .created(let created): return TaskinfaTools.json(try created.body.json)
        case .default(let status, let problem): throw TaskinfaTools.failure(status, problem)
        }
    }
}

struct TaskWithComments: Encodable {
    let task: Components.Schemas.Task
    let comments: [Components.Schemas.Comment]
}
