import Foundation
import HTTPTypes
import TaskinfaCore
import Testing

/// The review loop: a worker's patch stored with its finish report and served as numbered lines,
/// line comments sent back as one message, the next execution taking it, approval to done.
@Suite struct ReviewLoopTests {
    static let patch = """
        diff --git a/src/app.txt b/src/app.txt
        index 1111111..2222222 100644
        --- a/src/app.txt
        +++ b/src/app.txt
        @@ -1,3 +1,4 @@
         one
        -two
        +zwei
        +drei
         four
        diff --git a/new file.txt b/new file.txt
        new file mode 100644
        index 0000000..3333333
        --- /dev/null
        +++ b/new file.txt
        @@ -0,0 +1 @@
        +hello
        diff --git a/logo.png b/logo.png
        new file mode 100644
        index 0000000..4444444
        Binary files /dev/null and b/logo.png differ

        """

    /// A task of WEB claimed by a fresh worker, finished as succeeded with `diff`.
    func finishedWork(_ api: API, _ owner: API.Account, diff: JSONValue) async throws -> (claim: JSONValue, reply: API.Reply) {
        let web = try await api.project(owner, key: "WEB")
        try await api.task(owner, project: web, title: "change the app")
        let worker = try await api.worker(owner)
        let claim = try #require(try await api.claim(worker))
        let reply = try await api.finish(
            worker, claim, ["outcome": "succeeded", "summary": "changed it", "loops": 1, "files_changed": ["src/app.txt"], "diff": diff])
        return (claim, reply)
    }

