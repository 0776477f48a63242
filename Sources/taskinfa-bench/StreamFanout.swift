import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TaskinfaServer

/// Thousands of open event streams on one server, and how long a committed task takes to reach
/// the last of them. Each stream is a bare TCP connection on one event-loop thread of this process
/// (an HTTP client per stream would cost the bench more than the server); it sends the GET and then
/// only scans what arrives for the probe titles, noting when each one first appears.
final class StreamFanout: Sendable {
    /// Where each probe title arrived, per stream, and how many streams each has reached: the
    /// bench waits on the count, and reads the times once the last stream has it.
    private final class Arrivals: Sendable {
        private struct Noted {
            var times: [ContinuousClock.Instant?]
            var reached: [Int]
        }

        let probes: Int
        private let noted: Mutex<Noted>

        init(streams: Int, probes: Int) {
            self.probes = probes
            noted = Mutex(Noted(times: Array(repeating: nil, count: streams * probes), reached: Array(repeating: 0, count: probes)))
        }

        func note(stream: Int, probe: Int, at time: ContinuousClock.Instant) {
            guard probe < probes else { return }
            noted.withLock { noted in
                guard noted.times[stream * probes + probe] == nil else { return }
                noted.times[stream * probes + probe] = time
                noted.reached[probe] += 1
            }
        }

        func reached(by probe: Int) -> Int {
            noted.withLock { $0.reached[probe] }
        }

        func arrivals(of probe: Int, streams: Int) -> [ContinuousClock.Instant?] {
            noted.withLock { noted in
                var arrivals: [ContinuousClock.Instant?] = []
                arrivals.reserveCapacity(streams)
                for stream in 0..<streams { arrivals.append(noted.times[stream * probes + probe]) }
                return arrivals
            }
        }
    }

    /// Reads one stream: the answer's head once (it must be 200), then frames, looking for
    /// `"title":"fanout probe N"`. A title split across two reads is found by keeping the tail of
    /// the previous read.
    private final class Reader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        static let marker = Array(#""title":"fanout probe "#.utf8)

        let index: Int
        let arrivals: Arrivals
        let opened: EventLoopPromise<Void>
        private var carry: [UInt8] = []
        private var headSeen = false

        init(index: Int, arrivals: Arrivals, opened: EventLoopPromise<Void>) {
            self.index = index
            self.arrivals = arrivals
            self.opened = opened
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let now = ContinuousClock.now
            let buffer = unwrapInboundIn(data)
            // Nearly every read holds whole frames: it is scanned where it lies, without a copy.
            if carry.isEmpty {
                buffer.withUnsafeReadableBytes { scan($0, at: now) }
            } else {
                var bytes = carry
                bytes += buffer.readableBytesView
                bytes.withUnsafeBytes { scan($0, at: now) }
            }
        }

        /// Notes each probe title in `bytes`, and keeps an unfinished frame at their end for the
        /// next read (a title or its number may go on there).
        private func scan(_ bytes: UnsafeRawBufferPointer, at now: ContinuousClock.Instant) {
            if !headSeen {
                guard bytes.count >= 12 else {
                    carry = Array(bytes)
                    return
                }
                headSeen = true
                // "HTTP/1.1 200 OK"
                if bytes[9] == UInt8(ascii: "2") { opened.succeed(()) } else { opened.fail(BenchError.unexpected("an event stream was refused")) }
            }
            // Frames end with an empty line; what follows the last one is chunk framing (a few
            // bytes, never part of a title) or the start of a frame still arriving.
            var complete = bytes.count
            while complete >= 2, !(bytes[complete - 2] == 10 && bytes[complete - 1] == 10) { complete -= 1 }
            if complete < 2 { complete = 0 }
            var scanned = 0
            Self.marker.withUnsafeBytes { marker in
                var position = 0
                // Each quote is a candidate (memchr finds them far faster than a loop over bytes).
                while position + marker.count < bytes.count,
                    let quote = memchr(bytes.baseAddress! + position, Int32(marker[0]), bytes.count - marker.count - position)
                {
                    let start = UnsafeRawPointer(quote) - UnsafeRawPointer(bytes.baseAddress!)
                    guard memcmp(quote, marker.baseAddress!, marker.count) == 0 else {
                        position = start + 1
                        continue
                    }
                    var digit = start + marker.count
                    var probe = 0
                    while digit < bytes.count, bytes[digit] >= 48, bytes[digit] <= 57 {
                        probe = probe * 10 + Int(bytes[digit] - 48)
                        digit += 1
                    }
                    guard digit < bytes.count else { break }  // the number may go on in the next read
                    arrivals.note(stream: index, probe: probe, at: now)
                    position = digit
                    scanned = digit
                }
            }
            let rest = max(complete, scanned)
            carry = bytes.count - rest > 16 ? Array(bytes[rest...]) : []
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            opened.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            opened.fail(BenchError.unexpected("an event stream closed"))
        }
    }

    let count: Int
    private let arrivals: Arrivals
    private let group: MultiThreadedEventLoopGroup
    private let channels: Mutex<[any Channel]>

