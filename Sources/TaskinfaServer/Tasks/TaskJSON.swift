import TaskinfaAPI
import TaskinfaCore

// The API's task pages written member by member (`PreparedJSON`): the members, names, order and
// omissions of the generated types' own `Codable` encoding, which `PreparedJSONTests` compares
// them with. A member added to one of these schemas must be added here too.

extension Components.Schemas.TaskList: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.openObject()
        json.key("tasks")
        tasks.write(to: &json)
        json.member("next_cursor", nextCursor)
        json.closeObject()
    }
}

extension Components.Schemas.Board: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.openObject()
        json.key("columns")
        json.openArray()
        for column in columns {
            json.openObject()
            json.member("status", column.status.rawValue)
            json.member("count", column.count)
            json.key("tasks")
            column.tasks.write(to: &json)
            json.member("next_cursor", column.nextCursor)
            json.closeObject()
        }
        json.closeArray()
        if let searchTruncated { json.member("search_truncated", searchTruncated) }
        json.closeObject()
    }
}

extension [Components.Schemas.Task] {
    public func write(to json: inout JSONWriter) {
        json.openArray()
        for task in self { task.write(to: &json) }
        json.closeArray()
    }
}

extension Components.Schemas.Task: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.openObject()
        json.member("id", id)
        json.member("key", key)
        json.member("number", number)
        json.member("workspace_id", workspaceId)
        json.member("project_id", projectId)
        json.member("title", title)
        json.member("description", description)
        json.member("status", status.rawValue)
        json.member("priority", priority.rawValue)
        json.key("labels")
        json.openArray()
        for label in labels { json.string(label) }
        json.closeArray()
        json.member("assignee_id", assigneeId)
        json.member("due_date", dueDate)
        json.member("parent_id", parentId)
        json.member("position", position)
        json.member("version", version)
        json.member("created_by", createdBy)
        json.member("created_at", createdAt)
        json.member("updated_at", updatedAt)
        json.member("started_at", startedAt)
        json.member("completed_at", completedAt)
        json.member("agent", agent)
        json.member("summary", summary)
        json.closeObject()
    }
}

extension Components.Schemas.AgentState: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.openObject()
        json.member("claimed_by", claimedBy)
        json.member("execution_id", executionId)
        json.member("failed_attempts", failedAttempts)
        json.member("flagged_at", flaggedAt)
        json.member("flag_reason", flagReason)
        json.member("branch", branch)
        json.member("commit", commit)
        json.member("awaiting_reply_since", awaitingReplySince)
        json.closeObject()
    }
}

extension Components.Schemas.TaskSummary: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.openObject()
        json.member("comments", comments)
        json.member("subtasks", subtasks)
        json.member("subtasks_done", subtasksDone)
        json.member("blocked", blocked)
        json.closeObject()
    }
}
