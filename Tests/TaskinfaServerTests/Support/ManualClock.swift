import Foundation
import Synchronization
import TaskinfaCore

/// A clock the test moves by hand (leases, offline detection) instead of sleeping.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    var clock: Clock { Clock { [self] in current.withLock { $0 } } }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
