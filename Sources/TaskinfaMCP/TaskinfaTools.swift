import AsyncHTTPClient
import Foundation
import MCP
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaCore

/// The Taskinfa tools an agent gets over MCP: the original's ten (tasks, comments, reorder,
/// projects) and the ones a worker's agent needs (progress, completion, subtasks, dependencies).
/// Every tool is a call of the REST API with the key the server was started with, so the key's
/// workspace and role (and, for a worker's agent, its claim) bound what the agent can do.
struct TaskinfaTools: Sendable {
    let client: TaskinfaAPI.Client
    let workspaceID: String
    let workerID: String?
    /// The task and execution the agent works on (set by the worker in the agent's environment).
    let currentTask: String?
    let currentExecution: String?

    static func connect(server: String, apiKey: String, claimToken: String?, environment: [String: String]) async throws
        -> TaskinfaTools
    {
        let client = TaskinfaAPI.Client(
            serverURL: try APIAddress.url(server: server),
            configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds),
            transport: AsyncHTTPClientTransport(configuration: .init(client: .shared, timeout: .seconds(60))),
            middlewares: [CredentialsMiddleware(apiKey: apiKey, claimToken: claimToken)])
        let me: Components.Schemas.Me
        switch try await client.getMe() {
        case .ok(let ok): me = try ok.body.json
        case .default(let status, let problem): throw ToolError("the server refused the key (\(status)): \(Self.detail(problem))")
        }
        guard let workspace = me.workspaces.first?.id else { throw ToolError("the key belongs to no workspace") }
        return TaskinfaTools(
            client: client, workspaceID: workspace, workerID: me.workerId ?? nil,
            currentTask: environment["TASKINFA_TASK_ID"], currentExecution: environment["TASKINFA_EXECUTION_ID"])
    }

    static func detail(_ problem: Components.Responses.Problem) -> String {
        guard case .applicationProblemJson(let body) = problem.body else { return "error" }
        let fields = (body.errors ?? []).map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        return [body.detail, fields.isEmpty ? nil : fields].compactMap { $0 }.joined(separator: ": ")
    }

    static func failure(_ status: Int, _ problem: Components.Responses.Problem) -> ToolError {
        ToolError("the server answered \(status): \(detail(problem))")
    }

    /// JSON text of an API value, for the agent to read.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    func task(_ arguments: ToolArguments, field: String = "task_id") throws -> String {
        if let id = arguments.optionalString(field), !id.isEmpty { return id }
        if let current = currentTask { return current }
        throw ToolError("\(field) is required")
    }
}
