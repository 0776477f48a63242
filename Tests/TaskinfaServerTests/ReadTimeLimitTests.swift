import Foundation
import HTTPTypes
import TaskinfaStore
import Testing

@testable import TaskinfaServer

/// A request whose read ran past the server's limit (`serve --read-time-limit`) answers 503 with a
/// problem that says why and what to do. The limit itself, on both databases: `ReadTimeLimitTests`
/// (store) and `PostgresSessionTests`.
@Suite struct ReadTimeLimitProblemTests {
    @Test func aReadStoppedForItsTimeIsA503ThatSaysWhy() {
        let problem = ProblemMiddleware.problem(for: ReadTooLongError(limit: .seconds(10)))
        #expect(problem.status == 503)
        #expect(problem.type == "/api/docs#problem-read-too-long")
        #expect(problem.detail?.contains("longer than 10 s") == true)
        #expect(problem.detail?.contains("narrow the search") == true)
    }

    @Test func theServerStopsReadsAfterTenSecondsUnlessToldOtherwise() {
        #expect(ServerConfiguration().readTimeLimit == .seconds(10))
    }
}
