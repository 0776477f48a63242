import ArgumentParser
import Dispatch

/// The entry point waits on a semaphore while the command runs on the global executor (detached:
/// `main` is on the main actor, which the waiting thread would starve). An async `main` would park
/// the main thread in `dispatch_main()`, which valgrind (3.19, Debian 12) crashes on, and this
/// binary is meant to run under profilers.
@main
enum Entry {
    static func main() {
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                var command = try Bench.parseAsRoot()
                if var asynchronous = command as? any AsyncParsableCommand {
                    try await asynchronous.run()
                } else {
                    try command.run()
                }
            } catch {
                Bench.exit(withError: error)
            }
            finished.signal()
        }
        finished.wait()
    }
}
