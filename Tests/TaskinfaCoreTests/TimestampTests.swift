import Foundation
import Testing

@testable import TaskinfaCore

/// RFC 3339 timestamps written by hand: the date and time `ISO8601FormatStyle` writes, for every
/// day, and the stored milliseconds exactly (the format style, reading the seconds as a binary
/// fraction, wrote `.122` for a stored `…123`).
@Suite struct TimestampTests {
    static func formatStyle(_ date: Date) -> String {
        let seconds = date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        let (_, millisecond) = Timestamp.milliseconds(date).floorDivided(by: 1000)
        return seconds.dropLast() + "." + String(String(millisecond + 1000).dropFirst()) + "Z"
    }

    static let edges: [Int64] = [
        0, -1, -86_400_000, 951_782_400_000 /* 2000-02-29 */, 951_868_799_999, 4_107_456_000_000 /* 2100-02-28 */,
        4_107_542_400_000, 1_798_761_599_999 /* 2026-12-31T23:59:59.999 */, -2_208_988_800_000 /* 1900-01-01 */,
        253_402_300_799_999 /* 9999-12-31T23:59:59.999 */, 1_733_511_834_123,
    ]

    @Test(arguments: edges)
    func edgesOfDaysYearsAndCenturies(_ milliseconds: Int64) {
        let date = Timestamp.date(milliseconds: milliseconds)
        #expect(Timestamp.rfc3339(date) == Self.formatStyle(date))
    }

    @Test func everyDayOfFourCenturiesAndRandomInstants() {
        // Noon of each day from 1800 to 2200, then random milliseconds across the same span.
        var day: Int64 = -62_135
        while day < 84_000 {
            let date = Timestamp.date(milliseconds: day * 86_400_000 + 43_200_123)
            #expect(Timestamp.rfc3339(date) == Self.formatStyle(date), "day \(day)")
            day += 1
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let date = Timestamp.date(milliseconds: Int64.random(in: -5_364_662_400_000...7_258_118_400_000, using: &generator))
            #expect(Timestamp.rfc3339(date) == Self.formatStyle(date))
        }
    }

    @Test func writtenTimestampsReadBack() {
        let date = Timestamp.date(milliseconds: 1_733_511_834_123)
        #expect(Timestamp.rfc3339(date) == "2024-12-06T19:03:54.123Z")
        #expect(Timestamp.parse(Timestamp.rfc3339(date)).map(Timestamp.milliseconds) == 1_733_511_834_123)
    }
}
