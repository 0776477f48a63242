import Foundation

/// JSON text written in one pass, straight from `Encodable` values: what an event's payload is
/// stored as. `JSONEncoder` builds a tree of boxed values first and cost a create a twentieth of
/// its time; this writes bytes as the values arrive. Dates are RFC 3339 with milliseconds (as
/// `JSONEncoder.taskinfa` writes them), `/` is not escaped, and keys come in the order the type
/// encodes them (a dictionary's in its own order): readers parse the text, never compare it.
public enum JSONText {
    public static func encode(_ value: some Encodable) throws -> Data {
        let output = JSONOutput()
        try output.write(value)
        return Data(output.bytes)
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        let output = JSONOutput()
        output.writeString(text)
        return String(decoding: output.bytes, as: UTF8.self)
    }
}

/// The bytes written so far and the containers still open, innermost last. Containers close when
/// a container further out writes its next member, or when the value that opened them is done.
final class JSONOutput {
    var bytes: [UInt8] = []
    private var open: [(closing: UInt8, empty: Bool)] = []

    init() {
        bytes.reserveCapacity(512)
    }

    /// Writes one value at the current depth, closing whatever it opens.
    func write(_ value: some Encodable) throws {
        if try writePrimitive(value) { return }
        let depth = open.count
        let start = bytes.count
        try value.encode(to: JSONStreamEncoder(output: self, depth: depth))
        // A value that opened no container at all is an empty object, as for JSONEncoder.
        if bytes.count == start && open.count == depth { bytes.append(contentsOf: "{}".utf8) }
        close(downTo: depth)
    }

    /// The types written without a container of their own (every one whose `encode(to:)` would
    /// only hand itself to a single-value container, and so come straight back here). Told apart
    /// by comparing the type itself: a failed `as?` costs a lookup in the runtime's tables, and
    /// every struct, enum and array of a payload would fail each of them (a third of a task
    /// event's encoding went there).
    private func writePrimitive<Value: Encodable>(_ value: Value) throws -> Bool {
        let type = ObjectIdentifier(Value.self)
        if type == ObjectIdentifier(String.self) {
            writeString(value as! String)
        } else if type == ObjectIdentifier(Int.self) {
            writeInteger(value as! Int)
        } else if type == ObjectIdentifier(Bool.self) {
            bytes.append(contentsOf: ((value as! Bool) ? "true" : "false").utf8)
        } else if type == ObjectIdentifier(Date.self) {
            writeString(Timestamp.rfc3339(value as! Date))
        } else if type == ObjectIdentifier(Int64.self) {
            writeInteger(value as! Int64)
        } else if type == ObjectIdentifier(Double.self) {
            try writeDouble(value as! Double)
        } else if type == ObjectIdentifier(Float.self) {
            try writeDouble(Double(value as! Float))
        } else if type == ObjectIdentifier(URL.self) {
            writeString((value as! URL).absoluteString)
        } else if type == ObjectIdentifier(Data.self) {
            writeString((value as! Data).base64EncodedString())
        } else if Self.otherIntegerTypes.contains(type) {
            bytes.append(contentsOf: String(describing: value).utf8)
        } else {
            return false
        }
        return true
    }

    /// The integer types less often met (an integer's description is its decimal digits).
    private static let otherIntegerTypes: Set<ObjectIdentifier> = [
        ObjectIdentifier(Int32.self), ObjectIdentifier(Int16.self), ObjectIdentifier(Int8.self), ObjectIdentifier(UInt.self),
        ObjectIdentifier(UInt64.self), ObjectIdentifier(UInt32.self), ObjectIdentifier(UInt16.self), ObjectIdentifier(UInt8.self),
    ]

    private func writeInteger(_ number: some BinaryInteger) {
        bytes.append(contentsOf: String(number).utf8)
    }

