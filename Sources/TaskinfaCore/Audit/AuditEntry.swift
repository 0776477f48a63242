import Foundation

/// One line of the audit log (plan §5.7): who did what to which resource, from where, and how it
/// ended. Entries are only ever appended; the pruner removes those past the retention.
public struct AuditEntry: Equatable, Sendable {
    public enum ActorType: String, Sendable, CaseIterable {
        /// A person signed in with a session.
        case user
        /// A person's API key.
        case apiKey = "api_key"
        /// A worker, or the agent it runs.
        case bot
        /// The server itself (the lease reaper, the pruner).
        case system
        /// Nobody signed in (a failed sign-in, a sign-up).
        case anonymous
    }

    public enum Outcome: String, Sendable, CaseIterable {
        case success
        /// Refused for want of a credential or a right (401, 403, 404 of another workspace).
        case denied
        /// Refused for another reason (a bad request, a conflict, a rate limit).
        case failure
    }

    public var id: String
    /// Empty for what belongs to an account rather than a workspace (sign-ins, its second factor).
    public var workspaceID: String
    public var userID: String?
    public var actorType: ActorType
    public var actorID: String
    public var actorName: String
    /// `resource.verb`, e.g. `task.update`, `auth.login`, `execution.finish`.
    public var action: String
    public var resourceType: String
    public var resourceID: String?
    public var outcome: Outcome
    /// What the action touched, by name; never a secret (see `AuditDetails`).
    public var details: [String: JSONValue]
    public var ipAddress: String?
    public var userAgent: String?
    public var createdAt: Date

    public init(
        id: String, workspaceID: String, userID: String?, actorType: ActorType, actorID: String, actorName: String,
        action: String, resourceType: String, resourceID: String?, outcome: Outcome, details: [String: JSONValue],
        ipAddress: String?, userAgent: String?, createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.userID = userID
        self.actorType = actorType
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.outcome = outcome
        self.details = details
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.createdAt = createdAt
    }

    /// How an HTTP status reads in the log.
    public static func outcome(status: Int) -> Outcome {
        switch status {
        case 200..<400: .success
        case 401, 403: .denied
        default: .failure
        }
    }
}

/// Which entries to list: every field narrows, none widens.
public struct AuditFilter: Equatable, Sendable {
    /// An action (`task.update`) or a resource's actions (`task.`).
    public var action: String?
    public var actorID: String?
    public var resourceType: String?
    public var resourceID: String?
    public var outcome: AuditEntry.Outcome?
    public var since: Date?
    public var until: Date?

    public init(
        action: String? = nil, actorID: String? = nil, resourceType: String? = nil, resourceID: String? = nil,
        outcome: AuditEntry.Outcome? = nil, since: Date? = nil, until: Date? = nil
    ) {
        self.action = action
        self.actorID = actorID
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.outcome = outcome
        self.since = since
        self.until = until
    }
}

/// How operations are named in the log, and which of a request's fields it keeps.
public enum AuditNaming {
    /// Operations that are named otherwise than `verbResource` → `resource.verb`.
    static let names: [String: String] = [
        "login": "auth.login", "logout": "auth.logout", "signup": "auth.signup",
        "changePassword": "auth.password_change", "requestPasswordReset": "auth.password_reset_request",
        "confirmPasswordReset": "auth.password_reset", "updateMe": "account.update",
        "revokeSession": "session.revoke", "revokeOtherSessions": "session.revoke_others",
        "beginTwoFactorEnrolment": "two_factor.enrol", "enableTwoFactor": "two_factor.enable",
        "disableTwoFactor": "two_factor.disable", "regenerateRecoveryCodes": "two_factor.recovery_codes",
        "acceptInvitation": "invitation.accept", "transferOwnership": "workspace.transfer",
        "moveTask": "task.move", "bulkUpdateTasks": "task.bulk", "reviewTask": "task.review",
        "claimTask": "worker.claim", "workerHeartbeat": "worker.heartbeat", "rotateWorkerKey": "worker.rotate_key",
        "appendExecutionLogs": "execution.logs", "finishExecution": "execution.finish",
        "requestCompletion": "execution.complete", "cancelExecution": "execution.cancel",
        "leaveWorkspace": "member.leave", "resendInvitation": "invitation.resend",
        "startSingleSignOn": "auth.sso_start", "finishSingleSignOn": "auth.sso_login",
    ]
    static let verbs = ["create", "update", "delete", "revoke", "add", "remove", "rotate", "send", "set", "enable", "disable"]

