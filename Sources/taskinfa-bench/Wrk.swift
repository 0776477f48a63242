import Foundation

/// A throughput phase driven by wrk (Debian's `wrk`), whose event loop in C keeps up with the
/// server where the bench's own client saturates first. The requests are written into a Lua script
/// (authenticated POSTs, each with its own body); the result carries how much CPU wrk itself used,
/// so that a figure can show the load generator had some to spare, and how much the server used.
struct Wrk {
    struct Request {
        var method = "POST"
        let path: String
        var body = ""
    }

    struct Run {
        let requestsPerSecond: Double
        let requests: Int
        /// Answers outside 2xx/3xx, and socket errors.
        let failures: Int
        let latencyP50: Double
        let latencyP99: Double
        /// wrk's CPU time over the run's wall time: 1.0 is one core busy.
        let clientCores: Double
        /// The server's CPU time over the run's wall time.
        let serverCores: Double
        /// The server's CPU time per request, in microseconds.
        let serverMicrosecondsPerRequest: Double
    }

    let base: String
    let bearer: String
    let connections: Int
    let seconds: Int

    /// Sends the requests round robin (JSON bodies) for `seconds` over `connections` connections.
    func run(_ requests: [Request], serverPID: Int32) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskinfa-wrk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("requests.lua")
        try luaScript(requests).write(to: script, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "--timeout", "10s", "-s", script.path, base,
        ]
        let output = Pipe()
        process.standardOutput = output
        let serverBefore = Self.cpuSeconds(of: serverPID)
        let clientBefore = Self.childrenCPUSeconds()
        let started = Date()
        do {
            try process.run()
        } catch {
            throw BenchError.unexpected("wrk did not start (install it: apt-get install wrk): \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let wall = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else { throw BenchError.unexpected("wrk failed:\n\(text)") }
        let serverCPU = Self.cpuSeconds(of: serverPID) - serverBefore
        let report = try WrkReport(text)
        return Run(
            requestsPerSecond: report.requestsPerSecond, requests: report.requests, failures: report.failures,
            latencyP50: report.latencyP50, latencyP99: report.latencyP99,
            clientCores: (Self.childrenCPUSeconds() - clientBefore) / wall, serverCores: serverCPU / wall,
            serverMicrosecondsPerRequest: report.requests > 0 ? serverCPU / Double(report.requests) * 1e6 : .nan)
    }

    private func luaScript(_ requests: [Request]) -> String {
        // Long brackets ([==[ … ]==]) hold JSON without any escaping.
        let table = requests.map { #"{"\#($0.method)", [==[\#($0.path)]==], [==[\#($0.body)]==]}"# }.joined(separator: ",\n")
        return """
            local requests = {
            \(table)
            }
            local index = 0
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer \(bearer)"
            request = function()
              index = index % #requests + 1
              local r = requests[index]
              if r[1] == "GET" then return wrk.format("GET", r[2]) end
              return wrk.format(r[1], r[2], nil, r[3])
            end
            """
    }

    /// User plus system CPU seconds of a running process, from /proc (Linux).
    static func cpuSeconds(of pid: Int32) -> Double {
        cpuTimes(of: pid).total
    }

    /// A process's CPU seconds in its own code (user) and in the kernel on its behalf (system).
    struct CPUTimes {
        var user: Double
        var system: Double

        var total: Double { user + system }

        /// What was spent between two readings.
        static func - (after: CPUTimes, before: CPUTimes) -> CPUTimes {
            CPUTimes(user: after.user - before.user, system: after.system - before.system)
        }
    }

    /// A running process's CPU times so far, from /proc (Linux).
    static func cpuTimes(of pid: Int32) -> CPUTimes {
        let unknown = CPUTimes(user: .nan, system: .nan)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return unknown }
        // Fields after the command name: state is the 3rd field overall, utime the 14th, stime the 15th.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return unknown }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return CPUTimes(user: user / ticks, system: system / ticks)
    }

    /// CPU seconds of every child process this one has waited for.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// What wrk printed (with `--latency`), read back.
struct WrkReport {
    var requestsPerSecond = 0.0
    var requests = 0
    var failures = 0
    var latencyP50 = Double.nan
    var latencyP99 = Double.nan

    init(_ text: String) throws {
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap({ Double($0) }) {
                requestsPerSecond = value
            } else if words.count > 2, words[1] == "requests", let value = Int(words[0]) {
                requests = value
            } else if line.hasPrefix("Non-2xx or 3xx responses:"), let value = words.last.flatMap({ Int($0) }) {
                failures += value
            } else if line.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                failures += words.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            } else if words.count == 2, words[0] == "50%" {
                latencyP50 = Self.milliseconds(words[1])
            } else if words.count == 2, words[0] == "99%" {
                latencyP99 = Self.milliseconds(words[1])
            }
        }
        guard requests > 0 else { throw BenchError.unexpected("wrk sent no requests:\n\(text)") }
    }

    /// "812.00us", "37.12ms", "1.02s" in milliseconds.
    static func milliseconds<S: StringProtocol>(_ text: S) -> Double {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? .nan) * scale
        }
        return .nan
    }
}
