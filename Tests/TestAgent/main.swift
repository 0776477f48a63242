// A scripted stand-in for a coding agent, run by `taskinfa worker` in the end-to-end tests through
// the generic executor contract: it reads its prompt, edits files in the work tree, talks to the
// board through `taskinfa mcp` over real stdio MCP, and ends loops the way real agents do.
//
//   taskinfa-test-agent <mode>
//
// success      loop 1: write a file, report progress over MCP, print the complete status line
// mcp-complete write a file and finish through the MCP tool complete_execution (no status line)
// quick        write a file and complete, no MCP (for races over many tasks)
// multi        one file per loop, complete on loop 2
// noop         never changes anything (trips the no-progress breaker)
// fail         exits 1 every loop (trips the error breaker)
// crash        kills itself with SIGABRT
// slow         prints a line every 100 ms for two minutes (for cancellation and kill tests)
// stream       prints ANSI-coloured lines, then a line every 100 ms for two minutes (the log viewer)
// review       writes a file and completes; once a review asked for changes, prints what the prompt
//              says of it and writes a second file
// blocked      asks for a person
// probe        tries to escape the sandbox and reports what it could reach
// plant        plants every kind of git configuration, hook and driver it can, each of which would
//              leave a marker file in $PLANT_MARKERS if the worker's own git ever ran it, then
//              completes normal work
import Foundation
import Logging
import MCP
import SystemPackage

let environment = ProcessInfo.processInfo.environment
let mode = CommandLine.arguments.dropFirst().first ?? "success"
let loop = Int(environment["TASKINFA_LOOP"] ?? "1") ?? 1
let taskKey = environment["TASKINFA_TASK_KEY"] ?? "UNKNOWN"
let workTree = FileManager.default.currentDirectoryPath
let prompt = (try? String(contentsOfFile: environment["TASKINFA_PROMPT_FILE"] ?? "", encoding: .utf8)) ?? ""
let stdinPrompt = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)

