import Logging
import Testing

@testable import TaskinfaWorker

struct LogShipperTests {
    @Test func outputIsBoundedWhileTheServerCannotBeReached() async throws {
        // Port 1 on loopback refuses at once: every batch fails.
        let api = try WorkerAPI(server: "http://127.0.0.1:1", apiKey: "tk_unreachable", timeout: .milliseconds(200))
        let shipper = LogShipper(api: api, task: "tsk_1", execution: "exe_1", token: "claim", logger: Logger(label: "test"))
        let line = String(repeating: "x", count: 1_000)
        for _ in 0..<10_000 { await shipper.add("stdout", loop: 1, line) }
        #expect(await shipper.heldBytes <= LogShipper.maxHeldBytes)
        #expect(await shipper.dropped > 1_000)
        // The next attempt adds a note saying how much was not kept, and keeps holding the rest.
        await shipper.flush()
        #expect(await shipper.dropped == 0)
        #expect(await shipper.heldBytes > LogShipper.maxHeldBytes - 100_000)
    }
}
