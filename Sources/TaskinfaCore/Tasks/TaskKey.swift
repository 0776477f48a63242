/// A task's human key, `WEB-42`. Task routes accept it wherever they accept a task id.
public struct TaskKey: Equatable, Sendable {
    public var projectKey: String
    public var number: Int

    /// Parses `KEY-N` (case-insensitive key); nil for anything else, such as a `tsk_` id.
    public init?(_ text: String) {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let key = text[..<dash].uppercased()
        guard let number = Int(text[text.index(after: dash)...]), number > 0,
            (try? ProjectRules.key(key)) == key
        else { return nil }
        self.projectKey = key
        self.number = number
    }

    public init(projectKey: String, number: Int) {
        self.projectKey = projectKey
        self.number = number
    }

    public var description: String { "\(projectKey)-\(number)" }
}