    /// `createTask` → `task.create`, `updateApiKey` → `api_key.update`.
    public static func action(operationID: String) -> String {
        if let name = names[operationID] { return name }
        for verb in verbs where operationID.hasPrefix(verb) && operationID.count > verb.count {
            return "\(snake(String(operationID.dropFirst(verb.count)))).\(verb)"
        }
        return snake(operationID)
    }

    /// The resource an action is about: the part before the dot.
    public static func resourceType(action: String) -> String {
        String(action.split(separator: ".").first ?? Substring(action))
    }

    static func snake(_ camel: String) -> String {
        var result = ""
        for (index, character) in camel.enumerated() {
            if character.isUppercase && index > 0 { result += "_" }
            result += character.lowercased()
        }
        return result
    }

    /// Fields whose values are kept (short, never secret); of every other field only the name is.
    static let keptValues: Set<String> = [
        "status", "role", "priority", "email", "name", "title", "scopes", "allowed_ips", "enabled", "outcome",
        "assignee_id", "project_id", "decision", "require_two_factor", "audit_retention_days", "user_id", "kind",
        "loops", "errors", "input_tokens", "output_tokens", "cost_usd", "branch", "commit", "files_changed", "commands",
        "labels", "key", "repository_url", "default_branch", "expires_at", "type",
    ]
    /// Never kept, not even when a field of this name appears in a kept place.
    static let secretFields: Set<String> = ["password", "new_password", "current_password", "token", "secret", "code", "totp_code"]

    /// What of a request body the log keeps: its field names, and the values of the fields in
    /// `keptValues` (long text cut to 200 characters, lists to 200 items).
    public static func details(ofBody body: [String: JSONValue]) -> [String: JSONValue] {
        var details: [String: JSONValue] = ["fields": .array(body.keys.sorted().map { .string($0) })]
        for (field, value) in body where keptValues.contains(field) && !secretFields.contains(field) {
            details[field] = trimmed(value)
        }
        return details
    }

    /// What an agent's run did, as its worker reported it at the end.
    public static func details(ofRun report: ExecutionReport, taskID: String) -> [String: JSONValue] {
        var details: [String: JSONValue] = [
            "task": .string(taskID), "outcome": .string(report.outcome.rawValue), "loops": .number(Double(report.loops)),
            "errors": .number(Double(report.errors)),
            "files_changed": .array(report.filesChanged.prefix(500).map { .string(String($0.prefix(300))) }),
            "commands": .array(report.commands.prefix(500).map { .string(String($0.prefix(500))) }),
        ]
        if report.filesChanged.count > 500 { details["files_changed_total"] = .number(Double(report.filesChanged.count)) }
        if report.commands.count > 500 { details["commands_total"] = .number(Double(report.commands.count)) }
        if let tokens = report.inputTokens { details["input_tokens"] = .number(Double(tokens)) }
        if let tokens = report.outputTokens { details["output_tokens"] = .number(Double(tokens)) }
        if let cost = report.costUSD { details["cost_usd"] = .number(cost) }
        if let branch = report.branch { details["branch"] = .string(branch) }
        if let commit = report.commit { details["commit"] = .string(commit) }
        return details
    }

    static func trimmed(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(String(text.prefix(200)))
        case .array(let items): .array(items.prefix(200).map(trimmed))
        case .object: .string("…")
        default: value
        }
    }
}
