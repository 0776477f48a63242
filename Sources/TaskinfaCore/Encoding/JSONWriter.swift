import Foundation

/// JSON written member by member by code that knows its shape, without `Encodable`: for the
/// answers that carry many tasks, where the `Codable` machinery (a boxed container and a
/// protocol witness per member) cost a third of a board page's time even with `JSONText`.
/// Members are separated as they come; the caller opens and closes each container.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it.
    private var afterValue = false

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func openObject() { beginValue(); bytes.append(UInt8(ascii: "{")); afterValue = false }
    public mutating func closeObject() { bytes.append(UInt8(ascii: "}")); afterValue = true }
    public mutating func openArray() { beginValue(); bytes.append(UInt8(ascii: "[")); afterValue = false }
    public mutating func closeArray() { bytes.append(UInt8(ascii: "]")); afterValue = true }

    /// The next member's name; its value follows.
    public mutating func key(_ name: StaticString) {
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
        afterValue = false
    }

    public mutating func string(_ value: String) {
        beginValue()
        JSONOutput.appendQuoted(value, to: &bytes)
        afterValue = true
    }

    public mutating func integer(_ value: Int) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
        afterValue = true
    }

    public mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        afterValue = true
    }

    /// RFC 3339 with milliseconds, as every date of the API.
    public mutating func date(_ value: Date) { string(Timestamp.rfc3339(value)) }

    // Members left out when they hold nothing, as `encodeIfPresent` leaves them out.
    public mutating func member(_ name: StaticString, _ value: String?) { if let value { key(name); string(value) } }
    public mutating func member(_ name: StaticString, _ value: Date?) { if let value { key(name); date(value) } }
    public mutating func member(_ name: StaticString, _ value: Int) { key(name); integer(value) }
    public mutating func member(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    public mutating func member(_ name: StaticString, _ value: (some JSONWritable)?) {
        if let value { key(name); value.write(to: &self) }
    }

    private mutating func beginValue() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
    }
}

/// A value that writes its own JSON with a `JSONWriter`.
public protocol JSONWritable {
    func write(to json: inout JSONWriter)
}
