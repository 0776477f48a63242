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
                return .init(content: [.text("Unknown tool \(params.name)")], isError: true)
            }
            do {
                let text = try await tool.run(ToolArguments(params.arguments), tools)
                return .init(content: [.text(text)], isError: false)
            } catch let error as ToolError {
                return .init(content: [.text("Error: \(error.description)")], isError: true)
            } catch {
                logger.warning("tool \(params.name) failed", metadata: ["error": "\(error)"])
                return .init(content: [.text("Error: \(error)")], isError: true)
            }
        }
        try await mcp.start(transport: StdioTransport(logger: logger))
        await mcp.waitUntilCompleted()
    }
}
