/// A loop whose agent never got going: the sandbox refused to set up (bubblewrap says so on
/// stderr), or the shell could not find or run the program (exit 127 or 126 before printing
/// anything). Looping again won't fix that, and calling it "no progress" would hide the cause.
enum StartFailure {
    /// Why the agent could not start, naming the command and what it said; nil if it did start.
    static func check(_ outcome: ProcessRunner.Outcome, _ output: AgentOutput, command: String) -> String? {
        let sandboxRefused = output.lastErrors.contains { $0.hasPrefix("bwrap:") }
        let notRunnable = output.outputLines == 0 && (outcome == .exited(127) || outcome == .exited(126))
        guard sandboxRefused || notRunnable else { return nil }
        let said = output.lastErrors.joined(separator: "\n")
        return "the agent could not start: `\(command)` ended with \(outcome.description)"
            + (said.isEmpty ? " and printed nothing" : ": \(said)")
    }
}
