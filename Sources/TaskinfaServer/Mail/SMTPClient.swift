import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TaskinfaCore

/// Why a mail didn't go: said in the words a person fixing the mail server needs.
struct SMTPError: Error, CustomStringConvertible {
    var description: String
}

/// A small SMTP client (RFC 5321): one connection per mail, EHLO, STARTTLS (RFC 3207) or TLS from
/// the start, AUTH PLAIN or LOGIN (RFC 4954), one recipient. Credentials never cross the network
/// in plain text: without TLS they are sent only to a server on this machine.
struct SMTPClient: Sendable {
    let settings: SMTPSettings
    /// The name this server gives itself in `EHLO`.
    let heloName: String
    var timeout: Duration = .seconds(30)

    func send(_ message: MailMessage, messageID: String, date: Date) async throws {
        let data = try message.rendered(from: settings.from, date: date, messageID: messageID)
        let connection = try await SMTPConnection.open(settings: settings)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await dialogue(connection, recipient: message.to, data: data) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SMTPError(description: "the mail server at \(settings.host):\(settings.port) didn't answer within \(timeout)")
                }
                try await group.next()
                group.cancelAll()
            }
            connection.close()
        } catch {
            connection.close()
            throw error
        }
    }

    private func dialogue(_ connection: SMTPConnection, recipient: String, data: String) async throws {
        try await connection.expect(220, "greeting")
        var capabilities = try await connection.command("EHLO \(heloName)", expect: 250)
        var encrypted = settings.security == .implicitTLS
        if !encrypted, capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
            try await connection.command("STARTTLS", expect: 220)
            try await connection.startTLS(host: settings.host)
            encrypted = true
            capabilities = try await connection.command("EHLO \(heloName)", expect: 250)
        }
        if let username = settings.username {
            guard encrypted || settings.isLoopback else {
                throw SMTPError(
                    description: "\(settings.host) offers no STARTTLS: refusing to send the SMTP password unencrypted (use smtps://)")
            }
            let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ") ?? []
            let password = settings.password ?? ""
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await connection.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN …")
            } else {
                try await connection.command("AUTH LOGIN", expect: 334)
                try await connection.command(Data(username.utf8).base64EncodedString(), expect: 334, redacted: "(user name)")
                try await connection.command(Data(password.utf8).base64EncodedString(), expect: 235, redacted: "(password)")
            }
        }
        try await connection.command("MAIL FROM:<\(settings.senderAddress)>", expect: 250)
        try await connection.command("RCPT TO:<\(recipient)>", expect: 250, or: 251)
        try await connection.command("DATA", expect: 354)
        try await connection.command(Self.dotStuffed(data) + ".", expect: 250, redacted: "(message)")
        _ = try? await connection.command("QUIT", expect: 221)
    }

    /// A line of the message that starts with "." gets another (RFC 5321 §4.5.2); the text ends in CRLF.
    static func dotStuffed(_ data: String) -> String {
        data.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// One SMTP connection: commands written as lines, replies read as they arrive.
final class SMTPConnection: Sendable {
    private let channel: any Channel
    private let lines: AsyncThrowingStream<String, any Error>
    private let settings: SMTPSettings

    private init(channel: any Channel, lines: AsyncThrowingStream<String, any Error>, settings: SMTPSettings) {
        self.channel = channel
        self.lines = lines
        self.settings = settings
    }

    static func open(settings: SMTPSettings) async throws -> SMTPConnection {
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let tls = settings.security == .implicitTLS ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let host = settings.host
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host)) }
                        try channel.pipeline.syncOperations.addHandler(SMTPLineReader(continuation))
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
            return SMTPConnection(channel: channel, lines: lines, settings: settings)
        } catch {
            throw SMTPError(description: "can't reach the mail server at \(settings.host):\(settings.port) (\(Self.reason(error)))")
        }
    }

    /// A connection failure in a few words: NIO's own descriptions list every address tried.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("refused") { return "connection refused" }
        if text.lowercased().contains("timeout") || text.contains("timed out") { return "no answer" }
        if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("address") { return "unknown host" }
        return String(text.prefix(200))
    }

    /// Sends one command line and reads the reply; any other code than the expected is an error
    /// that quotes the server (with credentials in the command left out).
    @discardableResult
    func command(_ line: String, expect code: Int, or alternative: Int? = nil, redacted: String? = nil) async throws -> [String] {
        try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
        return try await expect(code, or: alternative, redacted ?? line)
    }

    /// Reads one reply (its lines `250-…` up to `250 …`), returning the text of each line.
    @discardableResult
    func expect(_ code: Int, or alternative: Int? = nil, _ what: String) async throws -> [String] {
        var iterator = lines.makeAsyncIterator()
        var texts: [String] = []
        while true {
            guard let line = try await iterator.next() else {
                throw SMTPError(description: "the mail server closed the connection after \(what)")
            }
            let reply = Int(line.prefix(3))
            texts.append(String(line.dropFirst(4)))
            let last = line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-"
            guard last else { continue }
            guard let reply, reply == code || reply == alternative else {
                throw SMTPError(description: "the mail server answered “\(line.prefix(300))” to \(what)")
            }
            return texts
        }
    }

    /// Switches the connection to TLS in place, after the server said yes to STARTTLS.
    func startTLS(host: String) async throws {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        let channel = channel
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
        }.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Splits what the server sends into lines (CRLF, or a bare LF from a lax server).
private final class SMTPLineReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var pending = ByteBuffer()
    private let continuation: AsyncThrowingStream<String, any Error>.Continuation

    init(_ continuation: AsyncThrowingStream<String, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            var line = pending.readString(length: length) ?? ""
            pending.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            continuation.yield(line)
        }
        if pending.readableBytes > 64 * 1024 {
            continuation.finish(throwing: SMTPError(description: "the mail server sent a line longer than 64 KiB"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: SMTPError(description: "mail connection failed: \(error)"))
        context.close(promise: nil)
    }
}