    @Test func aFinishedExecutionsPatchIsServedAsFilesWithNumberedLines() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let (claim, finished) = try await finishedWork(
                api, owner,
                diff: ["patch": .string(Self.patch), "omitted": [["path": "logo.png", "size": 2048, "reason": "binary"]]])
            #expect(finished.status == .ok, "\(finished.text)")
            let execution = claim["execution"]!["id"]!.string!
            let diff = try await api.call(.get, "/api/v1/tasks/WEB-1/executions/\(execution)/diff", as: owner.credential)
            #expect(diff.status == .ok)
            #expect(diff.json["additions"]?.int == 3)
            #expect(diff.json["deletions"]?.int == 1)
            let files = try #require(diff.json["files"]?.array)
            #expect(files.map { $0["path"]?.string } == ["src/app.txt", "new file.txt", "logo.png"])
            #expect(files[1]["change"]?.string == "added")
            #expect(files[2]["binary"]?.bool == true)
            let lines = try #require(files[0]["hunks"]?[0]?["lines"]?.array)
            #expect(lines.map { $0["kind"]?.string } == ["context", "removed", "added", "added", "context"])
            #expect(lines[2]["new_line"]?.int == 2 && lines[1]["old_line"]?.int == 2 && lines[4]["new_line"]?.int == 4)
            #expect(diff.json["omitted"]?[0]?["size"]?.int == 2048)
            // Someone else's workspace sees nothing, not even that the execution exists.
            let stranger = try await api.signUp("Eve")
            let hidden = try await api.call(.get, "/api/v1/tasks/\(claim["task"]!["id"]!.string!)/executions/\(execution)/diff", as: stranger.credential)
            #expect(hidden.status == .notFound)
        }
    }

    @Test func aPatchPastItsBudgetIsRefusedByFieldAndAnExecutionWithoutOneHasNoDiff() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let huge = String(repeating: "+x\n", count: ExecutionDiff.maxPatchBytes / 3 + 10)
            let (claim, refused) = try await finishedWork(api, owner, diff: ["patch": .string(huge)])
            #expect(refused.status == .badRequest)
            #expect(refused.problemFields == ["diff.patch"])
            // Only a worker's finish report may be that large; anywhere else it is refused unread.
            let elsewhere = try await api.call(
                .post, "/api/v1/tasks/WEB-1/comments", json: ["body": .string(huge)], as: owner.credential,
                headers: [HTTPField.Name("X-Taskinfa-Claim")!: "x"])
            #expect(elsewhere.status == .contentTooLarge)
            // Nothing was lost: the execution still runs and takes a report without a patch.
            let executions = try await api.call(.get, "/api/v1/tasks/WEB-1/executions", as: owner.credential)
            #expect(executions.json["executions"]?[0]?["status"]?.string == "running")
            let execution = claim["execution"]!["id"]!.string!
            let none = try await api.call(.get, "/api/v1/tasks/WEB-1/executions/\(execution)/diff", as: owner.credential)
            #expect(none.status == .notFound)
        }
    }

    @Test func requestingChangesSendsTheLineCommentsToTheNextExecutionAndApprovalFinishes() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let (_, finished) = try await finishedWork(api, owner, diff: ["patch": .string(Self.patch)])
            #expect(finished.json["task"]?["status"]?.string == "review")
            // What doesn't say what to change, and what isn't a person, is refused.
            let empty = try await api.call(.post, "/api/v1/tasks/WEB-1/review", json: ["decision": "request_changes"], as: owner.credential)
            #expect(empty.status == .badRequest && empty.problemFields == ["comments"])
            let bad = try await api.call(
                .post, "/api/v1/tasks/WEB-1/review",
                json: ["decision": "request_changes", "comments": [["path": "src/app.txt", "line": 0, "body": " "]]],
                as: owner.credential)
            #expect(Set(bad.problemFields) == ["comments[0].line", "comments[0].body"])
            let bot = try await api.worker(owner, name: "reviewer-bot")
            let byBot = try await api.call(.post, "/api/v1/tasks/WEB-1/review", json: ["decision": "approve"], as: bot.key)
            #expect(byBot.status == .forbidden)
            let viewer = try await api.apiKey(for: owner, role: "viewer")
            #expect(try await api.call(.post, "/api/v1/tasks/WEB-1/review", json: ["decision": "approve"], as: viewer).status == .forbidden)

            let sent = try await api.call(
                .post, "/api/v1/tasks/WEB-1/review",
                json: [
                    "decision": "request_changes", "summary": "Close, two things.",
                    "comments": [
                        ["path": "src/app.txt", "line": 2, "quote": "+zwei", "body": "Keep it in English: two."],
                        ["path": "src/app.txt", "line": 2, "side": "old", "quote": "-two ```", "body": "This line was fine."],
                    ],
                ],
                as: owner.credential)
            #expect(sent.status == .ok, "\(sent.text)")
            #expect(sent.json["task"]?["status"]?.string == "todo")
            let message = try #require(sent.json["comment"]?["body"]?.string)
            #expect(sent.json["comment"]?["type"]?.string == "human_message")
            #expect(message.contains("**src/app.txt**, line 2:") && message.contains("Keep it in English: two."))
            #expect(message.contains("````diff\n-two ```\n````"))
            #expect(try await api.column(owner, "todo").first == "WEB-1")

            // The next claim is the task itself (not a question to answer), and its context holds the review.
            let worker = try await api.worker(owner, name: "second")
            let next = try #require(try await api.claim(worker))
            #expect(next["execution"]?["kind"]?.string == "task")
            #expect(next["execution"]?["attempt"]?.int == 2)
            let comments = try await api.call(.get, "/api/v1/tasks/WEB-1/comments", as: owner.credential)
            #expect(comments.json["comments"]?.array?.contains { $0["body"]?.string == message } == true)
            _ = try await api.finish(worker, next, ["outcome": "succeeded", "summary": "fixed", "loops": 1])

            let approved = try await api.call(
                .post, "/api/v1/tasks/WEB-1/review", json: ["decision": "approve", "summary": "Thanks."], as: owner.credential)
            #expect(approved.json["task"]?["status"]?.string == "done")
            let again = try await api.call(.post, "/api/v1/tasks/WEB-1/review", json: ["decision": "approve"], as: owner.credential)
            #expect(again.status == .badRequest && again.problemFields == ["status"])
        }
    }

    @Test func aBotsAnswerRepliesToThePersonsMessage() async throws {
        try await TestApp.run { api in
            let owner = try await api.signUp()
            let web = try await api.project(owner, key: "WEB")
            try await api.task(owner, project: web, title: "explain", status: "backlog")
            let asked = try await api.call(
                .post, "/api/v1/tasks/WEB-1/comments", json: ["body": "Why is it slow?", "type": "human_message"],
                as: owner.credential)
            let worker = try await api.worker(owner)
            let claim = try #require(try await api.claim(worker))
            #expect(claim["execution"]?["kind"]?.string == "reply")
            _ = try await api.finish(worker, claim, ["outcome": "succeeded", "summary": "It reads every row."])
            let comments = try await api.call(.get, "/api/v1/tasks/WEB-1/comments", as: owner.credential)
            let answer = try #require(comments.json["comments"]?.array?.last)
            #expect(answer["body"]?.string == "It reads every row.")
            #expect(answer["reply_to"]?.string == asked.json["id"]?.string)
        }
    }
}
