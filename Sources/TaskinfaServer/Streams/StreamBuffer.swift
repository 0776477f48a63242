import NIOCore
import Synchronization

/// What a streaming response has produced and its client not yet taken, bounded in bytes. A client
/// that stops reading (or reads slower than its workspace changes) must not make the server hold
/// everything for it. Once it is `limit` bytes behind, `send` waits for it to read — so a client
/// catching up from the log is paced by its own reading — but for `patience` at most: a client that
/// still hasn't read by then is cut off, reconnects with `Last-Event-ID` and reads what it missed
/// from the log.
///
/// On a real connection the bytes go straight into it (`ConnectionOutput`), and the response body
/// only marks when the head is out and waits for the end; "behind" is then either of: `limit`
/// bytes on their way to the connection, or `limit` bytes the connection holds unsent (its write
/// buffer's high water mark). Without a connection (the in-process test server) the bytes go
/// through the body as a sequence.
final class StreamBuffer: Sendable {
    let limit: Int
    let patience: Duration
    private let backlogBytes = Backlog()
    private let route: Route

    /// The bytes queued and not yet taken: by the connection's event loop, or by the body's reader.
    /// A class, so that the connection's hand-overs can count down what they took.
    private final class Backlog: Sendable {
        let count = Atomic<Int>(0)
    }

    private enum Route: Sendable {
        case connection(ConnectionOutput)
        case body(AsyncStream<ByteBuffer>, AsyncStream<ByteBuffer>.Continuation)
    }

    init(limit: Int, patience: Duration, connection: ClientConnection) {
        self.limit = limit
        self.patience = patience
        if let channel = connection.channel {
            let backlog = backlogBytes
            route = .connection(
                ConnectionOutput(channel: channel, limit: limit) { backlog.count.subtract($0, ordering: .relaxed) })
        } else {
            let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .unbounded)
            route = .body(stream, continuation)
        }
    }

    /// Queues `text`, waiting while the client is too far behind; false when it did not catch up
    /// within `patience` (nothing is queued then).
    func send(_ text: String) async -> Bool {
        let bytes = ByteBuffer(string: text)
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
        _ = queue(ByteBuffer(string: text))
    }

    /// Queues `bytes` if the client is less than `limit` behind; false (nothing queued) if not.
    /// The same bytes may go to many streams: a `ByteBuffer` shares its storage.
    func tryQueue(_ bytes: ByteBuffer) -> Bool { queue(bytes) }

    /// One frame larger than the limit still goes through on its own, or it could never be sent.
    private func queue(_ bytes: ByteBuffer) -> Bool {
        if case .connection(let output) = route, !output.isWritable { return false }
        let count = bytes.readableBytes
        let (exchanged, _) = backlogBytes.count.compareExchange(expected: 0, desired: count, ordering: .relaxed)
        if !exchanged {
            let total = backlogBytes.count.add(count, ordering: .relaxed).newValue
            guard total <= limit else {
                backlogBytes.count.subtract(count, ordering: .relaxed)
                return false
            }
        }
        switch route {
        case .connection(let output): output.write(bytes)
        case .body(_, let continuation): continuation.yield(bytes)
        }
        return true
    }

    func finish() {
        switch route {
        case .connection(let output): output.end()
        case .body(_, let continuation): continuation.finish()
        }
    }

    /// Runs when the client is gone or the stream finished.
    func onTermination(_ handler: @escaping @Sendable () -> Void) {
        switch route {
        case .connection(let output): output.onEnd(handler)
        case .body(_, let continuation): continuation.onTermination = { _ in handler() }
        }
    }

    /// How many bytes wait for the client.
    var backlog: Int { backlogBytes.count.load(ordering: .relaxed) }

    /// The response body: the bytes, in order, or — on a connection — none, once the stream ends.
    var bytes: Bytes { Bytes(buffer: self) }

    struct Bytes: AsyncSequence, Sendable {
        typealias Element = ArraySlice<UInt8>
        let buffer: StreamBuffer

        struct AsyncIterator: AsyncIteratorProtocol {
            let buffer: StreamBuffer
            var base: AsyncStream<ByteBuffer>.AsyncIterator?

            mutating func next() async -> ArraySlice<UInt8>? {
                switch buffer.route {
                case .connection(let output):
                    // Asked for the first time: the head is out. Nothing more comes this way.
                    output.start()
                    await output.ended()
                    return nil
                case .body:
                    guard let bytes = await base?.next() else { return nil }
                    buffer.backlogBytes.count.subtract(bytes.readableBytes, ordering: .relaxed)
                    return ArraySlice(bytes.readableBytesView)
                }
            }
        }

        func makeAsyncIterator() -> AsyncIterator {
            guard case .body(let stream, _) = buffer.route else { return AsyncIterator(buffer: buffer, base: nil) }
            return AsyncIterator(buffer: buffer, base: stream.makeAsyncIterator())
        }
    }
}
