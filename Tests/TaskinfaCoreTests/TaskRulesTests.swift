import Foundation
import Testing

@testable import TaskinfaCore

@Suite struct TaskRulesTests {
    @Test func aBoardPositionNamesItsStatus() {
        for status in TaskStatus.allCases { #expect(TaskStatus(boardOrder: status.boardOrder) == status) }
        #expect(TaskStatus(boardOrder: 5) == nil && TaskStatus(boardOrder: -1) == nil)
    }

    @Test func labelsAreTrimmedAndDeduplicatedCaseInsensitively() throws {
        #expect(try TaskRules.labels([" Bug ", "bug", "UI", "ui ", "docs"]) == ["Bug", "UI", "docs"])
    }

    @Test func eachBadLabelIsNamedByIndex() {
        #expect(throws: ValidationError([
            FieldError(field: "labels[1]", message: "must not be empty"),
            FieldError(field: "labels[2]", message: "must be at most 50 characters"),
        ])) { try TaskRules.labels(["ok", " ", String(repeating: "x", count: 51)]) }
    }

    @Test func tooManyLabelsAreRefused() {
        #expect(throws: ValidationError.self) { try TaskRules.labels((0..<21).map { "l\($0)" }) }
    }

    @Test func aDraftDefaultsToBacklogAndMedium() throws {
        let draft = try TaskDraft(
            projectID: "prj_1", title: "  Fix it ", description: "  ", status: nil, priority: nil, labels: nil,
            assigneeID: nil, dueDate: nil, parentID: nil)
        #expect(draft.title == "Fix it" && draft.description == nil)
        #expect(draft.status == .backlog && draft.priority == .medium)
    }

    @Test func aDraftHonoursTheStatusGiven() throws {
        let draft = try TaskDraft(
            projectID: "prj_1", title: "x", description: nil, status: .todo, priority: .urgent, labels: [],
            assigneeID: nil, dueDate: nil, parentID: nil)
        #expect(draft.status == .todo && draft.priority == .urgent)
    }

    @Test func aDraftReportsEveryBadField() {
        #expect(throws: ValidationError([
            FieldError(field: "title", message: "must not be empty"),
            FieldError(field: "assignee_id", message: "must be a member's user id (usr_…) or a worker id (wrk_…)"),
        ])) {
            try TaskDraft(
                projectID: "prj_1", title: "", description: nil, status: nil, priority: nil, labels: nil,
                assigneeID: "bob", dueDate: nil, parentID: nil)
        }
    }

    @Test func titlesWithControlCharactersAreRefused() {
        #expect(throws: ValidationError.self) { try TaskRules.title("bell\u{7}") }
    }

    @Test func sqlAndHTMLAreJustText() throws {
        let title = "'; DROP TABLE tasks; -- <script>alert(1)</script>"
        #expect(try TaskRules.title(title) == title)
    }

    @Test func changesDistinguishClearingFromLeavingAlone() throws {
        let clear = try TaskChanges(description: .some(nil), assigneeID: .some(nil))
        #expect(clear.description == .some(nil) && clear.assigneeID == .some(nil) && clear.title == nil)
        #expect(TaskChanges().isEmpty)
    }

    @Test func startedAndCompletedFollowTheColumns() {
        let t0 = Date(timeIntervalSince1970: 100), t1 = Date(timeIntervalSince1970: 200)
        let t2 = Date(timeIntervalSince1970: 300)
        var life = TaskLifecycle(startedAt: nil, completedAt: nil)
        life = life.entering(.inProgress, at: t0)
        #expect(life == TaskLifecycle(startedAt: t0, completedAt: nil))
        life = life.entering(.review, at: t1)
        #expect(life == TaskLifecycle(startedAt: t0, completedAt: t1))
        life = life.entering(.done, at: t2)
        #expect(life.completedAt == t1)
        life = life.entering(.todo, at: t2)
        #expect(life == TaskLifecycle(startedAt: t0, completedAt: nil))
        life = life.entering(.inProgress, at: t2)
        #expect(life.startedAt == t0)
    }

    @Test(arguments: [("WEB-42", "WEB", 42), ("web-7", "WEB", 7), ("A1-1", "A1", 1)])
    func humanKeysParse(text: String, key: String, number: Int) {
        #expect(TaskKey(text) == TaskKey(projectKey: key, number: number))
    }

    @Test(arguments: ["tsk_abc", "WEB-0", "WEB-", "-4", "W-3", "WEB-x"])
    func otherTextIsNotAHumanKey(_ text: String) {
        #expect(TaskKey(text) == nil)
    }

    @Test(arguments: ["2026-02-28", "2024-02-29", "0001-01-01"])
    func realDatesParse(_ text: String) {
        #expect(CalendarDate(text)?.description == text)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-1", "26-01-01", "tomorrow", "2026-04-31"])
    func impossibleDatesDoNot(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func changesListOnlyWhatDiffers() {
        let now = Date()
        let task = TaskItem(
            id: "tsk_1", workspaceID: "wsp_1", projectID: "prj_1", number: 1, key: "A-1", title: "Old",
            description: nil, status: .todo, priority: .low, labels: [], assigneeID: nil, dueDate: nil, parentID: nil,
            position: "a0", version: 1, createdBy: "usr_1", createdAt: now, updatedAt: now, startedAt: nil,
            completedAt: nil)
        var changed = task
        changed.title = "New"
        changed.priority = .high
        let changes = changed.changes(since: task)
        #expect(Set(changes.keys) == ["title", "priority"])
        #expect(changes["title"] == FieldChange(from: .string("Old"), to: .string("New")))
    }
}
