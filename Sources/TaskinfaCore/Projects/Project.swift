import Foundation

public struct Project: Codable, Equatable, Sendable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var key: String
    public var description: String?
    public var repositoryURL: String?
    public var defaultBranch: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, workspaceID: String, name: String, key: String, description: String?, repositoryURL: String?,
        defaultBranch: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.key = key
        self.description = description
        self.repositoryURL = repositoryURL
        self.defaultBranch = defaultBranch
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, key, description
        case workspaceID = "workspace_id"
        case repositoryURL = "repository_url"
        case defaultBranch = "default_branch"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A validated project to create.
public struct ProjectDraft: Equatable, Sendable {
    public var name: String
    public var key: String
    public var description: String?
    public var repositoryURL: String?
    public var defaultBranch: String

    public init(
        name: String, key: String?, description: String?, repositoryURL: String?, defaultBranch: String?
    ) throws {
        var validator = Validator()
        let name = validator.check { try ProjectRules.name(name) }
        let key = validator.check { try ProjectRules.key(key ?? ProjectRules.suggestedKey(for: name ?? "")) }
        let description = validator.check { try ProjectRules.description(description) }
        let repositoryURL = validator.check { try ProjectRules.repositoryURL(repositoryURL) }
        let branch = validator.check { try ProjectRules.branch(defaultBranch ?? "main") }
        try validator.throwIfInvalid()
        self.name = name!
        self.key = key!
        self.description = description ?? nil
        self.repositoryURL = repositoryURL ?? nil
        self.defaultBranch = branch!
    }
}

/// Validated changes to a project; nil leaves a field as it is, `.some(nil)` clears it.
public struct ProjectChanges: Equatable, Sendable {
    public var name: String?
    public var key: String?
    public var description: String??
    public var repositoryURL: String??
    public var defaultBranch: String?

    public init(
        name: String?, key: String?, description: String??, repositoryURL: String??, defaultBranch: String?
    ) throws {
        var validator = Validator()
        if let name { self.name = validator.check { try ProjectRules.name(name) } }
        if let key { self.key = validator.check { try ProjectRules.key(key) } }
        if let description { self.description = validator.check { try ProjectRules.description(description) } }
        if let repositoryURL { self.repositoryURL = validator.check { try ProjectRules.repositoryURL(repositoryURL) } }
        if let defaultBranch { self.defaultBranch = validator.check { try ProjectRules.branch(defaultBranch) } }
        try validator.throwIfInvalid()
    }

    public var isEmpty: Bool {
        name == nil && key == nil && description == nil && repositoryURL == nil && defaultBranch == nil
    }
}
