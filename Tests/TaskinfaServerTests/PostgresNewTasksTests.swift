import Foundation
import SQLKit
import TaskinfaCore
@testable import TaskinfaStore
import Testing

/// Creates written together on PostgreSQL (`WriteBatches.newTasks`): when the statement that holds
/// them fails, each runs again on its own, so only the one at fault fails.
@Suite(.enabled(if: TestDatabase.usesPostgres)) struct PostgresNewTasksTests {
    @Test func aCreateTheDatabaseRefusesFailsAloneAndTheOthersAreWritten() async throws {
        try await PostgresSessionTests.withDatabase { database in
            let store = Store(database: database)
            let (ann, workspace) = try await store.accounts.signUp(email: "ann@example.com", name: "Ann", passwordHash: "x")
            let scope = WorkspaceScope(
                workspaceID: workspace.id, actor: Actor(type: .user, id: ann.id, name: ann.name), role: .owner, userID: ann.id)
            let project = try await store.projects.create(
                scope, try ProjectDraft(name: "Pipes", key: "PP", description: nil, repositoryURL: nil, defaultBranch: nil))
            func request(_ title: String) -> NewTaskRows.Request {
                let now = store.now()
                let task = TaskItem(
                    id: store.random.id(.task), workspaceID: workspace.id, projectID: project.id, number: 0, key: "", title: title,
                    description: nil, status: .todo, priority: .medium, labels: [], assigneeID: nil, dueDate: nil, parentID: nil,
                    position: Rank.first, version: 1, createdBy: ann.id, createdAt: now, updatedAt: now, startedAt: nil,
                    completedAt: nil)
                return NewTaskRows.Request(task: task, parentRef: nil, scope: scope, heldWork: false)
            }
            // The API refuses control characters in a title; one that got this far anyway makes
            // PostgreSQL refuse the statement (jsonb has no \u0000), and so every create in it.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<TaskItem, any Error>).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let title = index == 9 ? "broken \u{0} title" : "task \(index)"
                        let answer = try await store.batches.newTasks.submit(request(title), key: workspace.id)
                        return (index, answer)
                    }
                }
                return try await group.reduce(into: [Int: Result<TaskItem, any Error>]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.count == 24)
            let written = outcomes.filter { $0.key != 9 }.compactMap { try? $0.value.get() }
            #expect(written.count == 23)
            #expect(Set(written.map(\.number)).count == 23)
            #expect((try? outcomes[9]?.get()) == nil)
            let stored = try await database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM tasks WHERE workspace_id = \(bind: workspace.id)").first()?
                    .decode(column: "n", as: Int.self)
            }
            #expect(stored == 23)
        }
    }
}
