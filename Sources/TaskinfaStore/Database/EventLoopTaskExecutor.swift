import NIOCore

/// Runs a task's jobs on one NIO event loop. A database session preferring this executor issues
/// its queries from the thread that owns the connection's socket and is resumed on it when the
/// answer arrives: no wake-up of another thread per query. Measured with PostgreSQL over
/// PostgresNIO, those two hand-offs were most of a query's cost on the client side.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
