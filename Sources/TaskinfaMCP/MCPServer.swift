import Foundation
import Logging
import MCP
import TaskinfaCore

/// `taskinfa mcp`: the Taskinfa tools as an MCP server on stdio, for Claude Code, Codex and co.
/// Standard output carries only the protocol; logs go to standard error.
public enum TaskinfaMCPServer {
    public static let version = "1.0.0"

    public static func run(server: String, apiKey: String, claimToken: String?, logger: Logger) async throws {
        let tools = try await TaskinfaTools.connect(
            server: server, apiKey: apiKey, claimToken: claimToken, environment: ProcessInfo.processInfo.environment)
        let mcp = Server(
            name: "taskinfa", version: version,
            instructions: "Tools of the Taskinfa board: read and update tasks, comment, report progress, finish the execution.",
            capabilities: .init(tools: .init(listChanged: false)))
        let catalog = Dictionary(uniqueKeysWithValues: ToolCatalog.all.map { ($0.definition.name, $0) })
        await mcp.withMethodHandler(ListTools.self) { _ in
            .init(tools: ToolCatalog.all.map(\.definition))
        }
        await mcp.withMethodHandler(CallTool.self) { params in
            guard let tool = catalog[params.name] else {
                return reply("Unknown tool \(params.name)", isError: true)
            }
            do {
                let text = try await tool.run(ToolArguments(params.arguments), tools)
                return reply(text, isError: false)
            } catch let error as ToolError {
                return reply("Error: \(error.description)", isError: true)
            } catch {
                logger.warning("tool \(params.name) failed", metadata: ["error": "\(error)"])
                return reply("Error: \(error)", isError: true)
            }
        }
        try await mcp.start(transport: StdioTransport(logger: logger))
        await mcp.waitUntilCompleted()
    }

    /// A tool's answer: one text block; errors are tool results the model can read, not crashes.
    private static func reply(_ text: String, isError: Bool) -> CallTool.Result {
        .init(content: [.text(text: text, annotations: nil, _meta: nil)], isError: isError)
    }
}
