import Synchronization

/// What a streaming response has produced and its client not yet taken, bounded in bytes. A client
/// that stops reading (or reads slower than its workspace changes) must not make the server hold
/// everything for it: once it is `limit` bytes behind, `yield` says so and the stream ends; the
/// client reconnects with `Last-Event-ID` and reads what it missed from the log.
final class StreamBuffer: Sendable {
    let limit: Int
    private let pending = Atomic<Int>(0)
    private let continuation: AsyncStream<ArraySlice<UInt8>>.Continuation
    private let stream: AsyncStream<ArraySlice<UInt8>>

    init(limit: Int) {
        self.limit = limit
        (stream, continuation) = AsyncStream<ArraySlice<UInt8>>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Queues bytes for the client; false when it is too far behind (nothing is queued then).
    func yield(_ bytes: ArraySlice<UInt8>) -> Bool {
        let total = pending.add(bytes.count, ordering: .relaxed).newValue
        guard total <= limit else {
            pending.subtract(bytes.count, ordering: .relaxed)
            return false
        }
        continuation.yield(bytes)
        return true
    }

    func yield(_ text: String) -> Bool { yield(ArraySlice(text.utf8)) }

    func finish() { continuation.finish() }

    /// Runs when the client is gone or the stream finished.
    func onTermination(_ handler: @escaping @Sendable () -> Void) {
        continuation.onTermination = { _ in handler() }
    }

    /// How many bytes wait for the client.
    var backlog: Int { pending.load(ordering: .relaxed) }

    /// The bytes, in order, as the response body reads them.
    var bytes: Bytes { Bytes(base: stream, buffer: self) }

    struct Bytes: AsyncSequence, Sendable {
        typealias Element = ArraySlice<UInt8>
        let base: AsyncStream<ArraySlice<UInt8>>
        let buffer: StreamBuffer

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<ArraySlice<UInt8>>.AsyncIterator
            let buffer: StreamBuffer

            mutating func next() async -> ArraySlice<UInt8>? {
                let bytes = await base.next()
                if let bytes { buffer.pending.subtract(bytes.count, ordering: .relaxed) }
                return bytes
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), buffer: buffer) }
    }
}
