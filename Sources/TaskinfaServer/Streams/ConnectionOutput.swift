import NIOCore
import NIOHTTPTypes
import Synchronization

/// A streaming answer's bytes written straight into its connection. Handing them to the response
/// body instead costs, per write, a wake-up of the task writing the body and a pass through four
/// layers of asynchronous sequences (the stream's queue, the generated server's body, Hummingbird's
/// body writer, NIO's asynchronous writer): with ten thousand streams open, that was most of what
/// one commit's fan-out cost. Here a write is one hand-over to the connection's event loop.
///
/// Bytes that arrive before the answer's head is out wait until `start` (the response body
/// starting), so they never overtake it. The answer's end (`.end`) is still written by the server
/// once `ended()` returns: everything written here was handed to the event loop before that, and
/// the loop keeps the order it was handed things in.
final class ConnectionOutput: Sendable {
    private struct State {
        /// What was written before the head went out; nil once it has.
        var held: [ByteBuffer]? = []
        var ended = false
        var endWaiter: CheckedContinuation<Void, Never>?
        var onEnd: (@Sendable () -> Void)?
    }

    private let channel: any Channel
    /// Told how many bytes the event loop has handed to the connection (or dropped).
    private let taken: @Sendable (Int) -> Void
    private let state = Mutex(State())

    /// `limit`: how many bytes the connection may hold that its client hasn't taken yet before it
    /// counts as not writable.
    init(channel: any Channel, limit: Int, taken: @escaping @Sendable (Int) -> Void) {
        self.channel = channel
        self.taken = taken
        // Set before any write is handed over, so it holds for all of them (the loop runs what it is
        // handed in order).
        channel.setOption(
            ChannelOptions.writeBufferWaterMark, value: .init(low: max(1, limit / 2), high: max(1, limit))
        ).whenFailure { _ in }
        // A client that leaves ends the stream, as a body whose writes fail would.
        channel.closeFuture.whenComplete { [weak self] _ in self?.end() }
    }

    /// Whether the connection holds less than its limit of bytes its client hasn't taken.
    var isWritable: Bool { channel.isWritable }

    /// Writes `bytes` after everything written before (under the lock, so that two writers can't
    /// swap their order between deciding and handing over).
    func write(_ bytes: ByteBuffer) {
        let dropped = state.withLock { state -> Bool in
            if state.ended { return true }
            if state.held != nil {
                state.held!.append(bytes)
            } else {
                send(bytes)
            }
            return false
        }
        if dropped { taken(bytes.readableBytes) }
    }

    /// The answer's head is out: writes what waited for it, and everything from now on directly.
    func start() {
        state.withLock { state in
            for bytes in state.held ?? [] { send(bytes) }
            state.held = nil
        }
    }

    /// Returns when the stream has ended: finished, its connection closed, or the caller cancelled.
    func ended() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let over = state.withLock { state in
                    if !state.ended { state.endWaiter = continuation }
                    return state.ended
                }
                if over { continuation.resume() }
            }
        } onCancel: {
            end()
        }
    }

    /// Ends the stream; what is written after this is dropped. What was written before still goes
    /// out, even if the head has yet to (a stream finished right after it opened).
    func end() {
        let (waiter, onEnd) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            guard !state.ended else { return (nil, nil) }
            state.ended = true
            defer { (state.endWaiter, state.onEnd) = (nil, nil) }
            return (state.endWaiter, state.onEnd)
        }
        waiter?.resume()
        onEnd?()
    }

    /// Runs `handler` once, when the stream ends (at once if it already has).
    func onEnd(_ handler: @escaping @Sendable () -> Void) {
        let over = state.withLock { state in
            if !state.ended { state.onEnd = handler }
            return state.ended
        }
        if over { handler() }
    }

    /// Hands `bytes` to the connection's event loop. What the connection then holds unsent is
    /// bounded by its write buffer's water mark (`isWritable`); a write's own completion isn't
    /// waited for: a promise per write cost a fifth of a delivery's CPU.
    private func send(_ bytes: ByteBuffer) {
        let (channel, taken) = (self.channel, self.taken)
        channel.eventLoop.execute {
            channel.writeAndFlush(HTTPResponsePart.body(bytes), promise: nil)
            taken(bytes.readableBytes)
        }
    }
}
