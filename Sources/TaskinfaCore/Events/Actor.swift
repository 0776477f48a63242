/// Who did something: a person, a bot worker, or the server itself (lease expiry, automation).
public struct Actor: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case user
        case bot
        case system
    }

    public var type: Kind
    public var id: String
    public var name: String

    public init(type: Kind, id: String, name: String) {
        self.type = type
        self.id = id
        self.name = name
    }

    public static let system = Actor(type: .system, id: "system", name: "Taskinfa")
}
