import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore

/// The worker's side of the API, over the generated client: one method per call it makes, with
/// errors turned into `APIProblem`.
struct WorkerAPI: Sendable {
    let client: Client
    let serverURL: String
    let apiKey: String

    /// `timeout` bounds each call, connecting included (the HTTP client retries a refused connection
    /// until then); claims long-poll, so the default is generous.
    init(server: String, apiKey: String, timeout: Duration = .seconds(90)) throws {
        self.serverURL = server
        self.apiKey = apiKey
        self.client = Client(
            serverURL: try APIAddress.url(server: server),
            configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds),
            transport: AsyncHTTPClientTransport(configuration: .init(client: .shared, timeout: TimeAmount(timeout))),
            middlewares: [CredentialsMiddleware(apiKey: apiKey)])
    }

    /// The worker this key belongs to.
    func whoAmI() async throws -> (workerID: String, workspaceID: String) {
        switch try await client.getMe() {
        case .ok(let ok):
            let me = try ok.body.json
            guard let worker = me.workerId, let workspace = me.workspaces.first?.id else {
                throw APIProblem(status: 403, detail: "this API key is not a worker's key; create a worker in the workspace and use its key")
            }
            return (worker, workspace)
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    func heartbeat(
        worker: String, status: WorkerStatus, message: String? = nil, task: String?, loop: Int?, running: [String]
    ) async throws -> Components.Schemas.HeartbeatResponse {
        let output = try await client.workerHeartbeat(
            path: .init(workerId: worker),
            body: .json(
                .init(
                    status: .init(status), message: message, currentTaskId: task, currentLoop: loop,
                    runningExecutionIds: running)))
        switch output {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    /// Tells the server this worker stops: what it still holds goes back to the queue at once.
    func disconnect(worker: String, reason: String?) async throws {
        switch try await client.disconnectWorker(path: .init(workerId: worker), body: .json(.init(reason: reason))) {
        case .ok: return
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    /// The next piece of work, waiting up to `wait` seconds; nil when there is none.
    func claim(worker: String, wait: Int, project: String?, excluding excluded: [String] = []) async throws
        -> Components.Schemas.ClaimResult?
    {
        let body: Components.Schemas.ClaimRequest? =
            project == nil && excluded.isEmpty ? nil : .init(projectId: project, excludeProjectIds: excluded)
        let output = try await client.claimTask(
            path: .init(workerId: worker), query: .init(wait: wait), body: body.map { .json($0) })
        switch output {
        case .ok(let ok): return try ok.body.json
        case .noContent: return nil
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    func execution(task: String, id: String) async throws -> Components.Schemas.Execution {
        switch try await client.getExecution(path: .init(taskId: task, executionId: id)) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    func executions(task: String) async throws -> [Components.Schemas.Execution] {
        switch try await client.listExecutions(path: .init(taskId: task)) {
        case .ok(let ok): return try ok.body.json.executions
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    func comments(task: String) async throws -> [Components.Schemas.Comment] {
        var all: [Components.Schemas.Comment] = []
        var cursor: String?
        repeat {
            switch try await client.listComments(path: .init(taskId: task), query: .init(cursor: cursor, limit: 200)) {
            case .ok(let ok):
                let page = try ok.body.json
                all += page.comments
                cursor = page.nextCursor ?? nil
            case .default(let status, let problem): throw APIProblem(status, problem)
            }
        } while cursor != nil && all.count < 1000
        return all
    }

    func appendLogs(task: String, execution: String, token: String, entries: [LogLine]) async throws {
        let output = try await client.appendExecutionLogs(
            path: .init(taskId: task, executionId: execution), headers: .init(xTaskinfaClaim: token),
            body: .json(
                .init(
                    entries: entries.map {
                        .init(stream: .init(rawValue: $0.stream) ?? .system, loop: $0.loop, text: $0.text)
                    })))
        switch output {
        case .ok: return
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }

    func finish(task: String, execution: String, token: String, report: ExecutionReport) async throws
        -> Components.Schemas.FinishedExecution
    {
        guard let outcome = Components.Schemas.FinishExecutionRequest.OutcomePayload(report.outcome) else {
            throw APIProblem(status: 400, detail: "a worker can't report an execution as \(report.outcome.rawValue)")
        }
        let output = try await client.finishExecution(
            path: .init(taskId: task, executionId: execution), headers: .init(xTaskinfaClaim: token),
            body: .json(
                .init(
                    outcome: outcome, reason: report.reason, summary: report.summary,
                    loops: report.loops, errors: report.errors, filesChanged: report.filesChanged,
                    commands: report.commands.isEmpty ? nil : report.commands, inputTokens: report.inputTokens, outputTokens: report.outputTokens, costUsd: report.costUSD,
                    branch: report.branch, commit: report.commit,
                    diff: report.diff.map { diff in
                        .init(
                            patch: diff.patch,
                            omitted: diff.omitted.map {
                                .init(path: $0.path, size: $0.size, reason: .init(rawValue: $0.reason.rawValue) ?? .binary)
                            })
                    })))
        switch output {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw APIProblem(status, problem)
        }
    }
}

/// An error answer of the API.
struct APIProblem: Error, CustomStringConvertible {
    let status: Int
    let detail: String

    init(status: Int, detail: String) {
        self.status = status
        self.detail = detail
    }

    init(_ status: Int, _ problem: Components.Responses.Problem) {
        self.status = status
        if case .applicationProblemJson(let body) = problem.body {
            let fields = (body.errors ?? []).map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            self.detail = [body.detail, fields.isEmpty ? nil : fields].compactMap { $0 }.joined(separator: ": ")
        } else {
            self.detail = "HTTP \(status)"
        }
    }

    var description: String { "the server answered \(status): \(detail)" }
}

/// One line of agent output on its way to the server.
struct LogLine: Sendable {
    var stream: String
    var loop: Int?
    var text: String
}
