import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the suites that run the real binaries and git.
/// Not Foundation's `Process`: on this toolchain its `run()` sometimes over-reads a directory entry
/// while listing `/proc/self/fd` and crashes the whole test run (swift-corelibs-foundation #5472),
/// which a suite that starts hundreds of processes meets often enough to make CI red.
final class Spawned: Sendable {
    let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `executable`; its output goes to `output` (a file, appended) or to a pipe whose
    /// reading end `pipe` receives. Descriptors of this process other than the three standard ones
    /// are closed in the child, so no child holds another's pipe open.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        outputFile: String? = nil, outputPipe: UnsafeMutablePointer<Int32>? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if let outputFile {
            posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else if outputPipe != nil {
            guard pipe(&pipeEnds) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        }
        if let directory { _ = GNUSpawn.addChdir(&actions, directory) }
        _ = GNUSpawn.addCloseFrom(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in env { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, env)
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
            throw Failure(description: "can't start \(executable): errno \(result)")
        }
        outputPipe?.pointee = pipeEnds[0]
        pid = child
    }

    /// The exit status (the signal number plus 128 for a killed process), once it exited.
    var exitStatus: Int32? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let exited = raw & 0x7f == 0
            known = exited ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            return known
        }
    }

    var isRunning: Bool { exitStatus == nil }

    func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// The exit status, or nil if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    deinit {
        if exitStatus == nil {
            _ = Glibc.kill(pid, SIGKILL)
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
        }
    }
}

/// glibc's spawn extensions (2.29 and 2.34), which the Glibc module doesn't import: found at run time.
private enum GNUSpawn {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir = unsafeBitCast(dlsym(nil, "posix_spawn_file_actions_addchdir_np")!, to: AddChdir.self)
    static let addCloseFrom: AddCloseFrom = unsafeBitCast(dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")!, to: AddCloseFrom.self)
}
