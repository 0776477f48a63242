// `Rank.between(last, nil)` — the position after a column's bottom — as PostgreSQL functions, so
// that the creates arriving together take their project's numbers, find their column's bottom,
// insert their tasks with their labels and append their events in one statement (`NewTaskRows`):
// one round trip while the writer holds its workspace's lock, where each create took two. SQLite
// runs a create's statements in-process, where a round trip costs nothing, and needs none of it.
//
// It must answer exactly what `Rank` answers (PostgresPositionTests hold the two side by side):
// the integer part of the key moves on by one, its length growing past the last key of a length;
// only the largest integer there is (62^26 appends away) keeps its integer and lengthens its
// fraction. Positions are written by the store alone, so the key is well formed.
//
// Such a statement appends several events, each with the workspace's counter plus its place; the
// trigger that moves the counter on (migration 3) keeps the largest, whatever order its rows fire in.
extension Migration {
    static let m015PositionsAfter = Migration(
        version: 15,
        name: "positions after a column's bottom, in SQL",
        sqlite: [],
        postgres: [
            #"""
            CREATE FUNCTION taskinfa_position_after(bottom text) RETURNS text
            LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE
                digits CONSTANT text COLLATE "C" := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
                head integer;
                size integer;
                body text;
                fraction text;
                place integer;
                digit integer;
                extension text := '';
            BEGIN
                IF bottom IS NULL THEN
                    RETURN 'a0';
                END IF;
                -- The head gives the integer's length: a-z for 1-26 digits, Z-A below zero.
                head := ascii(bottom);
                IF head BETWEEN ascii('a') AND ascii('z') THEN
                    size := head - ascii('a') + 2;
                ELSIF head BETWEEN ascii('A') AND ascii('Z') THEN
                    size := ascii('Z') - head + 2;
                ELSE
                    RAISE EXCEPTION 'not a position: %', bottom;
                END IF;
                body := substr(bottom, 2, size - 1);
                fraction := substr(bottom, size + 1);
                -- Add one to the integer, from its last digit, carrying.
                place := size - 1;
                WHILE place >= 1 LOOP
                    digit := strpos(digits, substr(body, place, 1)) - 1;
                    IF digit < 61 THEN
                        RETURN chr(head) || overlay(body PLACING substr(digits, digit + 2, 1) FROM place FOR 1);
                    END IF;
                    body := overlay(body PLACING '0' FROM place FOR 1);
                    place := place - 1;
                END LOOP;
                -- Every digit carried: one digit more (one fewer below zero), or from -1 to 0.
                IF head = ascii('Z') THEN
                    RETURN 'a0';
                END IF;
                IF head < ascii('z') THEN
                    IF head >= ascii('a') THEN
                        RETURN chr(head + 1) || body || '0';
                    END IF;
                    RETURN chr(head + 1) || left(body, -1);
                END IF;
                -- The largest integer: a fraction past the old one, halfway to the next integer.
                LOOP
                    digit := CASE WHEN fraction = '' THEN 0 ELSE strpos(digits, left(fraction, 1)) - 1 END;
                    IF digit < 61 THEN
                        RETURN left(bottom, size) || extension || substr(digits, (digit + 63) / 2 + 1, 1);
                    END IF;
                    extension := extension || 'z';
                    fraction := substr(fraction, 2);
                END LOOP;
            END
            $$
            """#,
            """
            CREATE FUNCTION taskinfa_positions_after(bottom text, count bigint) RETURNS SETOF text
            LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE
                next_position text := bottom;
            BEGIN
                FOR place IN 1..count LOOP
                    next_position := taskinfa_position_after(next_position);
                    RETURN NEXT next_position;
                END LOOP;
            END
            $$
            """,
            """
            CREATE OR REPLACE FUNCTION taskinfa_follow_event_sequence() RETURNS trigger AS $$
            BEGIN
                UPDATE workspaces SET event_sequence = GREATEST(event_sequence, NEW.sequence) WHERE id = NEW.workspace_id;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """,
        ]
    )
}
