import MCP

/// A tool call's arguments, read with the field named in every error (an agent gets a tool error
/// it can act on, never a crash).
struct ToolArguments: Sendable {
    let values: [String: Value]

    init(_ values: [String: Value]?) {
        self.values = values ?? [:]
    }

    func string(_ name: String) throws -> String {
        guard let value = optionalString(name), !value.isEmpty else { throw ToolError("\(name) is required") }
        return value
    }

    func optionalString(_ name: String) -> String? {
        guard let value = values[name] else { return nil }
        if let text = value.stringValue { return text }
        if let number = value.intValue { return String(number) }
        return nil
    }

    func optionalInt(_ name: String) throws -> Int? {
        guard let value = values[name], !value.isNull else { return nil }
        if let number = value.intValue { return number }
        if let text = value.stringValue, let number = Int(text) { return number }
        throw ToolError("\(name) must be a whole number")
    }

    func strings(_ name: String) throws -> [String]? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let array = value.arrayValue else { throw ToolError("\(name) must be a list of strings") }
        return try array.map {
            guard let text = $0.stringValue else { throw ToolError("\(name) must be a list of strings") }
            return text
        }
    }

    func oneOf<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = optionalString(name) else { return nil }
        guard let value = T(rawValue: text) else { throw ToolError("\(name) has an unknown value: \(text)") }
        return value
    }
}

extension Value {
    var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// A failure to report to the agent as a tool error.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
