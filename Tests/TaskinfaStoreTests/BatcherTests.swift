import Synchronization
import Testing

@testable import TaskinfaStore

/// Group commit for small writes: calls arriving together share a flush, each gets its own output,
/// a failed flush fails only the calls that were in it, and keys flush apart.
@Suite struct BatcherTests {
    final class Flushes: Sendable {
        let sizes = Mutex<[Int]>([])
        let failNext = Mutex(false)
        let released = Mutex(false)
    }

    @Test func callsArrivingTogetherShareAFlushAndEachGetsItsOwnAnswer() async throws {
        let flushes = Flushes()
        let batcher = Batcher<Int, Int>(maxBatch: 50) { items in
            flushes.sizes.withLock { $0.append(items.count) }
            try await Task.sleep(for: .milliseconds(20))
            return items.map { $0 * 2 }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 { group.addTask { (value, try await batcher.submit(value)) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { $0.value == $0.key * 2 })
        let sizes = flushes.sizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 200)
        #expect(sizes.count < 200)
        #expect(sizes.allSatisfy { $0 <= 50 })
    }

    /// Items of different keys never share a flush, and a key whose flush hangs doesn't hold
    /// another key's items back.
    @Test func keysFlushApartAndIndependently() async throws {
        let gate = Flushes()
        let batcher = Batcher<String, String> { items in
            let keys = Set(items.map { $0.prefix(1) })
            #expect(keys.count == 1)
            // "a" flushes until the test lets it go; "b" must not wait for it.
            while keys == ["a"], gate.released.withLock({ !$0 }) { try await Task.sleep(for: .milliseconds(10)) }
            gate.sizes.withLock { $0.append(items.count) }
            return items
        }
        let slow = Task { try await batcher.submit("a1", key: "a") }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 { group.addTask { try await batcher.submit("b\(index)", key: "b") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 20)
        #expect(ContinuousClock.now - started < .seconds(10))
        gate.released.withLock { $0 = true }
        #expect(try await slow.value == "a1")
    }

    struct Refused: Error {}

    @Test func aFailedFlushFailsItsOwnCallsOnly() async throws {
        let flushes = Flushes()
        let batcher = Batcher<Int, Int> { items in
            if flushes.failNext.withLock({ failing in defer { failing = false }; return failing }) { throw Refused() }
            return items
        }
        flushes.failNext.withLock { $0 = true }
        await #expect(throws: Refused.self) { try await batcher.submit(1) }
        #expect(try await batcher.submit(2) == 2)
    }
}
