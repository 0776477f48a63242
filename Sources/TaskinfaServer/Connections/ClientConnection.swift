import NIOCore

/// The connection a request came on, to tell whether its client is still there. A long poll must
/// not hand work to a worker that hung up, and a stream must not write into the void.
struct ClientConnection: Sendable {
    /// Nil where there is no real connection (in-process router tests): always present.
    let channel: (any Channel)?

    var isOpen: Bool { channel?.isActive ?? true }

    /// Returns once the connection has closed, or the waiting task is cancelled (an
    /// `EventLoopFuture` can't be cancelled, so the wait goes through a stream, which can).
    func closed() async {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        channel?.closeFuture.whenComplete { _ in continuation.finish() }
        for await _ in stream {}
    }

    /// Drops the connection (a stream whose client stopped reading).
    func close() {
        channel?.close(promise: nil)
    }
}

/// Closes a connection whose client has closed its side. Hummingbird keeps half-closed connections
/// open (a client may in principle half-close and still read its answer), but no client of this
/// API does that, while a worker that stops or a browser tab that closes does exactly this while
/// its long poll or event stream is open. Without this, the server would only notice at its next
/// write — and a long poll would hand a task to a worker that is gone.
final class ClientHangUpHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
