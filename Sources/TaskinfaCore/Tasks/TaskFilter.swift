/// What a task list is narrowed to: the list endpoint's query and a saved filter's content.
/// Field names are the API's query parameter names.
public struct TaskFilter: Codable, Equatable, Sendable {
    public var projectID: String?
    public var statuses: [TaskStatus]?
    public var priorities: [TaskPriority]?
    public var label: String?
    /// A user or worker id, `me` (the caller) or `none` (unassigned).
    public var assignee: String?
    /// A task id (its subtasks) or `none` (top-level tasks only).
    public var parentID: String?
    public var query: String?
    /// Tasks due on or after / on or before this day (both inclusive); the client picks the days,
    /// so "overdue" means overdue in the person's own calendar.
    public var dueFrom: CalendarDate?
    public var dueTo: CalendarDate?
    public var sort: TaskSort?
    public var order: SortDirection?

    public init(
        projectID: String? = nil, statuses: [TaskStatus]? = nil, priorities: [TaskPriority]? = nil,
        label: String? = nil, assignee: String? = nil, parentID: String? = nil, query: String? = nil,
        dueFrom: CalendarDate? = nil, dueTo: CalendarDate? = nil, sort: TaskSort? = nil, order: SortDirection? = nil
    ) {
        self.dueFrom = dueFrom
        self.dueTo = dueTo
        self.projectID = projectID
        self.statuses = statuses
        self.priorities = priorities
        self.label = label
        self.assignee = assignee
        self.parentID = parentID
        self.query = query
        self.sort = sort
        self.order = order
    }

    enum CodingKeys: String, CodingKey {
        case label, assignee, sort, order
        case projectID = "project_id"
        case statuses = "status"
        case priorities = "priority"
        case parentID = "parent_id"
        case query = "q"
        case dueFrom = "due_from"
        case dueTo = "due_to"
    }

    /// The filter with `assignee: me` made the caller's own id (a person's, or a worker's).
    public func resolvingMe(as callerID: String?) -> TaskFilter {
        var resolved = self
        if assignee == "me" { resolved.assignee = callerID }
        return resolved
    }

    /// Checks every field, naming the bad ones; returns the filter with text fields trimmed.
    public func validated() throws -> TaskFilter {
        var validator = Validator()
        var clean = self
        if let label {
            clean.label = validator.check { try TextRules.line(label, field: "label", maxLength: TaskRules.maxLabelLength) }
        }
        if let assignee, assignee != "me", assignee != "none" {
            clean.assignee = validator.check { try TaskRules.assigneeID(assignee, field: "assignee") }
        }
        if let projectID, !projectID.hasPrefix(IDPrefix.project.rawValue + "_") || projectID.count > 64 {
            validator.fail("project_id", "must be a project id (prj_…)")
        }
        // Each column or priority once: a saved filter keeps what it was given, so repeats would stay.
        clean.statuses = statuses.map(Self.unique)
        clean.priorities = priorities.map(Self.unique)
        if let parentID, parentID != "none", parentID.count > 64 || (!parentID.hasPrefix("tsk_") && TaskKey(parentID) == nil) {
            validator.fail("parent_id", "must be a task id, a task key or none")
        }
        if let query {
            clean.query = validator.check { try SearchQuery(query).text }
        }
        if let dueFrom, let dueTo, dueTo < dueFrom {
            validator.fail("due_to", "must not be before due_from")
        }
        if sort == .relevance && query == nil {
            validator.fail("sort", "relevance needs a search query (q)")
        }
        try validator.throwIfInvalid()
        return clean
    }

    private static func unique<Value: Hashable>(_ values: [Value]) -> [Value] {
        var seen = Set<Value>()
        return values.filter { seen.insert($0).inserted }
    }
}

public enum TaskSort: String, Codable, CaseIterable, Sendable {
    /// Board order: column by column, each top to bottom.
    case position
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    /// Most urgent first (ascending), then oldest.
    case priority
    /// Earliest due first; tasks without a due date last.
    case dueDate = "due_date"
    case title
    /// Best search match first (needs `q`).
    case relevance
}

public enum SortDirection: String, Codable, CaseIterable, Sendable {
    case asc
    case desc
}

/// A filter plus paging: what the store runs.
public struct TaskQuery: Equatable, Sendable {
    public static let defaultLimit = 50
    public static let maxLimit = 200

    public var filter: TaskFilter
    public var limit: Int
    public var cursor: PageCursor?

    public init(filter: TaskFilter, limit: Int?, cursor: String?) throws {
        var validator = Validator()
        let filter = validator.check { try filter.validated() }
        let limit = limit ?? Self.defaultLimit
        if !(1...Self.maxLimit).contains(limit) { validator.fail("limit", "must be between 1 and \(Self.maxLimit)") }
        var decoded: PageCursor?
        if let cursor {
            decoded = validator.check { try PageCursor.decode(cursor) }
        }
        try validator.throwIfInvalid()
        self.filter = filter!
        self.limit = limit
        if let decoded {
            guard decoded.sort == self.sort.rawValue, decoded.direction == self.direction.rawValue else {
                throw ValidationError(field: "cursor", message: "belongs to a different sort or order")
            }
        }
        self.cursor = decoded
    }

    /// Relevance when searching and no sort was asked; board order otherwise.
    public var sort: TaskSort { filter.sort ?? (filter.query != nil ? .relevance : .position) }
    public var direction: SortDirection { filter.order ?? .asc }
}
