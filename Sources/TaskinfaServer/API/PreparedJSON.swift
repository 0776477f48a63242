import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization
import TaskinfaCore

/// JSON answers written member by member (`JSONWritable`) instead of by the generated server's
/// `JSONEncoder`, for the answers that carry many tasks (a list page, the board). Encoding a page
/// of 100 cards through `JSONEncoder` was half of the server's time for it; the generated code has
/// no way to swap its encoder, so a handler writes the value itself, leaves the bytes with the
/// request (`Slot`), and gives the generated code an empty value of the same type to encode
/// instead. `RouterTransport` then answers with the handler's bytes. The value is the generated
/// type itself, so the members are the schema's (`PreparedJSONTests` holds the two encodings side
/// by side).
enum PreparedJSON {
    /// Where the operation being served leaves its bytes; set by `RouterTransport`.
    @TaskLocal static var slot: Slot?

    final class Slot: Sendable {
        private let bytes = Mutex<Data?>(nil)

        func put(_ data: Data) { bytes.withLock { $0 = data } }
        func take() -> Data? { bytes.withLock { $0.take() } }
    }

    /// What a handler returns for `value`: `empty`, with `value`'s JSON left for the transport; or
    /// `value` itself when no transport waits for bytes (the generated code encodes it then).
    static func answer<Value: JSONWritable>(_ value: Value, empty: Value) -> Value {
        guard let slot else { return value }
        var json = JSONWriter(capacity: 64 * 1024)
        value.write(to: &json)
        slot.put(Data(json.bytes))
        return empty
    }

    /// Runs an operation with a slot and swaps in the bytes it left there, if any.
    static func serve(
        _ operation: () async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let slot = Slot()
        var (response, body) = try await $slot.withValue(slot) { try await operation() }
        // Only the answer the handler wrote for is replaced: anything else (a refusal a middleware
        // made of it) keeps its own body.
        if let data = slot.take(), response.status == .ok {
            body = HTTPBody(data)
            response.headerFields[.contentLength] = nil
        }
        return (response, body)
    }
}
