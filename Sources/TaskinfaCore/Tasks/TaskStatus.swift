/// The board's five columns, in board order.
public enum TaskStatus: String, Codable, CaseIterable, Sendable {
    case backlog
    case todo
    case inProgress = "in_progress"
    case review
    case done

    /// Left-to-right position of the column on the board.
    public var boardOrder: Int {
        switch self {
        case .backlog: 0
        case .todo: 1
        case .inProgress: 2
        case .review: 3
        case .done: 4
        }
    }

    /// The status at a board position (`boardOrder`), as the database stores it for sorting.
    public init?(boardOrder: Int) {
        guard let status = Self.allCases.first(where: { $0.boardOrder == boardOrder }) else { return nil }
        self = status
    }

    /// Review and done count as finished work: the task has a completion time.
    public var isFinished: Bool { self == .review || self == .done }

    public static func parse(_ raw: String, field: String = "status") throws -> TaskStatus {
        guard let status = TaskStatus(rawValue: raw) else {
            throw ValidationError(field: field, message: "must be one of backlog, todo, in_progress, review, done")
        }
        return status
    }
}

public enum TaskPriority: String, Codable, CaseIterable, Sendable {
    case low
    case medium
    case high
    case urgent

    /// Sort rank: urgent first.
    public var urgencyRank: Int {
        switch self {
        case .urgent: 0
        case .high: 1
        case .medium: 2
        case .low: 3
        }
    }

    public static func parse(_ raw: String, field: String = "priority") throws -> TaskPriority {
        guard let priority = TaskPriority(rawValue: raw) else {
            throw ValidationError(field: field, message: "must be one of low, medium, high, urgent")
        }
        return priority
    }
}
