/// Group commit for small writes that many requests make (an audit entry, a rate-limit hit, a new
/// task on PostgreSQL): calls that arrive while a flush is running wait, and the next flush writes
/// them all at once. Nobody is answered before the flush that holds their item has committed, so
/// nothing is acknowledged that isn't stored; under load a thousand entries cost a few
/// transactions instead of a thousand.
///
/// Items under different keys (a workspace's id) flush apart and independently: a flush holds
/// items of one key only, and one key's slow flush doesn't hold another's back.
///
/// A flush that fails fails every call in it. A caller that is cancelled doesn't take its item back.
actor Batcher<Item: Sendable, Output: Sendable> {
    typealias Flush = @Sendable ([Item]) async throws -> [Output]

    private struct Waiting {
        let item: Item
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let flush: Flush
    private let maxBatch: Int
    /// Per key, the calls waiting for the next flush; a key is here while its drain runs.
    private var waiting: [String: [Waiting]] = [:]

    /// `flush` writes its items and returns one output per item, in their order.
    init(maxBatch: Int = 256, flush: @escaping Flush) {
        self.maxBatch = maxBatch
        self.flush = flush
    }

    func submit(_ item: Item, key: String = "") async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let call = Waiting(item: item, continuation: continuation)
            if waiting[key] != nil {
                waiting[key]!.append(call)
            } else {
                // One drain per burst; it ends when nothing is left waiting.
                waiting[key] = [call]
                Task { await self.drain(key) }
            }
        }
    }

    private func drain(_ key: String) async {
        while let queue = waiting[key], !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            waiting[key] = Array(queue.dropFirst(batch.count))
            do {
                let outputs = try await flush(batch.map(\.item))
                precondition(outputs.count == batch.count, "a flush returns one output per item")
                for (waiter, output) in zip(batch, outputs) { waiter.continuation.resume(returning: output) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
        waiting[key] = nil
    }
}

/// Rows written with one multi-row INSERT per chunk. Chunks come in a few fixed sizes, so that a
/// batch of any length runs statements SQLite has already compiled.
enum InsertChunks {
    static let sizes = [64, 16, 4, 1]

    /// `count` split into chunk lengths, largest first.
    static func lengths(of count: Int) -> [Int] {
        var remaining = count
        var lengths: [Int] = []
        for size in sizes {
            while remaining >= size {
                lengths.append(size)
                remaining -= size
            }
        }
        return lengths
    }
}
