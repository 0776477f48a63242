extension TaskItem {
    /// The user-visible fields that differ from `old`, for `task.updated` events and activity feeds.
    public func changes(since old: TaskItem) -> [String: FieldChange] {
        var changes: [String: FieldChange] = [:]
        func compare<T: Encodable & Equatable>(_ name: String, _ path: KeyPath<TaskItem, T>) {
            if self[keyPath: path] != old[keyPath: path] {
                changes[name] = FieldChange(from: .of(old[keyPath: path]), to: .of(self[keyPath: path]))
            }
        }
        compare("title", \.title)
        compare("description", \.description)
        compare("status", \.status)
        compare("priority", \.priority)
        compare("labels", \.labels)
        compare("assignee_id", \.assigneeID)
        compare("due_date", \.dueDate)
        compare("project_id", \.projectID)
        compare("parent_id", \.parentID)
        compare("position", \.position)
        compare("claimed_by", \.agent.claimedBy)
        compare("flagged_at", \.agent.flaggedAt)
        compare("failed_attempts", \.agent.failedAttempts)
        compare("branch", \.agent.branch)
        compare("commit", \.agent.commit)
        return changes
    }
}

extension Project {
    public func changes(since old: Project) -> [String: FieldChange] {
        var changes: [String: FieldChange] = [:]
        func compare<T: Encodable & Equatable>(_ name: String, _ path: KeyPath<Project, T>) {
            if self[keyPath: path] != old[keyPath: path] {
                changes[name] = FieldChange(from: .of(old[keyPath: path]), to: .of(self[keyPath: path]))
            }
        }
        compare("name", \.name)
        compare("key", \.key)
        compare("description", \.description)
        compare("repository_url", \.repositoryURL)
        compare("default_branch", \.defaultBranch)
        return changes
    }
}
