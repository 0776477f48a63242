import Foundation
import TaskinfaAPI
import TaskinfaCore
import Testing

@testable import TaskinfaServer

/// The pages of tasks written member by member (`PreparedJSON`) hold the same JSON values as the
/// generated server's own encoding of them: every member of a task, set and unset.
@Suite struct PreparedJSONTests {
    /// What the generated server writes: `JSONEncoder` with its dates from our transcoder.
    static func generated(_ value: some Encodable) throws -> JSONValue? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try RFC3339DateTranscoder().encode(date))
        }
        return JSONValue(parsing: try encoder.encode(value))
    }

    static func written(_ value: some JSONWritable) -> JSONValue? {
        var json = JSONWriter()
        value.write(to: &json)
        return JSONValue(parsing: json.bytes)
    }

    static func full() -> TaskItem {
        var task = TaskItem(
            id: "tsk_1", workspaceID: "wsp_1", projectID: "prj_1", number: 42, key: "WEB-42", title: "Fix \"login\"\n\ttoken / slash",
            description: "ünïcödé 🎉 \u{1} back\\slash <script>", status: .inProgress, priority: .urgent, labels: ["a", "b"],
            assigneeID: "usr_2", dueDate: CalendarDate("2026-12-24"), parentID: "tsk_0", position: "a0V", version: 3,
            createdBy: "usr_1", createdAt: Date(timeIntervalSince1970: 1_733_511_834.123), updatedAt: Date(timeIntervalSince1970: 1_733_511_900),
            startedAt: Date(timeIntervalSince1970: 1_733_511_850.5), completedAt: Date(timeIntervalSince1970: 1_733_511_999.999))
        task.agent = AgentState(
            claimedBy: "wrk_1", executionID: "exe_1", failedAttempts: 2, flaggedAt: Date(timeIntervalSince1970: 1_733_512_000),
            flagReason: "why", branch: "taskinfa/web-42", commit: "abc123", awaitingReplySince: Date(timeIntervalSince1970: 1_733_512_001))
        task.summary = TaskSummary(comments: 3, subtasks: 2, subtasksDone: 1, blocked: true)
        return task
    }

    static func bare() -> TaskItem {
        TaskItem(
            id: "tsk_2", workspaceID: "wsp_1", projectID: "prj_1", number: 1, key: "WEB-1", title: "t", description: nil,
            status: .backlog, priority: .medium, labels: [], assigneeID: nil, dueDate: nil, parentID: nil, position: "a0",
            version: 1, createdBy: "usr_1", createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0),
            startedAt: nil, completedAt: nil)
    }

    /// The members of `value` (and of the values it holds) left unset, by name.
    static func unset(in value: Any, path: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = path + (child.label ?? "?")
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first else { return [name] }
                return unset(in: wrapped.value, path: name + ".")
            }
            return mirror.displayStyle == .struct ? unset(in: child.value, path: name + ".") : []
        }
    }

    @Test func aPageOfTasksIsTheSameJSONEitherWay() throws {
        // Every member set, so that a member added to the schema but not to `TaskJSON` shows.
        let page = Components.Schemas.TaskList(tasks: [.init(Self.full())], nextCursor: "next")
        #expect(Self.unset(in: page.tasks[0]) == [])
        #expect(Self.unset(in: Components.Schemas.Task(Self.bare())).contains("agent.claimedBy"))
        let tasks = [Self.full(), Self.bare()].map(Components.Schemas.Task.init)
        for list in [Components.Schemas.TaskList(tasks: tasks, nextCursor: "next"), .init(tasks: [])] {
            #expect(Self.written(list) == (try Self.generated(list)))
        }
        let columns: [Components.Schemas.BoardColumn] = [
            .init(status: .todo, count: 7, tasks: tasks, nextCursor: "c"), .init(status: .done, count: 0, tasks: []),
        ]
        for truncated in [nil, false, true] {
            let board = Components.Schemas.Board(columns: columns, searchTruncated: truncated)
            #expect(Self.written(board) == (try Self.generated(board)))
        }
    }

    @Test func withoutATransportWaitingTheValueGoesToTheGeneratedCode() throws {
        let list = Components.Schemas.TaskList(tasks: [.init(Self.bare())])
        #expect(PreparedJSON.answer(list, empty: .init(tasks: [])) == list)
    }
}