func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func write(_ name: String, _ contents: String) {
    try? contents.write(toFile: (workTree as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
}

/// Starts `taskinfa mcp` the way an agent CLI does, from the MCP configuration the worker wrote.
func withTaskinfaTools<T>(_ body: (MCP.Client) async throws -> T) async throws -> T {
    guard let configPath = environment["TASKINFA_MCP_CONFIG"],
        let data = FileManager.default.contents(atPath: configPath),
        let config = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let servers = config["mcpServers"] as? [String: Any], let server = servers["taskinfa"] as? [String: Any],
        let command = server["command"] as? String, let arguments = server["args"] as? [String]
    else { throw AgentError.noMCPConfig }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = arguments
    var childEnvironment = ProcessInfo.processInfo.environment
    for (key, value) in server["env"] as? [String: String] ?? [:] { childEnvironment[key] = value }
    process.environment = childEnvironment
    let toServer = Pipe()
    let fromServer = Pipe()
    process.standardInput = toServer
    process.standardOutput = fromServer
    try process.run()
    let transport = StdioTransport(
        input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
        output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
    let client = MCP.Client(name: "taskinfa-test-agent", version: "1.0.0")
    try await client.connect(transport: transport)
    defer { process.terminate() }
    let result = try await body(client)
    await client.disconnect()
    return result
}

func callTool(_ client: MCP.Client, _ name: String, _ arguments: [String: Value]) async throws -> String {
    let (content, isError) = try await client.callTool(name: name, arguments: arguments)
    let text = content.compactMap { item -> String? in
        if case .text(let text, _, _) = item { return text }
        return nil
    }.joined()
    if isError == true { throw AgentError.tool(name, text) }
    return text
}

enum AgentError: Error {
    case noMCPConfig
    case tool(String, String)
}

say("test agent \(mode), loop \(loop), task \(taskKey)")
guard prompt.contains(taskKey), stdinPrompt == prompt else {
    say("the prompt file and stdin disagree or lack the task")
    exit(3)
}
if prompt.contains("answering a question") {
    say("TASKINFA_STATUS: complete The answer from the test agent.")
    exit(0)
}

switch mode {
case "success":
    write("\(taskKey).txt", "done by the test agent in loop \(loop)\n")
    let tools = try await withTaskinfaTools { client in
        let (listed, _) = try await client.listTools()
        _ = try await callTool(client, "report_progress", ["message": .string("wrote \(taskKey).txt")])
        let task = try await callTool(client, "get_task", [:])
        guard task.contains(taskKey) else { throw AgentError.tool("get_task", task) }
        return listed.map(\.name)
    }
    say("tools: \(tools.sorted().joined(separator: ","))")
    say("TASKINFA_STATUS: complete wrote \(taskKey).txt")
case "mcp-complete":
    write("\(taskKey).txt", "written, completion through MCP\n")
    _ = try await withTaskinfaTools { client in
        try await callTool(client, "complete_execution", ["summary": .string("finished through MCP")])
    }
    say("all done, the worker was told through MCP")
case "quick":
    write("\(taskKey).txt", "quick\n")
    say("TASKINFA_STATUS: complete quick work on \(taskKey)")
case "multi":
    write("part-\(loop).txt", "part \(loop)\n")
    if loop >= 2 { say("TASKINFA_STATUS: complete two parts written") }
case "noop":
    say("thinking about it, changing nothing")
case "fail":
    FileHandle.standardError.write(Data("error: the build failed\n".utf8))
    exit(1)
case "crash":
    write("crash-\(loop).txt", "about to crash\n")
    kill(getpid(), SIGABRT)
case "slow":
    for index in 0..<1200 {
        say("working \(index)")
        try await Task.sleep(for: .milliseconds(100))
    }
case "stream":
    // Coloured output, as agent CLIs print it, then a steady trickle until stopped.
    let colours = [31, 32, 33, 34, 35, 36]
    for index in 0..<30 {
        say("\u{1B}[\(colours[index % colours.count])mcoloured line \(index)\u{1B}[0m plain tail")
    }
    for index in 0..<1200 {
        say("streaming \(index)")
        try await Task.sleep(for: .milliseconds(100))
    }
case "review":
    // Work that a reviewer can comment on; a later run says what the review asked for.
    write("\(taskKey)-notes.txt", "first line\nsecond line\nthird line\nwritten in run with loop \(loop)\n")
    if let start = prompt.range(of: "**Changes requested.**") {
        let review = prompt[start.lowerBound...].prefix(2000)
        for line in review.split(separator: "\n").prefix(20) { say("review in prompt: \(line)") }
        write("\(taskKey)-fix.txt", "addressed the review\n")
        say("TASKINFA_STATUS: complete addressed the review")
    } else {
        say("TASKINFA_STATUS: complete wrote the notes")
    }
case "blocked":
    say("TASKINFA_STATUS: blocked I need the production database password")
case "probe":
    var findings: [String] = []
    let outside = "/usr/local/taskinfa-probe-\(getpid())"
    if FileManager.default.createFile(atPath: outside, contents: Data("x".utf8)) {
        findings.append("outside-write:allowed")
        try? FileManager.default.removeItem(atPath: outside)
    } else {
        findings.append("outside-write:denied")
    }
    let keyFile = environment["PROBE_KEY_FILE"] ?? ""
    let key = (try? String(contentsOfFile: keyFile, encoding: .utf8)) ?? ""
    findings.append(key.contains("tk_") ? "key-file:readable" : "key-file:hidden")
    let home = environment["PROBE_HOME_FILE"] ?? ""
    findings.append(FileManager.default.fileExists(atPath: home) ? "home:visible" : "home:hidden")
    findings.append(environment["PROBE_SECRET"] == nil ? "env:clean" : "env:leaked")
    write("probe.txt", findings.joined(separator: "\n") + "\n")
    say("TASKINFA_STATUS: complete \(findings.joined(separator: " "))")
case "plant":
    let findings = GitPlanter(workTree: workTree, markers: environment["PLANT_MARKERS"] ?? "/nonexistent").plantEverything()
    write("\(taskKey).txt", "done beside the planted traps\n")
    say("TASKINFA_STATUS: complete \(findings.joined(separator: " "))")
default:
    say("unknown mode \(mode)")
    exit(2)
}
