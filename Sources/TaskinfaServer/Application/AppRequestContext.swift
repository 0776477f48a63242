import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage, the peer's address and the
/// connection the request came on (long polls and streams watch it to notice a client that left).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }
}
