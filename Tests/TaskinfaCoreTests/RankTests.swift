import Testing

@testable import TaskinfaCore

@Suite struct RankTests {
    @Test func anEmptyColumnStartsAtTheFirstKey() throws {
        #expect(try Rank.between(nil, nil) == Rank.first)
    }

    @Test func appendingAtTheBottomKeepsKeysShort() throws {
        var last: String? = nil
        for _ in 0..<10_000 {
            let next = try Rank.between(last, nil)
            if let last { #expect(last < next) }
            last = next
        }
        #expect(last!.count <= 4)
    }

    @Test func prependingAtTheTopKeepsKeysShortAndOrdered() throws {
        var first: String? = nil
        for _ in 0..<5_000 {
            let next = try Rank.between(nil, first)
            if let first { #expect(next < first) }
            first = next
        }
        #expect(first!.count <= 4)
    }

    @Test func aKeyBetweenNeighboursSortsBetweenThem() throws {
        let a = try Rank.between(nil, nil)
        let b = try Rank.between(a, nil)
        let middle = try Rank.between(a, b)
        #expect(a < middle && middle < b)
    }

    @Test func repeatedlyInsertingAtTheSameSpotNeverCollides() throws {
        let low = try Rank.between(nil, nil)
        var high = try Rank.between(low, nil)
        for _ in 0..<1_000 {
            let key = try Rank.between(low, high)
            #expect(low < key && key < high)
            #expect(Rank.isValid(key))
            high = key
        }
    }

    @Test func randomInsertionsKeepAStrictOrder() throws {
        var generator = SplitMix(seed: 42)
        var keys: [String] = []
        for _ in 0..<2_000 {
            let index = keys.isEmpty ? 0 : Int.random(in: 0...keys.count, using: &generator)
            let lower = index > 0 ? keys[index - 1] : nil
            let upper = index < keys.count ? keys[index] : nil
            keys.insert(try Rank.between(lower, upper), at: index)
        }
        #expect(keys == keys.sorted())
        #expect(Set(keys).count == keys.count)
        #expect(keys.allSatisfy(Rank.isValid))
    }

    @Test(arguments: [("a1", "a0"), ("a0", "a0"), ("b!", nil), ("a10", nil), ("a", nil)] as [(String, String?)])
    func boundsOutOfOrderOrMalformedAreRefused(lower: String, upper: String?) {
        #expect(throws: Rank.RankError.self) { try Rank.between(lower, upper) }
    }
}

/// A tiny seeded generator so random tests are repeatable.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
