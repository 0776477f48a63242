import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import OpenAPIRuntime
import TaskinfaCore
import TaskinfaStore

/// The one place errors become HTTP answers. Domain errors map to their 4xx; the generated code's
/// decoding failures become 400s naming the field; anything nobody chose to map is a 500 whose
/// details go to the log, never to the client.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            if Self.problem(for: error).status >= 500, !Self.isDeliberate(error) {
                // The cause only: the generated server's error also prints the request, headers and
                // all, and a session cookie or key has no place in a log.
                let cause = (error as? ServerError).map { "\($0.operationID): \(String(reflecting: $0.underlyingError))" }
                    ?? String(reflecting: error)
                context.logger.error("request failed", metadata: ["error": "\(cause)", "path": "\(request.uri.path)"])
            }
            return Self.response(for: error)
        }
    }

    /// A 5xx a handler chose to answer (no mail server, a provider that is down) is an answer, not a
    /// fault of this server: it isn't logged as one.
    static func isDeliberate(_ error: any Error) -> Bool {
        let cause = (error as? ServerError)?.underlyingError ?? error
        return cause is HTTPError
    }

    /// The answer to an error: its problem document, with `WWW-Authenticate` on a 401.
    static func response(for error: any Error) -> Response {
        let problem = problem(for: error)
        var headers: HTTPFields = [:]
        if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return problem.response(headers: headers)
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let error as ServerError:
            // The generated server wraps everything thrown below it; unwrap to the cause.
            return problem(for: error.underlyingError, operation: error)
        case let error as ValidationError:
            return Problem(
                .badRequest, slug: "validation", detail: "The input is not valid; see errors.",
                errors: error.errors.map { .init(field: $0.field, message: $0.message) })
        case let error as NotFoundError:
            return Problem(.notFound, slug: "not-found", detail: "No \(error.resource.replacingOccurrences(of: "_", with: " ")) \(error.id) here.")
        case let error as ConflictError:
            return Problem(
                .conflict, slug: "conflict", detail: error.message,
                errors: error.field.map { [.init(field: $0, message: error.message)] })
        case let error as StaleVersionError:
            return Problem(
                .preconditionFailed, slug: "stale-version",
                detail: "The \(error.resource) changed since you read it (you sent version \(error.expected), it is at \(error.current)); reload and try again.")
        case let error as AccessError:
            switch error {
            case .unauthenticated(let reason):
                return Problem(.unauthorized, slug: "unauthenticated", detail: reason)
            case .forbidden(let action, let role):
                return Problem(.forbidden, slug: "forbidden", detail: "Your role (\(role.rawValue)) may not \(action.phrase).")
            case .refused(let reason):
                return Problem(.forbidden, slug: "forbidden", detail: reason)
            case .secondFactorNeeded(let reason):
                return Problem(.unauthorized, slug: "two-factor-required", detail: reason)
            case .secondFactorEnrolmentNeeded:
                return Problem(
                    .forbidden, slug: "two-factor-enrolment-required",
                    detail: "This workspace requires two-factor sign-in: turn it on in your account settings first.")
            }
        case is HTTPParserError:
            // The request broke off or could not be parsed (a client that went away in the middle
            // of sending it): the client's fault, not a fault of this server to log as one.
            return Problem(.badRequest, slug: "bad-request", detail: "The request could not be read: it was malformed or ended early.")
        case let error as ReadTooLongError:
            return Problem(
                .serviceUnavailable, slug: "read-too-long",
                detail: "Reading this took longer than \(error.limit.components.seconds) s and was stopped; narrow the search or the filter and try again.")
        case let error as RateLimitedError:
            return Problem(.tooManyRequests, slug: "rate-limited", detail: error.message)
        case let error as DecodingError:
            return decodingProblem(error)
        case let error as HTTPError:
            let slug = error.status == .contentTooLarge ? "too-large" : "http"
            return Problem(error.status, slug: slug, detail: error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError:
            return Problem(error.status, slug: "http", detail: error.status.reasonPhrase)
        default:
            return Problem(.internalServerError, slug: "internal", detail: "Something went wrong on the server; it was logged.")
        }
    }

    private static func problem(for underlying: any Error, operation: ServerError) -> Problem {
        let mapped = problem(for: underlying)
        if mapped.status < 500 || underlying is DecodingError { return mapped }
        // The runtime's own request errors (missing parameter, wrong content type) carry a status.
        if (400..<500).contains(operation.httpStatus.code) {
            return Problem(operation.httpStatus, slug: "bad-request", detail: operation.causeDescription)
        }
        let text = String(describing: underlying)
        if text.contains("content type") || text.contains("Content-Type") {
            return Problem(.unsupportedMediaType, slug: "content-type", detail: "Send the body as application/json.")
        }
        if text.contains("TooManyBytes") || text.contains("too many bytes") {
            return Problem(.contentTooLarge, slug: "too-large", detail: "The request body is too large.")
        }
        if operation.operationInput == nil {
            // Failed while turning the request into the operation's input: a malformed request.
            return Problem(.badRequest, slug: "bad-request", detail: operation.causeDescription)
        }
        return mapped
    }

    /// A field name the way the client wrote it: `labels[2]`, `changes.title`.
    static func fieldPath(_ codingPath: [any CodingKey], adding key: (any CodingKey)? = nil) -> String {
        var path = ""
        for key in codingPath + (key.map { [$0] } ?? []) {
            if let index = key.intValue {
                path += "[\(index)]"
            } else if !key.stringValue.isEmpty {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }

    static func decodingProblem(_ error: DecodingError) -> Problem {
        let field: String
        let message: String
        switch error {
        case .keyNotFound(let key, let context):
            field = fieldPath(context.codingPath, adding: key)
            message = "is required"
        case .valueNotFound(_, let context):
            field = fieldPath(context.codingPath)
            message = "must not be null"
        case .typeMismatch(let type, let context):
            field = fieldPath(context.codingPath)
            message = "must be \(jsonTypeName(type))"
        case .dataCorrupted(let context):
            field = fieldPath(context.codingPath)
            let description = context.debugDescription
            if field.isEmpty && (context.underlyingError != nil || description.contains("JSON")) {
                return Problem(
                    .badRequest, slug: "validation", detail: "The body is not valid JSON.",
                    errors: [.init(field: "body", message: "is not valid JSON")])
            }
            if description.contains("Additional properties") || description.contains("additional properties") {
                let names = description.components(separatedBy: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""
                message = "has unknown members \(names)".trimmingCharacters(in: .whitespaces)
            } else if description.contains("invalid") || description.contains("Cannot initialize") {
                message = "has a value that is not allowed"
            } else {
                message = "is not valid"
            }
        @unknown default:
            field = "body"
            message = "is not valid"
        }
        return Problem(
            .badRequest, slug: "validation", detail: "The input is not valid; see errors.",
            errors: [.init(field: field.isEmpty ? "body" : field, message: message)])
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("String") { return "a string" }
        if name.contains("Int") || name.contains("Double") || name.contains("Float") { return "a number" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("Array") || name.hasPrefix("[") { return "an array" }
        return "an object"
    }
}

extension Action {
    /// For "Your role may not …" messages.
    var phrase: String {
        switch self {
        case .readWorkspace: "read this workspace"
        case .updateWorkspace: "change the workspace"
        case .deleteWorkspace: "delete the workspace"
        case .transferWorkspace: "hand the workspace to someone else"
        case .manageMembers: "manage members"
        case .leaveWorkspace: "leave the workspace"
        case .manageProjects: "create, change or delete projects"
        case .createTask: "create tasks"
        case .updateTask: "change tasks"
        case .reviewWork: "review the agents' work"
        case .readAuditLog: "read the audit log"
        case .deleteAnyTask: "delete other people's tasks"
        case .deleteOwnTask: "delete tasks"
        case .comment: "comment"
        case .manageOwnAPIKeys: "manage API keys"
        case .manageAnyAPIKey: "manage other people's API keys"
        case .manageOwnSavedFilters: "save filters"
        case .registerWorkers: "add or remove workers"
        case .configureWorkers: "configure workers"
        case .cancelExecution: "stop agents"
        case .runExecutions: "run executions"
        case .completeExecution: "complete executions"
        }
    }
}