    func writeDouble(_ number: Double) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: [], debugDescription: "JSON has no \(number)"))
        }
        if number == number.rounded(), abs(number) < 1e15 {
            bytes.append(contentsOf: String(Int64(number)).utf8)
        } else {
            bytes.append(contentsOf: "\(number)".utf8)
        }
    }

    /// `text` as a string literal. The bytes that need no escape go in runs, and `bytes` is
    /// reached once for the whole string: appending byte by byte to a class's array checks
    /// exclusive access at each byte, which was most of the cost of a page of tasks.
    func writeString(_ text: String) {
        Self.appendQuoted(text, to: &bytes)
    }

    /// `text` as a string literal at the end of `bytes` (`JSONWriter` writes its strings so too).
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in appendQuoted(utf8, to: &bytes) }
    }

    private static func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var run = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
            run = index + 1
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Opens `{` or `[` at `depth` (closing anything deeper first) and returns its depth.
    func openContainer(_ opening: UInt8, closing: UInt8, at depth: Int) -> Int {
        close(downTo: depth)
        bytes.append(opening)
        open.append((closing, true))
        return open.count
    }

    /// Starts the next member of the container at `depth` (1-based): a comma after the first.
    func nextMember(of depth: Int) {
        close(downTo: depth)
        if open[depth - 1].empty {
            open[depth - 1].empty = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    func writeKey(_ key: String, in depth: Int) {
        nextMember(of: depth)
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Closes the containers deeper than `depth`.
    func close(downTo depth: Int) {
        while open.count > depth { bytes.append(open.removeLast().closing) }
    }
}

/// The `Encoder` handed to a value: its container opens at `depth` (the number of containers open
/// around it).
struct JSONStreamEncoder: Encoder {
    let output: JSONOutput
    let depth: Int
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let level = output.openContainer(UInt8(ascii: "{"), closing: UInt8(ascii: "}"), at: depth)
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(output: output, level: level))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONUnkeyedContainer(output: output, level: output.openContainer(UInt8(ascii: "["), closing: UInt8(ascii: "]"), at: depth))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(output: output)
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let output: JSONOutput
    /// This container's depth once open (1 = outermost).
    let level: Int
    var codingPath: [any CodingKey] = []

    mutating func encodeNil(forKey key: Key) throws {
        output.writeKey(key.stringValue, in: level)
        output.bytes.append(contentsOf: "null".utf8)
    }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        output.writeKey(key.stringValue, in: level)
        try output.write(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        output.writeKey(key.stringValue, in: level)
        let nested = output.openContainer(UInt8(ascii: "{"), closing: UInt8(ascii: "}"), at: level)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(output: output, level: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        output.writeKey(key.stringValue, in: level)
        return JSONUnkeyedContainer(output: output, level: output.openContainer(UInt8(ascii: "["), closing: UInt8(ascii: "]"), at: level))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        output.writeKey(key.stringValue, in: level)
        return JSONStreamEncoder(output: output, depth: level)
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let output: JSONOutput
    let level: Int
    var codingPath: [any CodingKey] = []
    private(set) var count = 0

    init(output: JSONOutput, level: Int) {
        self.output = output
        self.level = level
    }

    mutating func encodeNil() throws {
        output.nextMember(of: level)
        output.bytes.append(contentsOf: "null".utf8)
        count += 1
    }

    mutating func encode(_ value: some Encodable) throws {
        output.nextMember(of: level)
        try output.write(value)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        output.nextMember(of: level)
        count += 1
        let nested = output.openContainer(UInt8(ascii: "{"), closing: UInt8(ascii: "}"), at: level)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(output: output, level: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        output.nextMember(of: level)
        count += 1
        return JSONUnkeyedContainer(output: output, level: output.openContainer(UInt8(ascii: "["), closing: UInt8(ascii: "]"), at: level))
    }

    mutating func superEncoder() -> any Encoder {
        output.nextMember(of: level)
        count += 1
        return JSONStreamEncoder(output: output, depth: level)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let output: JSONOutput
    var codingPath: [any CodingKey] = []

    mutating func encodeNil() throws { output.bytes.append(contentsOf: "null".utf8) }
    mutating func encode(_ value: some Encodable) throws { try output.write(value) }
}
