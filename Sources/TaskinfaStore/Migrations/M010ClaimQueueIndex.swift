// What a claim looks for: first the oldest unanswered question to an agent, else the top
// unclaimed, unflagged To Do task in priority and board order. The old indexes put `claimed_by`
// before the sort columns, left out the id that breaks ties and indexed every task for the
// questions: PostgreSQL read every To Do task of the workspace on each claim (4–12 ms at a few
// thousand tasks, with the workspace's write lock held). These hold only the tasks a claim can
// take, in exactly the claim's order, so the first row that passes the assignee and dependency
// checks is the answer (and the questions' index is empty most of the time).
extension Migration {
    static let m010ClaimQueueIndex = Migration(
        version: 10,
        name: "claim indexes in claim order, of claimable tasks only",
        sqlite: statements,
        postgres: statements
    )

    private static let statements = [
        """
        CREATE INDEX tasks_claimable ON tasks(workspace_id, status_order, priority_rank, position, id)
        WHERE claimed_by IS NULL AND flagged_at IS NULL
        """,
        """
        CREATE INDEX tasks_awaiting_reply_unclaimed ON tasks(workspace_id, awaiting_reply_since)
        WHERE awaiting_reply_since IS NOT NULL AND claimed_by IS NULL
        """,
        "DROP INDEX tasks_queue",
        "DROP INDEX tasks_awaiting_reply",
    ]
}
