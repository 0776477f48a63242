import Synchronization

/// What a streaming response has produced and its client not yet taken, bounded in bytes. A client
/// that stops reading (or reads slower than its workspace changes) must not make the server hold
/// everything for it. Once it is `limit` bytes behind, `send` waits for it to read — so a client
/// catching up from the log is paced by its own reading — but for `patience` at most: a client that
/// still hasn't read by then is cut off, reconnects with `Last-Event-ID` and reads what it missed
/// from the log.
final class StreamBuffer: Sendable {
    let limit: Int
    let patience: Duration
    private let pending = Atomic<Int>(0)
    private let continuation: AsyncStream<ArraySlice<UInt8>>.Continuation
    private let stream: AsyncStream<ArraySlice<UInt8>>

    init(limit: Int, patience: Duration) {
        self.limit = limit
        self.patience = patience
        (stream, continuation) = AsyncStream<ArraySlice<UInt8>>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Queues `text`, waiting while the client is too far behind; false when it did not catch up
    /// within `patience` (nothing is queued then).
    func send(_ text: String) async -> Bool {
        let bytes = ArraySlice(text.utf8)
        let deadline = ContinuousClock.now + patience
        while !queue(bytes) {
            // Only a client that is behind gets here; it is woken at a pace that costs nothing.
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Queues `text` only if the client is not behind: a keep-alive is pointless for a client
    /// that has data waiting.
    func offer(_ text: String) {
        _ = queue(ArraySlice(text.utf8))
    }

    /// Queues `bytes` if the client is less than `limit` behind; false (nothing queued) if not.
    func tryQueue(_ bytes: ArraySlice<UInt8>) -> Bool { queue(bytes) }

    /// One frame larger than the limit still goes through on its own, or it could never be sent.
    private func queue(_ bytes: ArraySlice<UInt8>) -> Bool {
        let (exchanged, _) = pending.compareExchange(expected: 0, desired: bytes.count, ordering: .relaxed)
        if !exchanged {
            let total = pending.add(bytes.count, ordering: .relaxed).newValue
            guard total <= limit else {
                pending.subtract(bytes.count, ordering: .relaxed)
                return false
            }
        }
        continuation.yield(bytes)
        return true
    }

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
