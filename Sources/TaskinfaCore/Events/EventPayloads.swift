/// Payload shapes of the events (the `data` of each), kept beside the types they describe.
public enum EventPayload {
    public struct TaskSnapshot: Codable, Sendable {
        public var task: TaskItem
        /// For updates: each changed field with its old and new value.
        public var changes: [String: FieldChange]?

        public init(task: TaskItem, changes: [String: FieldChange]? = nil) {
            self.task = task
            self.changes = changes
        }
    }

    public struct CommentAdded: Codable, Sendable {
        public var comment: Comment
        public var taskKey: String

        public init(comment: Comment, taskKey: String) {
            self.comment = comment
            self.taskKey = taskKey
        }

        enum CodingKeys: String, CodingKey {
            case comment
            case taskKey = "task_key"
        }
    }

    public struct ProjectSnapshot: Codable, Sendable {
        public var project: Project
        public var changes: [String: FieldChange]?

        public init(project: Project, changes: [String: FieldChange]? = nil) {
            self.project = project
            self.changes = changes
        }
    }

    public struct WorkspaceSnapshot: Codable, Sendable {
        public var workspace: Workspace

        public init(workspace: Workspace) { self.workspace = workspace }
    }

    public struct MemberSnapshot: Codable, Sendable {
        public var userID: String
        public var name: String
        public var role: Role

        public init(userID: String, name: String, role: Role) {
            self.userID = userID
            self.name = name
            self.role = role
        }

        enum CodingKeys: String, CodingKey {
            case name, role
            case userID = "user_id"
        }
    }

    public struct WorkerSnapshot: Codable, Sendable {
        public var worker: Worker

        public init(worker: Worker) { self.worker = worker }
    }

    public struct ExecutionSnapshot: Codable, Sendable {
        public var execution: Execution
        public var taskKey: String

        public init(execution: Execution, taskKey: String) {
            self.execution = execution
            self.taskKey = taskKey
        }

        enum CodingKeys: String, CodingKey {
            case execution
            case taskKey = "task_key"
        }
    }

    public struct DependencySnapshot: Codable, Sendable {
        public var taskID: String
        public var dependsOnTaskID: String
        public var kind: DependencyKind

        public init(taskID: String, dependsOnTaskID: String, kind: DependencyKind) {
            self.taskID = taskID
            self.dependsOnTaskID = dependsOnTaskID
            self.kind = kind
        }

        enum CodingKeys: String, CodingKey {
            case kind
            case taskID = "task_id"
            case dependsOnTaskID = "depends_on_task_id"
        }
    }

    public struct APIKeySnapshot: Codable, Sendable {
        public var id: String
        public var name: String
        public var preview: String

        public init(_ key: APIKey) {
            self.id = key.id
            self.name = key.name
            self.preview = key.preview
        }
    }
}

/// One field's value before and after a change.
public struct FieldChange: Codable, Equatable, Sendable {
    public var from: JSONValue
    public var to: JSONValue

    public init(from: JSONValue, to: JSONValue) {
        self.from = from
        self.to = to
    }
}
