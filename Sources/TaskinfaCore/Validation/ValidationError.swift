/// One input field that broke a rule, named the way the client spelled it (`title`,
/// `labels[2]`, `update.priority`).
public struct FieldError: Error, Equatable, Sendable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Input that failed validation; carries every broken rule, not just the first.
public struct ValidationError: Error, Equatable, Sendable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public init(field: String, message: String) {
        self.errors = [FieldError(field: field, message: message)]
    }

    /// The same errors with each field nested under `prefix` (`update.title`, `task_ids[3]`).
    public func nested(under prefix: String) -> ValidationError {
        ValidationError(errors.map { FieldError(field: "\(prefix).\($0.field)", message: $0.message) })
    }
}

/// Collects field errors while a value is checked, then throws them all at once.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    /// Runs a check that throws `ValidationError` and keeps its errors; returns its value or nil.
    public mutating func check<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ValidationError {
            errors.append(contentsOf: error.errors)
            return nil
        } catch {
            return nil
        }
    }

    public func throwIfInvalid() throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}
