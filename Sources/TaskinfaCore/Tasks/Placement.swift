/// Where a moved task lands in its target column.
public enum Placement: Equatable, Sendable {
    /// At the bottom of the column.
    case bottom
    /// Immediately before the given task.
    case before(String)
    /// Immediately after the given task.
    case after(String)
    /// Between two tasks that the client saw next to each other; refused if they no longer are.
    case between(after: String, before: String)

    public init(beforeID: String?, afterID: String?) {
        switch (afterID, beforeID) {
        case (nil, nil): self = .bottom
        case (nil, let before?): self = .before(before)
        case (let after?, nil): self = .after(after)
        case (let after?, let before?): self = .between(after: after, before: before)
        }
    }

    /// The neighbours' positions decide the new key; `upper`/`lower` are the tasks around the
    /// landing spot in the target column, without the moved task itself.
    public static func rank(lower: String?, upper: String?) throws -> String {
        try Rank.between(lower, upper)
    }
}
