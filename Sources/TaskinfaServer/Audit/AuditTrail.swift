import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import TaskinfaCore
import TaskinfaStore

/// Writes the audit log: one entry for every operation that changes something (and every attempt
/// refused), from the operation's name, its path parameters, the request body's field names and
/// the notes its handler left. Wrapping every operation here, rather than a call in each handler,
/// means a new route is logged the day it lands.
struct AuditTrail: ServerMiddleware {
    let store: Store
    let logger: Logger

    /// Operations that change nothing a person would look for in the log: a worker's pulse and its
    /// log lines arrive many times a minute (the run's commands, files and tokens are logged once,
    /// when it finishes), and rendering markdown writes nothing.
    static let unlogged: Set<String> = ["workerHeartbeat", "appendExecutionLogs", "renderMarkdown", "previewMarkdown"]
    /// What an anonymous caller may get into the log: the ways in. Anything else anonymous is a
    /// 401 that would only let strangers fill the table.
    static let anonymousLogged: Set<String> = [
        "login", "signup", "requestPasswordReset", "confirmPasswordReset", "acceptInvitation", "finishSingleSignOn",
    ]
    /// Bodies up to this size are read for their field names; larger ones are logged without.
    static let bodyPeekLimit = 64 * 1024

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard request.method != .get, request.method != .head, !Self.unlogged.contains(operationID) else {
            return try await next(request, body, metadata)
        }
        var forwarded = body
        var fields: [String: JSONValue] = [:]
        if let body, case .known(let length) = body.length, length <= Self.bodyPeekLimit {
            let bytes = try await [UInt8](collecting: body, upTo: Self.bodyPeekLimit)
            forwarded = HTTPBody(bytes)
            if case .object(let object)? = JSONValue(parsing: bytes) { fields = object }
        }
        do {
            var (response, responseBody) = try await next(request, forwarded, metadata)
            var created: String?
            // What a create made is named in its answer, not in the path.
            if response.status == .created, let answer = responseBody, case .known(let length) = answer.length, length <= Self.bodyPeekLimit {
                let bytes = try await [UInt8](collecting: answer, upTo: Self.bodyPeekLimit)
                responseBody = HTTPBody(bytes)
                created = Self.createdID(in: bytes)
            }
            await record(operationID: operationID, status: response.status.code, metadata: metadata, body: fields, created: created)
            return (response, responseBody)
        } catch {
            await record(operationID: operationID, status: ProblemMiddleware.problem(for: error).status, metadata: metadata, body: fields)
            throw error
        }
    }

    /// A known key refused before any operation ran (its IP allowlist): `api_key.refused`.
    func recordRefusedKey(_ found: APIKeyRepository.Authenticated, info: RequestInfo, reason: String) async {
        let caller = Caller.apiKey(found)
        await write(
            AuditEntry(
                id: store.random.id(.audit), workspaceID: found.key.workspaceID, userID: found.user.id,
                actorType: Self.actorType(caller), actorID: caller.actor.id, actorName: caller.actor.name, action: "api_key.refused",
                resourceType: "api_key", resourceID: found.key.id, outcome: .denied, details: ["reason": .string(reason)],
                ipAddress: info.ipAddress, userAgent: info.userAgent, createdAt: store.now()))
    }

    /// The id of what a create answered with: its own `id`, or that of the one object it wraps
    /// (`{"worker": {…}, "secret": …}`).
    static func createdID(in bytes: [UInt8]) -> String? {
        guard case .object(let object)? = JSONValue(parsing: bytes) else { return nil }
        if case .string(let id)? = object["id"] { return id }
        for key in object.keys.sorted() {
            if case .object(let inner)? = object[key], case .string(let id)? = inner["id"] { return id }
        }
        return nil
    }

    private func record(
        operationID: String, status: Int, metadata: ServerRequestMetadata, body: [String: JSONValue], created: String? = nil
    ) async {
        let info = RequestInfo.current
        let note = info.responseNotes?.auditNote ?? AuditNote()
        // Refused by a rate limit: the counters already hold it, and logging each would let a
        // flood write the table.
        guard !note.recorded, status != 429 else { return }
        guard info.caller != nil || Self.anonymousLogged.contains(operationID) else { return }
        let action = AuditNaming.action(operationID: operationID)
        var details = AuditNaming.details(ofBody: body)
        details.merge(note.details) { _, noted in noted }
        details["status"] = .number(Double(status))
        let outcome = AuditEntry.outcome(status: status)
        // Signing in (or up) succeeds before the request has a caller: the account it opened acts.
        let actorType = info.caller.map(Self.actorType) ?? (note.subjectUserID != nil && outcome == .success ? .user : .anonymous)
        let entry = AuditEntry(
            id: store.random.id(.audit), workspaceID: note.workspaceID ?? "",
            userID: info.caller?.user.id ?? note.subjectUserID, actorType: actorType,
            actorID: info.caller?.actor.id ?? (actorType == .user ? note.subjectUserID : nil) ?? "anonymous",
            actorName: info.caller?.actor.name ?? (actorType == .user ? note.subjectName : nil) ?? "anonymous",
            action: action, resourceType: AuditNaming.resourceType(action: action),
            resourceID: note.resourceID ?? created ?? Self.resource(in: metadata.pathParameters),
            outcome: outcome, details: details, ipAddress: info.ipAddress, userAgent: info.userAgent, createdAt: store.now())
        await write(entry)
    }

    private func write(_ entry: AuditEntry) async {
        do {
            try await store.audit.record(entry)
        } catch {
            // The operation already happened (or was refused); failing its answer now would only
            // hide that from the client. The gap is loud in the server's log.
            logger.error("audit entry not written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }

    /// The path parameter naming what the operation acts on: the innermost one (an execution
    /// under its task, a member under its workspace).
    static func resource(in parameters: [String: Substring]) -> String? {
        let outer = ["workspace_id", "task_id"]
        if let inner = parameters.filter({ !outer.contains($0.key) }).sorted(by: { $0.key < $1.key }).first {
            return String(inner.value)
        }
        return (parameters["task_id"] ?? parameters["workspace_id"]).map(String.init)
    }

    static func actorType(_ caller: Caller) -> AuditEntry.ActorType {
        switch caller {
        case .user: .user
        case .apiKey(let found): found.key.workerID == nil ? .apiKey : .bot
        }
    }
}
