import Foundation
import HTTPTypes
import TaskinfaCore
import Testing

extension API {
    struct WorkerAccount: Sendable {
        let id: String
        let key: Credential
    }

    func worker(_ account: Account, name: String = "alpha", configuration: JSONValue = [:]) async throws -> WorkerAccount {
        let reply = try await call(
            .post, "/api/v1/workspaces/\(account.workspaceID)/workers",
            json: ["name": .string(name), "configuration": configuration], as: account.credential)
        try #require(reply.status == .created, "worker: \(reply.text)")
        return WorkerAccount(id: reply.json["worker"]!["id"]!.string!, key: .key(reply.json["secret"]!.string!))
    }

    /// Claims as the worker; nil on 204.
    func claim(_ worker: WorkerAccount, wait: Int = 0, project: String? = nil) async throws -> JSONValue? {
        let body: JSONValue? = project.map { ["project_id": .string($0)] }
        let reply = try await call(.post, "/api/v1/workers/\(worker.id)/claim?wait=\(wait)", json: body, as: worker.key)
        if reply.status == .noContent { return nil }
        try #require(reply.status == .ok, "claim: \(reply.status) \(reply.text)")
        return reply.json
    }

    func heartbeat(_ worker: WorkerAccount, running: [String] = [], status: String = "working") async throws -> Reply {
        try await call(
            .post, "/api/v1/workers/\(worker.id)/heartbeat",
            json: ["status": .string(status), "running_execution_ids": .array(running.map { .string($0) })], as: worker.key)
    }

    /// Sends a worker request with its claim token.
    func asHolder(
        _ worker: WorkerAccount, _ claim: JSONValue, _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil
    ) async throws -> Reply {
        try await call(
            method, path, json: json, as: worker.key,
            headers: [HTTPField.Name("X-Taskinfa-Claim")!: claim["claim_token"]!.string!])
    }

    func finish(_ worker: WorkerAccount, _ claim: JSONValue, _ body: JSONValue) async throws -> Reply {
        let task = claim["task"]!["id"]!.string!
        let execution = claim["execution"]!["id"]!.string!
        return try await asHolder(worker, claim, .post, "/api/v1/tasks/\(task)/executions/\(execution)/finish", json: body)
    }
}
