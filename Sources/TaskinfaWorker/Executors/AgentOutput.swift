import Foundation
import TaskinfaCore

/// Reads an agent's output as it streams: the status line (in plain text or inside the JSON events
/// of stream-json CLIs) and the token and cost figures each CLI reports in its own shape.
struct AgentOutput: Sendable {
    var status: StatusLine?
    var inputTokens: Int?
    var outputTokens: Int?
    var costUSD: Double?
    /// Claude's stream-json: a `result` event; a run without it did not finish properly.
    var sawResult = false
    var resultIsError = false
    /// Lines on standard output so far, and the last lines on standard error: a loop whose agent
    /// printed nothing and exited 126/127 never started, and its stderr says why.
    var outputLines = 0
    var lastErrors: [String] = []
    /// The shell commands the agent ran, as its CLI reported them, for the audit log (oldest first,
    /// at most `maxCommands`, each cut to 2000 characters).
    var commands: [String] = []
    static let maxCommands = 2000

    /// Takes one line of either stream.
    mutating func take(_ line: String, fromStandardError: Bool) {
        if fromStandardError {
            lastErrors.append(String(line.prefix(500)))
            if lastErrors.count > 8 { lastErrors.removeFirst() }
        } else {
            outputLines += 1
        }
        read(line)
    }

    mutating func read(_ line: String) {
        if let status = StatusLine.parse(line) { self.status = status }
        guard line.first == "{", let data = line.data(using: .utf8),
            let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return }
        let type = event["type"] as? String
        switch type {
        case "result":
            // Claude Code (and Amp/Cursor, same shape) or Gemini.
            sawResult = true
            resultIsError = event["is_error"] as? Bool ?? false
            if let usage = event["usage"] as? [String: Any] {
                add(input: usage["input_tokens"], output: usage["output_tokens"])
            }
            if let stats = event["stats"] as? [String: Any] {
                add(input: stats["input_tokens"], output: stats["output_tokens"])
            }
            if let cost = event["total_cost_usd"] as? Double { costUSD = (costUSD ?? 0) + cost }
        case "assistant":
            // Claude Code: tool calls inside the message; its shell tool is `Bash`.
            let content = (event["message"] as? [String: Any])?["content"] as? [[String: Any]] ?? []
            for block in content where block["type"] as? String == "tool_use" && block["name"] as? String == "Bash" {
                ran((block["input"] as? [String: Any])?["command"])
            }
        case "item.started":
            // Codex: a command execution starts.
            if let item = event["item"] as? [String: Any], item["type"] as? String == "command_execution" { ran(item["command"]) }
        case "tool_use":
            // Gemini (`run_shell_command`) or OpenCode (`bash`, inside `part`).
            if event["tool_name"] as? String == "run_shell_command" {
                ran((event["parameters"] as? [String: Any])?["command"])
            } else if let part = event["part"] as? [String: Any], part["tool"] as? String == "bash" {
                ran(((part["state"] as? [String: Any])?["input"] as? [String: Any])?["command"])
            }
        case "turn.completed":
            // Codex: usage per turn.
            if let usage = event["usage"] as? [String: Any] {
                add(input: usage["input_tokens"], output: usage["output_tokens"])
            }
        case "step_finish":
            // OpenCode: tokens and cost per step.
            if let part = event["part"] as? [String: Any] {
                if let tokens = part["tokens"] as? [String: Any] { add(input: tokens["input"], output: tokens["output"]) }
                if let cost = part["cost"] as? Double { costUSD = (costUSD ?? 0) + cost }
            }
        default:
            break
        }
    }

    private mutating func ran(_ command: Any?) {
        guard let command = command as? String, commands.count < Self.maxCommands else { return }
        commands.append(String(command.prefix(2000)))
    }

    private mutating func add(input: Any?, output: Any?) {
        if let value = (input as? NSNumber)?.intValue { inputTokens = (inputTokens ?? 0) + value }
        if let value = (output as? NSNumber)?.intValue { outputTokens = (outputTokens ?? 0) + value }
    }
}
