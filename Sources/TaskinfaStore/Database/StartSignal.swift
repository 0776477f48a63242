import Synchronization

/// A one-shot latch: `wait()` returns once `fire()` has been called, however the two race.
/// PostgreSQL's pool hands out connections only while its `run()` is running, and start-up
/// (migrations) may ask for one before the service group got there.
final class StartSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, Never>])
        case fired
    }

    private let state = Mutex<State>(.waiting([]))

    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state = .fired }
            if case .waiting(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { state -> Bool in
                switch state {
                case .fired: return true
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return false
                }
            }
            if fired { continuation.resume() }
        }
    }
}
