import Foundation

public enum TaskRules {
    public static let maxTitleLength = 500
    public static let maxDescriptionLength = 50_000
    public static let maxLabels = 20
    public static let maxLabelLength = 50

    public static func title(_ raw: String) throws -> String {
        try TextRules.line(raw, field: "title", maxLength: maxTitleLength)
    }

    public static func description(_ raw: String?) throws -> String? {
        try TextRules.body(raw, field: "description", maxLength: maxDescriptionLength)
    }

    /// Labels are trimmed, compared case-insensitively for duplicates (the first spelling wins),
    /// and kept in the order given.
    public static func labels(_ raw: [String], field: String = "labels") throws -> [String] {
        var validator = Validator()
        var seen = Set<String>()
        var labels: [String] = []
        for (index, label) in raw.enumerated() {
            guard let clean = validator.check({ try TextRules.line(label, field: "\(field)[\(index)]", maxLength: maxLabelLength) })
            else { continue }
            if seen.insert(clean.lowercased()).inserted { labels.append(clean) }
        }
        if labels.count > maxLabels { validator.fail(field, "must hold at most \(maxLabels) labels") }
        try validator.throwIfInvalid()
        return labels
    }

    /// An assignee is a member (`usr_…`) or a worker (`wrk_…`); whether it belongs to the
    /// workspace is checked by the store.
    public static func assigneeID(_ raw: String, field: String = "assignee_id") throws -> String {
        let id = raw.trimmingCharacters(in: .whitespaces)
        guard id.hasPrefix(IDPrefix.user.rawValue + "_") || id.hasPrefix(IDPrefix.worker.rawValue + "_"),
            id.count <= 64
        else {
            throw ValidationError(field: field, message: "must be a member's user id (usr_…) or a worker id (wrk_…)")
        }
        return id
    }
}

/// A validated task to create.
public struct TaskDraft: Equatable, Sendable {
    public var projectID: String
    public var title: String
    public var description: String?
    public var status: TaskStatus
    public var priority: TaskPriority
    public var labels: [String]
    public var assigneeID: String?
    public var dueDate: CalendarDate?
    public var parentID: String?

    public init(
        projectID: String, title: String, description: String?, status: TaskStatus?, priority: TaskPriority?,
        labels: [String]?, assigneeID: String?, dueDate: CalendarDate?, parentID: String?
    ) throws {
        var validator = Validator()
        let title = validator.check { try TaskRules.title(title) }
        let description = validator.check { try TaskRules.description(description) }
        let labels = validator.check { try TaskRules.labels(labels ?? []) }
        let assignee = validator.check { try assigneeID.map { try TaskRules.assigneeID($0) } }
        if projectID.isEmpty { validator.fail("project_id", "must not be empty") }
        try validator.throwIfInvalid()
        self.projectID = projectID
        self.title = title!
        self.description = description ?? nil
        // Creating a task honours the status given (the original always used backlog, §10.4 #8).
        self.status = status ?? .backlog
        self.priority = priority ?? .medium
        self.labels = labels ?? []
        self.assigneeID = assignee ?? nil
        self.dueDate = dueDate
        self.parentID = parentID
    }
}

/// Validated field changes to a task. A nil property leaves the field alone; for clearable fields
/// `.some(nil)` clears it (JSON `null`, RFC 7396 merge-patch style).
public struct TaskChanges: Equatable, Sendable {
    public var title: String?
    public var description: String??
    public var status: TaskStatus?
    public var priority: TaskPriority?
    public var labels: [String]?
    public var assigneeID: String??
    public var dueDate: CalendarDate??
    public var projectID: String?
    public var parentID: String??
    /// `true` keeps the task out of the agents' queue; `false` puts it back.
    public var flagged: Bool?

    public init() {}

    public init(
        title: String? = nil, description: String?? = nil, status: TaskStatus? = nil, priority: TaskPriority? = nil,
        labels: [String]? = nil, assigneeID: String?? = nil, dueDate: CalendarDate?? = nil, projectID: String? = nil,
        parentID: String?? = nil, flagged: Bool? = nil
    ) throws {
        var validator = Validator()
        if let title { self.title = validator.check { try TaskRules.title(title) } }
        if let description {
            if let text = validator.check({ try TaskRules.description(description) }) { self.description = .some(text) }
        }
        self.status = status
        self.priority = priority
        if let labels { self.labels = validator.check { try TaskRules.labels(labels) } }
        if let assigneeID {
            if let id = assigneeID {
                if let valid = validator.check({ try TaskRules.assigneeID(id) }) { self.assigneeID = .some(valid) }
            } else {
                self.assigneeID = .some(nil)
            }
        }
        self.dueDate = dueDate
        self.projectID = projectID
        self.parentID = parentID
        self.flagged = flagged
        try validator.throwIfInvalid()
    }

    public var isEmpty: Bool {
        title == nil && description == nil && status == nil && priority == nil && labels == nil
            && assigneeID == nil && dueDate == nil && projectID == nil && parentID == nil && flagged == nil
    }
}
