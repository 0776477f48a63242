import Foundation
import Subprocess
import SystemPackage

/// Runs one command — an agent loop, or git — in its own process group, so that stopping it stops
/// everything it started: SIGTERM to the group, five seconds, then SIGKILL (a cancelled task, a
/// timeout, a person pressing stop).
enum ProcessRunner {
    struct Command: Sendable {
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        /// A file read as standard input (nil: /dev/null). A file rather than a pipe the worker
        /// writes: an agent that exits without reading its input can't break a write.
        var standardInputFile: String?
    }

    enum Outcome: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        case cancelled

        var succeeded: Bool { self == .exited(0) }

        var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            case .timedOut: "timed out"
            case .cancelled: "stopped"
            }
        }
    }

    enum Stream: String, Sendable {
        case stdout
        case stderr
    }

    static let teardown: [TeardownStep] = [
        .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(5)),
        .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
    ]

    /// Runs the command, handing each output line to `onLine` as it comes.
    static func stream(
        _ command: Command, timeout: Duration?, onLine: @escaping @Sendable (Stream, String) async -> Void
    ) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                let input = try FileDescriptor.open(command.standardInputFile ?? "/dev/null", .readOnly)
                var options = PlatformOptions()
                options.processGroupID = 0
                options.teardownSequence = teardown
                let result = try await Subprocess.run(
                    executable(command.executable), arguments: Arguments(command.arguments),
                    environment: .custom(Dictionary(uniqueKeysWithValues: command.environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
                    workingDirectory: FilePath(command.workingDirectory), platformOptions: options,
                    input: .fileDescriptor(input, closeAfterSpawningProcess: true), output: .sequence, error: .sequence
                ) { execution in
                    try await withThrowingTaskGroup(of: Void.self) { readers in
                        readers.addTask {
                            for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(4 << 20)) {
                                await onLine(.stdout, line)
                            }
                        }
                        readers.addTask {
                            for try await line in execution.standardError.strings(bufferingPolicy: .maxLineLength(4 << 20)) {
                                await onLine(.stderr, line)
                            }
                        }
                        try await readers.waitForAll()
                    }
                }
                switch result.terminationStatus {
                case .exited(let code): return .exited(code)
                case .signaled(let signal): return .signaled(signal)
                }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
            }
            do {
                let first = try await group.next()!
                group.cancelAll()
                return first ?? .timedOut
            } catch is CancellationError {
                group.cancelAll()
                return .cancelled
            }
        }
    }

    /// Runs a short command to completion and returns its status and output (git and the like).
    static func capture(_ command: Command, timeout: Duration = .seconds(600)) async throws -> (
        outcome: Outcome, output: String, error: String
    ) {
        let collected = Collected()
        let outcome = try await stream(command, timeout: timeout) { stream, line in
            await collected.add(stream, line)
        }
        return (outcome, await collected.output, await collected.error)
    }

    private actor Collected {
        var output = ""
        var error = ""

        func add(_ stream: Stream, _ line: String) {
            if stream == .stdout { output += line + "\n" } else { error += line + "\n" }
        }
    }

    static func executable(_ name: String) -> Executable {
        name.contains("/") ? .path(FilePath(name)) : .name(name)
    }

    /// The full path of a program on PATH, or nil.
    static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
