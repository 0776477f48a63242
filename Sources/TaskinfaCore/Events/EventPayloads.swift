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
