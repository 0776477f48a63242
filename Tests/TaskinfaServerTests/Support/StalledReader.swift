import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A stream client that stops reading: a plain socket with a tiny receive buffer, so that the
/// server's writes back up at once instead of into megabytes of kernel buffers. `drain()` later
/// reads what reached it until the server closed the connection.
final class StalledReader: @unchecked Sendable {
    private let socket: Int32

    init(port: Int, path: String, cookie: String) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure.socket(errno) }
        var small: Int32 = 4096
        setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        // A bounded wait for each read, so a server that never closes fails the test instead of hanging it.
        var wait = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure.socket(errno) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: taskinfa_session=\(cookie)\r\n\r\n"
        let sent = request.withCString { send(socket, $0, strlen($0), 0) }
        guard sent == request.utf8.count else { throw Failure.socket(errno) }
    }

    /// Everything the server sent, and whether it closed the connection (false: still open after the read timeout).
    func drain() -> (text: String, closed: Bool) {
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count > 0 {
                received += chunk[0..<count]
            } else {
                return (String(decoding: received, as: UTF8.self), count == 0 || errno == ECONNRESET)
            }
        }
    }

    deinit { close(socket) }

    enum Failure: Error { case socket(Int32) }
}
