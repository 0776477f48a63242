import Foundation
import NIOHTTP1
import TaskinfaStore
import Testing

@testable import TaskinfaServer

/// Errors from below the handlers, as the client reads them: a status, a kind it can act on, and a
/// detail that says what to do.
@Suite struct ProblemMappingTests {
    /// A read stopped by `serve --read-time-limit`. The limit itself, on both databases:
    /// `ReadTimeLimitTests` (store) and `PostgresSessionTests`.
    @Test func aReadStoppedForItsTimeIsA503ThatSaysWhy() {
        let problem = ProblemMiddleware.problem(for: ReadTooLongError(limit: .seconds(10)))
        #expect(problem.status == 503)
        #expect(problem.type == "/api/docs#problem-read-too-long")
        #expect(problem.detail?.contains("longer than 10 s") == true)
        #expect(problem.detail?.contains("narrow the search") == true)
        #expect(!ProblemMiddleware.isDeliberate(ReadTooLongError(limit: .seconds(10))), "a read that runs away is logged")
    }

    @Test func theServerStopsReadsAfterTenSecondsUnlessToldOtherwise() {
        #expect(ServerConfiguration().readTimeLimit == .seconds(10))
    }

    /// A client that hangs up while sending its body (a worker stopped mid-upload) made the body
    /// fail to parse; that was answered, and logged, as a fault of the server.
    @Test func aRequestThatBrokeOffIsTheClientsFaultNotAServerError() {
        let problem = ProblemMiddleware.problem(for: HTTPParserError.invalidEOFState)
        #expect(problem.status == 400)
        #expect(problem.type == "/api/docs#problem-bad-request")
    }
}
