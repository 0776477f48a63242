import Foundation
import Testing

@testable import TaskinfaCore

@Suite struct ReviewRulesTests {
    @Test func aPatchIsReadIntoFilesHunksAndLineNumbers() {
        let patch = """
            diff --git a/a.txt b/a.txt
            --- a/a.txt
            +++ b/a.txt
            @@ -10,3 +10,3 @@ func x()
             ten
            --- not a header, a removed line
            ++++ an added line
            \\ No newline at end of file
            diff --git a/old name.txt b/new name.txt
            similarity index 90%
            rename from old name.txt
            rename to new name.txt
            diff --git "a/tab\\there.txt" "b/tab\\there.txt"
            deleted file mode 100644
            --- "a/tab\\there.txt"
            +++ /dev/null
            @@ -1 +0,0 @@
            -bye
            diff --git a/caf\\303\\251.bin b/caf\\303\\251.bin
            Binary files a/caf\\303\\251.bin and b/caf\\303\\251.bin differ

            """
        let files = UnifiedDiff.parse(patch)
        #expect(files.map(\.path) == ["a.txt", "new name.txt", "tab\there.txt", "caf\\303\\251.bin"])
        let lines = files[0].hunks[0].lines
        #expect(lines.map(\.kind) == [.context, .removed, .added, .note])
        #expect(lines[0].oldLine == 10 && lines[0].newLine == 10)
        #expect(lines[1].text == "-- not a header, a removed line" && lines[1].oldLine == 11)
        #expect(lines[2].text == "+++ an added line" && lines[2].newLine == 11)
        #expect(files[0].additions == 1 && files[0].deletions == 1)
        #expect(files[1].change == .renamed && files[1].oldPath == "old name.txt")
        #expect(files[2].change == .deleted && files[2].deletions == 1 && files[2].hunks[0].lines[0].oldLine == 1)
        #expect(files[3].binary && files[3].hunks.isEmpty)
        #expect(UnifiedDiff.unquote("\"caf\\303\\251\"") == "café")
    }

    @Test func aRequestForChangesQuotesEachLineInAFenceItsTextCantClose() throws {
        let review = try Review(
            decision: .requestChanges, summary: "  Two things. ",
            comments: [ReviewComment(path: "src/x.swift", line: 3, quote: "+let a = \"```\"", body: "Rename it.")]
        ).validated()
        let message = try #require(review.message)
        #expect(message.hasPrefix("**Changes requested.**\n\nTwo things."))
        #expect(message.contains("**src/x.swift**, line 3:\n````diff\n+let a = \"```\"\n````\nRename it."))
        #expect(try Review(decision: .approve, summary: nil, comments: []).validated().message == nil)
    }

    @Test(arguments: [
        (Review(decision: .requestChanges, summary: nil, comments: []), ["comments"]),
        (Review(decision: .approve, summary: nil, comments: [ReviewComment(path: "a", line: 1, body: "x")]), ["comments"]),
        (Review(decision: .requestChanges, summary: nil, comments: [ReviewComment(path: "", line: 0, body: "")]),
         ["comments[0].path", "comments[0].line", "comments[0].body"]),
    ])
    func badReviewsNameTheirFields(review: Review, fields: [String]) {
        #expect(throws: ValidationError.self) { try review.validated() }
        let error = (try? review.validated()).map { _ in [String]() } ?? {
            do { _ = try review.validated() } catch let error as ValidationError { return error.errors.map(\.field) } catch {}
            return []
        }()
        #expect(error == fields)
    }

    @Test func periodsAreCalendarBucketsEndingWithToday() {
        // Friday 2027-01-15 08:00 UTC.
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let days = AnalyticsPeriod.day.buckets(endingAt: now)
        #expect(days.count == 30 && days.last!.contains(now) && days.last!.duration == 86_400)
        let weeks = AnalyticsPeriod.week.buckets(endingAt: now)
        #expect(weeks.count == 12 && weeks.last!.start == Date(timeIntervalSince1970: 1_799_971_200 - 4 * 86_400))
        let months = AnalyticsPeriod.month.buckets(endingAt: now)
        #expect(months.last!.duration == 31 * 86_400 && months[months.count - 2].duration == 31 * 86_400)
        #expect(months[months.count - 3].duration == 30 * 86_400)
        #expect(zip(months, months.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(throws: ValidationError.self) { try AnalyticsPeriod.parse("year") }
    }

    @Test func percentilesAreNearestRank() {
        #expect(AnalyticsRules.percentileIndex(50, count: 2) == 0)
        #expect(AnalyticsRules.percentileIndex(90, count: 2) == 1)
        #expect(AnalyticsRules.percentileIndex(90, count: 10) == 8)
        #expect(AnalyticsRules.percentileIndex(50, count: 1) == 0)
        // The store's integer forms agree: (n + 1) / 2 and (9n + 9) / 10, one-based.
        for n in 1...200 {
            #expect((n + 1) / 2 - 1 == AnalyticsRules.percentileIndex(50, count: n))
            #expect((9 * n + 9) / 10 - 1 == AnalyticsRules.percentileIndex(90, count: n))
        }
    }

    @Test func aBottleneckWaitsThreeMediansAndAtLeastAnHour() {
        #expect(AnalyticsRules.bottleneckThreshold(median: 600) == 3600, "a fast column: the hour is the floor")
        #expect(AnalyticsRules.bottleneckThreshold(median: 7200) == 21_600)
    }

    @Test func theLongestWaitingComeFirstAndTheListIsBounded() {
        func waiting(_ id: String, _ age: TimeInterval) -> AnalyticsReport.Bottleneck {
            .init(taskID: id, key: id, title: id, status: .review, age: age, columnMedian: 60)
        }
        let found = (1...12).map { waiting("tsk_\($0)", Double($0 % 4) * 3600) } + [waiting("tsk_0", 3 * 3600)]
        let listed = AnalyticsRules.longestWaiting(found)
        #expect(listed.count == 10)
        #expect(listed.prefix(4).map(\.taskID) == ["tsk_0", "tsk_11", "tsk_3", "tsk_7"], "equal ages by task id")
        #expect(zip(listed, listed.dropFirst()).allSatisfy { $0.age >= $1.age })
    }
}
