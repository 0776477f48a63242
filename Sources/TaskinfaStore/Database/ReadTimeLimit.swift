/// A read statement stopped because it ran longer than the server lets one read run
/// (`serve --read-time-limit`). Nothing was changed; the request fails instead of holding a
/// database connection and a core for as long as the statement would take.
///
/// Why a limit at all: one request whose plan goes wrong (a search on a huge workspace planned
/// as tasks × matches once ran for minutes) must not pin the server after its client gave up, and
/// any member can send requests.
public struct ReadTooLongError: Error, Equatable, Sendable, CustomStringConvertible {
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "a read ran longer than \(limit.components.seconds) s and was stopped" }
}
