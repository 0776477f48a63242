import Foundation

/// Where "now" comes from. The live clock reads the system time; tests pass a fixed or stepping one.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let live = Clock(now: { Date() })

    /// A clock that always answers the same instant.
    public static func fixed(_ date: Date) -> Clock {
        Clock(now: { date })
    }
}
