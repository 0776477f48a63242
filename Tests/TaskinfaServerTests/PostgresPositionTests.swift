import SQLKit
import TaskinfaCore
@testable import TaskinfaStore
import Testing

/// `taskinfa_position_after` (migration 15), with which a create on PostgreSQL places its task in
/// the statement that inserts it, answers what `Rank.between(bottom, nil)` answers for every kind
/// of key: a column filled from the bottom past each change of length, one filled from the top
/// (negative integers), keys with fractions, the edges of the integer range, and random keys.
@Suite(.enabled(if: TestDatabase.usesPostgres)) struct PostgresPositionTests {
    @Test func thePositionAfterABottomIsRanksOwn() async throws {
        var keys: [String] = []
        var bottom: String? = nil
        for _ in 0..<4_000 {
            bottom = try Rank.between(bottom, nil)
            keys.append(bottom!)
        }
        var top = Rank.first
        for _ in 0..<4_000 {
            top = try Rank.between(nil, top)
            keys.append(top)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let pair = [keys.randomElement(using: &generator)!, keys.randomElement(using: &generator)!].sorted()
            guard pair[0] != pair[1] else { continue }
            keys.append(try Rank.between(pair[0], pair[1]))
        }
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        let heads = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        while keys.count < 12_000 {
            let head = heads.randomElement(using: &generator)!
            let size = head.isLowercase ? Int(head.asciiValue! - Character("a").asciiValue!) + 1
                : Int(Character("Z").asciiValue! - head.asciiValue!) + 1
            let integer = String(head) + String((0..<size).map { _ in digits.randomElement(using: &generator)! })
            let fraction = String((0..<Int.random(in: 0...3, using: &generator)).map { _ in digits.randomElement(using: &generator)! })
            let key = integer + fraction
            if Rank.isValid(key) { keys.append(key) }
        }
        let largest = "z" + String(repeating: "z", count: 26)
        keys += [
            "Zz", "Yzz", "az", "azz", "bzz", "a0", "Z0", "A" + String(repeating: "0", count: 25) + "1",
            largest, largest + "z", largest + "zz5", largest + "y", largest + "0001", "y" + String(repeating: "z", count: 25),
        ]
        #expect(keys.allSatisfy(Rank.isValid))
        let bottoms = keys

        try await PostgresSessionTests.withDatabase { database in
            let answers = try await database.read { sql in
                try await sql.raw(
                    "SELECT bottom, taskinfa_position_after(bottom) AS next FROM unnest(\(bind: bottoms)) AS bottom"
                ).all().map { (try $0.string("bottom"), try $0.string("next")) }
            }
            #expect(answers.count == bottoms.count)
            var mismatches: [String] = []
            for (bottom, next) in answers where try Rank.between(bottom, nil) != next {
                mismatches.append("\(bottom): \(next), Rank: \(try Rank.between(bottom, nil))")
            }
            #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
            let empty = try await database.read { sql in
                try await sql.raw("SELECT taskinfa_position_after(NULL) AS next").first()?.string("next")
            }
            #expect(empty == Rank.first)
        }
    }
}