    /// Opens `count` streams on `workspace`, `batch` connections at a time.
    init(port: Int, workspace: String, bearer: String, count: Int, probes: Int, batch: Int = 250) async throws {
        self.count = count
        arrivals = Arrivals(streams: count, probes: probes)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        channels = Mutex([])
        let request = ByteBuffer(
            string: "GET /api/v1/workspaces/\(workspace)/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(bearer)\r\nAccept: text/event-stream\r\n\r\n")
        let arrivals = self.arrivals
        for start in stride(from: 0, to: count, by: batch) {
            try await withThrowingTaskGroup(of: (any Channel).self) { tasks in
                for index in start..<min(count, start + batch) {
                    tasks.addTask { [group] in
                        let loop = group.next()
                        let opened = loop.makePromise(of: Void.self)
                        let channel = try await ClientBootstrap(group: loop)
                            .channelInitializer { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHandler(Reader(index: index, arrivals: arrivals, opened: opened))
                                }
                            }
                            .connect(host: "127.0.0.1", port: port).get()
                        try await channel.writeAndFlush(request).get()
                        try await opened.futureResult.get()
                        return channel
                    }
                }
                for try await channel in tasks { channels.withLock { $0.append(channel) } }
            }
        }
    }

    /// How long after `sent` each stream saw probe `probe`, waiting up to `patience` for the last
    /// one; nil for a stream it never reached.
    func delays(of probe: Int, sentAt sent: ContinuousClock.Instant, patience: Duration) async throws -> [Double?] {
        let deadline = ContinuousClock.now + patience
        while true {
            if arrivals.reached(by: probe) == count || ContinuousClock.now >= deadline {
                return arrivals.arrivals(of: probe, streams: count).map { $0.map { ($0 - sent).milliseconds } }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func close() async {
        for channel in channels.withLock({ $0 }) { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}

extension StreamFanout {
    /// Opens `streams` streams on the workspace, reports the server's memory with them open, then
    /// creates probe tasks one at a time and reports how long each took to reach every stream.
    static func measure(
        into report: inout Report, server: ServerUnderTest, client: Client, workspace: String, project: String, streams: Int
    ) async throws {
        let probes = 30
        let opening = ContinuousClock.now
        let fanout = try await StreamFanout(port: server.port, workspace: workspace, bearer: client.bearer!, count: streams, probes: probes)
        report.add("opening \(streams) event streams", (ContinuousClock.now - opening).milliseconds, "ms")
        try await Task.sleep(for: .seconds(2))
        report.add("resident memory, \(streams) open streams", server.residentMegabytes, "MB", target: "< 500 MB")
        var lastClient = Samples()
        var everyDelivery = Samples()
        var missed = 0
        let serverBefore = Wrk.cpuTimes(of: server.pid)
        let benchBefore = Wrk.cpuTimes(of: getpid())
        let started = ContinuousClock.now
        for probe in 0..<probes {
            let sent = ContinuousClock.now
            let (status, _) = try await client.request(
                .POST, "/api/v1/workspaces/\(workspace)/tasks", json: ["project_id": project, "title": "fanout probe \(probe)"])
            guard status == 201 else { throw BenchError.unexpected("create answered \(status)") }
            let delays = try await fanout.delays(of: probe, sentAt: sent, patience: .seconds(10))
            let arrived = delays.compactMap { $0 }
            missed += delays.count - arrived.count
            for delay in arrived { everyDelivery.add(delay) }
            lastClient.add(arrived.max() ?? .nan)
            // Let the streams go idle between probes, so that each probe measures one fan-out.
            try await Task.sleep(for: .milliseconds(100))
        }
        let wall = (ContinuousClock.now - started).milliseconds / 1000
        let serverCPU = Wrk.cpuTimes(of: server.pid) - serverBefore
        let benchCPU = Wrk.cpuTimes(of: getpid()) - benchBefore
        // What the kernel alone spends to carry one event to every stream (the server's sends, which
        // on loopback also run the receiving side, and the client's reads), spread over every core:
        // no server could deliver faster on this machine.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let floor = Report.Baseline(
            name: "kernel alone, \(cores) cores",
            value: (serverCPU.system + benchCPU.system) / Double(probes) / Double(cores) * 1000, unit: "ms")
        report.add("create → last of \(streams) streams, p50", lastClient.percentile(50), "ms", against: floor)
        report.add("create → last of \(streams) streams, p99", lastClient.percentile(99), "ms", against: floor, target: "< 100 ms")
        report.add("create → each of \(streams) streams, p99", everyDelivery.percentile(99), "ms")
        report.add("deliveries that never arrived", Double(missed), "", target: "0")
        let deliveries = Double(streams * probes)
        report.add("server CPU per event delivered to a stream", serverCPU.total * 1e6 / deliveries, "µs")
        report.add("… of which in the kernel", serverCPU.system * 1e6 / deliveries, "µs")
        report.add("the streams' client CPU during the probes", benchCPU.total / wall, "cores", target: "< 1 of 2")
        await fanout.close()
    }
}

/// Only the many-streams phase, on a fresh server: `taskinfa-bench fanout --streams 10000`.
struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open many event streams on one server and time a commit's fan-out.")

    @OptionGroup var server: ServerOptions

    @Option(help: "How many streams to open.")
    var streams: Int = 10_000

    func run() async throws {
        OpenFileLimit.raise()
        let running = try ServerUnderTest(binary: server.binaryPath, databaseURL: try await server.freshDatabaseURL(server.database))
        defer { running.stop() }
        var report = Report(name: server.database)
        try await withHTTPClient(connections: 8) { http in
            var signedIn = Client(http: http, base: "http://127.0.0.1:\(running.port)")
            let (workspace, project, _) = try await Scenario.signUp(&signedIn)
            try await StreamFanout.measure(
                into: &report, server: running, client: signedIn, workspace: workspace, project: project, streams: streams)
        }
        report.print()
    }
}
