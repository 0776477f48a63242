import Foundation

/// A `taskinfa serve` process started for the benchmark, on a fresh data folder (or database).
final class ServerUnderTest: @unchecked Sendable {
    let process = Process()
    let port: Int
    let startup: Duration
    let dataDirectory: String

    /// Starts a server on `dataDirectory`, by default a new one.
    init(binary: String, databaseURL: String?, dataDirectory: String? = nil) throws {
        self.dataDirectory = dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-bench-\(UUID().uuidString)").path
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = ["serve", "--port", "0", "--data-dir", self.dataDirectory, "--bcrypt-cost", "4", "--log-level", "error", "--api-rate-limit", "1000000", "--streams-per-person", "100000"]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        var seen = ""
        while true {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw BenchError.serverDidNotStart(seen) }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = Int(seen[range].dropFirst("127.0.0.1:".count).dropLast())!
                startup = clock.now - started
                return
            }
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Resident memory of the server process, from /proc (Linux).
    var residentMegabytes: Double { Self.residentMegabytes(of: process.processIdentifier) }

    static func residentMegabytes(of pid: Int32) -> Double { statusMegabytes("VmRSS", of: pid) }

    /// The private part of resident memory (heap, stacks), without the pages of the binary and the
    /// shared libraries, which every taskinfa process on the machine shares with the page cache.
    static func anonymousMegabytes(of pid: Int32) -> Double { statusMegabytes("RssAnon", of: pid) }

    private static func statusMegabytes(_ field: String, of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kilobytes / 1024
    }

    /// Stops the server (SIGTERM) and removes its data folder unless told to keep it.
    func stop(keepingData: Bool = false) {
        process.terminate()
        process.waitUntilExit()
        if !keepingData { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case serverDidNotStart(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .serverDidNotStart(let output): "the server did not start: \(output)"
        case .unexpected(let message): message
        }
    }
}
