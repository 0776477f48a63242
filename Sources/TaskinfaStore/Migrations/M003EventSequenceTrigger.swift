// The workspace's event counter follows each appended event by a trigger, so appending an event
// is one statement instead of two (the sequence is computed in the INSERT itself).
extension Migration {
    static let m003EventSequenceTrigger = Migration(
        version: 3,
        name: "event sequence trigger",
        sqlite: [
            """
            CREATE TRIGGER events_sequence AFTER INSERT ON events BEGIN
                UPDATE workspaces SET event_sequence = new.sequence WHERE id = new.workspace_id;
            END
            """
        ],
        postgres: [
            """
            CREATE FUNCTION taskinfa_follow_event_sequence() RETURNS trigger AS $$
            BEGIN
                UPDATE workspaces SET event_sequence = NEW.sequence WHERE id = NEW.workspace_id;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER events_sequence AFTER INSERT ON events
            FOR EACH ROW EXECUTE FUNCTION taskinfa_follow_event_sequence()
            """,
        ]
    )
}
