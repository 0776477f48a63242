import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

@testable import TaskinfaServer

/// A stream's bytes written straight into its connection: never before the answer's head, in the
/// order they were written, counted as taken once the connection's loop has them, and nothing after
/// the end.
@Suite struct ConnectionOutputTests {
    private final class Taken: Sendable {
        let bytes = Atomic<Int>(0)
        let ends = Atomic<Int>(0)
    }

    private static func bodies(of channel: NIOAsyncTestingChannel) async throws -> [String] {
        var texts: [String] = []
        while let part = try await channel.readOutbound(as: HTTPResponsePart.self) {
            guard case .body(let bytes) = part else {
                Issue.record("a part other than the body was written: \(part)")
                continue
            }
            texts.append(String(buffer: bytes))
        }
        return texts
    }

    @Test func bytesWaitForTheHeadThenGoOutInOrderAndNothingFollowsTheEnd() async throws {
        let channel = NIOAsyncTestingChannel()
        let taken = Taken()
        let output = ConnectionOutput(channel: channel, limit: 64 * 1024) { taken.bytes.add($0, ordering: .relaxed) }
        output.onEnd { taken.ends.add(1, ordering: .relaxed) }

        output.write(ByteBuffer(string: "retry: 2000\n\n"))
        output.write(ByteBuffer(string: "id: 1\n\n"))
        await channel.testingEventLoop.run()
        #expect(try await Self.bodies(of: channel).isEmpty, "bytes went out before the answer's head")
        #expect(taken.bytes.load(ordering: .relaxed) == 0)

        output.start()
        output.write(ByteBuffer(string: "id: 2\n\n"))
        await channel.testingEventLoop.run()
        #expect(try await Self.bodies(of: channel) == ["retry: 2000\n\n", "id: 1\n\n", "id: 2\n\n"])
        #expect(taken.bytes.load(ordering: .relaxed) == 27)

        output.end()
        output.write(ByteBuffer(string: "id: 3\n\n"))
        await channel.testingEventLoop.run()
        await output.ended()
        #expect(try await Self.bodies(of: channel).isEmpty, "a write after the end went out")
        #expect(taken.bytes.load(ordering: .relaxed) == 34, "a dropped write still counts as taken")
        output.end()
        #expect(taken.ends.load(ordering: .relaxed) == 1, "the end handler ran \(taken.ends.load(ordering: .relaxed)) times")
    }

    @Test func aStreamFinishedBeforeItsHeadStillSendsWhatItHad() async throws {
        let channel = NIOAsyncTestingChannel()
        let output = ConnectionOutput(channel: channel, limit: 1024) { _ in }
        output.write(ByteBuffer(string: "event: reset\n\n"))
        output.end()
        output.start()
        await channel.testingEventLoop.run()
        await output.ended()
        #expect(try await Self.bodies(of: channel) == ["event: reset\n\n"])
    }

    @Test func theClientLeavingEndsTheStream() async throws {
        let channel = NIOAsyncTestingChannel()
        let ends = Taken()
        let output = ConnectionOutput(channel: channel, limit: 1024) { _ in }
        output.onEnd { ends.ends.add(1, ordering: .relaxed) }
        output.start()
        try await channel.close()
        await channel.testingEventLoop.run()
        await output.ended()
        #expect(ends.ends.load(ordering: .relaxed) == 1)
    }

    /// A stream is behind when `limit` bytes are on their way to its connection, or when the
    /// connection itself holds as much unsent (it stops being writable): then nothing more is queued,
    /// and a sender that waits gives up after its patience.
    @Test func aStreamIsBehindWhileItsConnectionIsFullOrTooMuchIsOnItsWay() async throws {
        let channel = NIOAsyncTestingChannel()
        let buffer = StreamBuffer(limit: 1024, patience: .milliseconds(60), connection: ClientConnection(channel: channel))
        let frame = ByteBuffer(repeating: UInt8(ascii: "a"), count: 600)
        #expect(buffer.tryQueue(frame))
        #expect(!buffer.tryQueue(frame), "1,200 bytes were let on their way with a limit of 1,024")
        #expect(buffer.backlog == 600)

        // The body starting (the head is out) hands what waited to the connection.
        let body = Task {
            var reader = buffer.bytes.makeAsyncIterator()
            return await reader.next()
        }
        while buffer.backlog > 0 {
            await channel.testingEventLoop.run()
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(buffer.tryQueue(frame))
        await channel.testingEventLoop.run()

        channel.isWritable = false
        #expect(!buffer.tryQueue(frame), "a frame was queued for a connection that is full")
        #expect(await !buffer.send("id: 9\n\n"), "a sender waited past its patience for a full connection")
        channel.isWritable = true
        #expect(await buffer.send("id: 9\n\n"))

        buffer.finish()
        #expect(await body.value == nil, "the body carried bytes that went straight to the connection")
        await channel.testingEventLoop.run()
        #expect(try await Self.bodies(of: channel).map(\.count) == [600, 600, 7])
    }
}
