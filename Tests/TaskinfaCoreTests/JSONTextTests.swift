import Foundation
import Testing

@testable import TaskinfaCore

/// Event payloads written in one pass: the same JSON values `JSONEncoder.taskinfa` writes, for the
/// domain's payloads and for every shape of container a type can ask for.
@Suite struct JSONTextTests {
    static func sameValue(_ value: some Encodable) throws {
        let text = try JSONText.encode(value)
        let fast = try #require(JSONValue(parsing: text), "not JSON: \(String(decoding: text, as: UTF8.self))")
        let reference = try #require(JSONValue(parsing: try JSONEncoder.taskinfa.encode(value)))
        #expect(fast == reference)
    }

    static let task: TaskItem = {
        var task = TaskItem(
            id: "tsk_1", workspaceID: "wsp_1", projectID: "prj_1", number: 42, key: "WEB-42", title: "Fix \"login\"\n\ttoken",
            description: "ünïcödé 🎉 \u{1} back\\slash / slash", status: .inProgress, priority: .high, labels: ["a", "b"],
            assigneeID: nil, dueDate: CalendarDate("2026-12-24"), parentID: nil, position: "a0V", version: 3,
            createdBy: "usr_1", createdAt: Date(timeIntervalSince1970: 1_733_511_834.123), updatedAt: Date(timeIntervalSince1970: 1_733_511_900),
            startedAt: Date(timeIntervalSince1970: 1_733_511_850.5), completedAt: nil)
        task.agent = AgentState(claimedBy: "wrk_1", executionID: "exe_1", failedAttempts: 1, flaggedAt: nil, flagReason: "why")
        return task
    }()

    @Test func aTaskSnapshotWithChanges() throws {
        var old = Self.task
        old.title = "Before"
        old.labels = []
        try Self.sameValue(EventPayload.TaskSnapshot(task: Self.task, changes: Self.task.changes(since: old)))
        try Self.sameValue(EventPayload.TaskSnapshot(task: Self.task))
    }

    struct Empty: Encodable {}

    struct Shapes: Encodable {
        var small: Int8 = -3
        var unsigned: UInt16 = 65_000
        var float: Float = 1.5
        var double = 0.1
        var big = 123_456_789_012
        var flag = false
        var missing: String? = nil
        var present: String? = "here"
        var list: [[Int]] = [[1, 2], [], [3]]
        var nestedStructs = [Empty(), Empty()]
        var map = ["x": [1], "y": []]
        var data = Data([0, 1, 2, 250])

        enum Keys: String, CodingKey { case small, unsigned, float, double, big, flag, missing, present, list, structs, map, data, nested, items, after }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(small, forKey: .small)
            try container.encode(unsigned, forKey: .unsigned)
            try container.encode(float, forKey: .float)
            try container.encode(double, forKey: .double)
            try container.encode(big, forKey: .big)
            try container.encode(flag, forKey: .flag)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encodeIfPresent(present, forKey: .present)
            try container.encode(list, forKey: .list)
            try container.encode(nestedStructs, forKey: .structs)
            try container.encode(map, forKey: .map)
            try container.encode(data, forKey: .data)
            // A nested container left open while the parent goes on: it closes before `items`.
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(1, forKey: .small)
            try nested.encodeNil(forKey: .missing)
            var items = container.nestedUnkeyedContainer(forKey: .items)
            try items.encode("a")
            try items.encodeNil()
            var deeper = items.nestedContainer(keyedBy: Keys.self)
            try deeper.encode(true, forKey: .flag)
            try items.encode(2)
            try container.encode("last", forKey: .after)
        }
    }

    @Test func everyShapeOfContainer() throws {
        try Self.sameValue(Shapes())
        try Self.sameValue([Shapes(), Shapes()])
        try Self.sameValue(Empty())
        try Self.sameValue(["only": Empty()])
        try Self.sameValue("a plain string")
        try Self.sameValue(Date(timeIntervalSince1970: 0))
    }

    @Test func quotedStringsReadBack() {
        for text in ["", "plain", "quote \" and \\ and \n\r\t and \u{0}\u{1F} and é🎉"] {
            #expect(JSONValue(parsing: Array(JSONText.quoted(text).utf8)) == .string(text))
        }
    }

    @Test func notANumberIsRefused() {
        #expect(throws: EncodingError.self) { try JSONText.encode([Double.nan]) }
    }
}
