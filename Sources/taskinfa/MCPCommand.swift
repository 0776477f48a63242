import ArgumentParser
import Foundation
import Logging
import TaskinfaMCP

/// `taskinfa mcp`: the board's tools for an agent, as an MCP server on stdio.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the Taskinfa tools over MCP on stdio (for Claude Code, Codex, …).",
        discussion: """
            Add it to Claude Code with:
              claude mcp add taskinfa -- taskinfa mcp --server http://127.0.0.1:8080 --api-key tk_…
            The key decides the workspace and what the tools may do.
            """)

    @Option(help: "The Taskinfa server (env TASKINFA_SERVER_URL).")
    var server: String?

    @Option(help: "An API key (env TASKINFA_API_KEY).")
    var apiKey: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let server = server ?? environment["TASKINFA_SERVER_URL"] else {
            throw ValidationError("--server is required (or TASKINFA_SERVER_URL)")
        }
        guard let key = apiKey ?? environment["TASKINFA_API_KEY"], !key.isEmpty else {
            throw ValidationError("--api-key is required (or TASKINFA_API_KEY)")
        }
        // Standard output belongs to the protocol: log to standard error only.
        var logger = Logger(label: "taskinfa.mcp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        try await TaskinfaMCPServer.run(
            server: server, apiKey: key, claimToken: environment["TASKINFA_CLAIM_TOKEN"], logger: logger)
    }
}
