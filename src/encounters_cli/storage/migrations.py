"""Named, ordered schema migrations for the journal, recorded inside the journal itself.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with the row that records
it, so a crash or a failing step leaves the journal at the previous, consistent version. Several
processes may open a fresh journal at once: whoever gets the write lock first applies a step, the
others see it recorded and skip it. ``PRAGMA user_version`` mirrors the number of applied steps so
an older ``encounters`` can tell, with one cheap read, that a journal is newer than it understands.

Before the first pending step changes a journal that already holds data, the journal is copied to
``<journal>.before-<step>.bak`` (``storage/backup.py``). If a step fails, the journal is put back from
that copy, undoing the steps of this run that had committed, and the error names the copy.

Append new migrations at the end; never edit, reorder or rename a shipped one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from encounters_cli.errors import JournalError
from encounters_cli.storage.records import to_iso, utcnow

Step = str | Callable[[sqlite3.Connection], None]
"""SQL text (one or more statements) or a function that receives the connection inside the transaction."""

APPLICATION_ID = 0x456E6331  # "Enc1": lets file(1) and we ourselves recognise a journal
NEWER_JOURNAL = (
    "this journal was written by a newer version of encounters; upgrade encounters to open it "
    "(your entries are untouched)"
)
FOREIGN_DATABASE = (
    "{path} is an SQLite database but not an encounters journal; move it aside or use another journal path"
)

_INITIAL_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};

CREATE TABLE encounters (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('prepared', 'reflected', 'logged')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    domain TEXT,
    lang TEXT NOT NULL,
    label TEXT,  -- sealed free text
    private INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX encounters_created ON encounters (created_at);
CREATE INDEX encounters_status_created ON encounters (status, created_at);
CREATE INDEX encounters_domain_created ON encounters (domain, created_at);

CREATE TABLE encounter_practices (
    encounter_seq INTEGER NOT NULL REFERENCES encounters (seq) ON DELETE CASCADE,
    practice_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (encounter_seq, position)
) WITHOUT ROWID;
CREATE INDEX encounter_practices_practice ON encounter_practices (practice_id, encounter_seq);

CREATE TABLE encounter_values (
    encounter_seq INTEGER NOT NULL REFERENCES encounters (seq) ON DELETE CASCADE,
    value_id TEXT NOT NULL,
    position INTEGER NOT NULL,  -- keeps the order the user tagged them in
    PRIMARY KEY (encounter_seq, value_id)
) WITHOUT ROWID;
CREATE INDEX encounter_values_value ON encounter_values (value_id, encounter_seq);

CREATE TABLE ratings (
    encounter_seq INTEGER NOT NULL REFERENCES encounters (seq) ON DELETE CASCADE,
    value_id TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (encounter_seq, value_id)
) WITHOUT ROWID;

CREATE TABLE answers (
    encounter_seq INTEGER NOT NULL REFERENCES encounters (seq) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    phase TEXT NOT NULL,
    question_id TEXT NOT NULL,
    question TEXT NOT NULL,
    question_type TEXT NOT NULL,
    answer TEXT NOT NULL,  -- sealed JSON
    catalogue_version TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (encounter_seq, position)
);

CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT NOT NULL  -- sealed JSON
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- rowid = encounters.seq; filled by the Store (not triggers) because it indexes unsealed text.
CREATE VIRTUAL TABLE encounter_text USING fts5 (
    label,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

# Answers learn the role their question had (so queries need not know question ids), and a next
# step can be marked as followed up. Rows written before roles existed get theirs from the question
# ids the shipped prompts have always used; a 'rating-*' or 'values' answer only when its type is the
# one the catalogue demands of that role, so a trainer's same-named question of another type is not
# mistaken for one.
_ANSWER_ROLES_AND_FOLLOW_UPS = """
ALTER TABLE answers ADD COLUMN role TEXT;

UPDATE answers SET role = CASE
    WHEN question_id = 'next-step' THEN 'next_step'
    WHEN question_id IN ('intention', 'label') THEN question_id
    WHEN question_id = 'values' AND question_type = 'multi_choice' THEN 'values'
    WHEN question_id GLOB 'rating-*' AND question_type = 'scale' THEN 'rating'
END;

-- Finds an encounter's answers of one role (its next step) with one seek, without reading the others.
CREATE INDEX answers_role ON answers (role, encounter_seq);

-- At most one row per next step. The step's encounter going takes the row with it; the follower
-- going leaves the step followed up (it was), just no longer saying by which entry.
CREATE TABLE follow_ups (
    step_seq INTEGER PRIMARY KEY REFERENCES encounters (seq) ON DELETE CASCADE,
    followed_by_seq INTEGER REFERENCES encounters (seq) ON DELETE SET NULL,
    at TEXT NOT NULL
);
-- Deleting an encounter must find the follow-ups it is the follower of without scanning them all.
CREATE INDEX follow_ups_followed_by ON follow_ups (followed_by_seq);
"""

# Workshop runs: an entry written during a workshop says which workshop and step it came from, and a
# run records who took part (a sealed label), when, and which steps were completed. Also the list
# of names to always scrub.
_WORKSHOPS = """
ALTER TABLE encounters ADD COLUMN workshop TEXT;
ALTER TABLE encounters ADD COLUMN workshop_step TEXT;
CREATE INDEX encounters_workshop_created ON encounters (workshop, created_at);

CREATE TABLE workshop_runs (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL,
    title TEXT NOT NULL,
    participant TEXT,  -- sealed free text
    lang TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,  -- NULL while running or when interrupted
    steps TEXT NOT NULL  -- JSON list of the step ids completed, in order
);
CREATE INDEX workshop_runs_workshop ON workshop_runs (workshop_id, started_at);

-- Names the person always wants scrubbed from exports and nudges (sealed: they name citizens).
CREATE TABLE scrub_names (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
"""

MIGRATIONS: list[tuple[str, Step]] = [
    ("001_initial_schema", _INITIAL_SCHEMA),
    ("002_answer_roles_and_follow_ups", _ANSWER_ROLES_AND_FOLLOW_UPS),
    ("003_workshops", _WORKSHOPS),
]


def statements(script: str) -> list[str]:
    """Split SQL text into complete statements (``executescript`` would commit our transaction)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]!r}")
    return found


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names recorded in the journal, in the order they were applied (empty for a blank file)."""
    if not _has_table(conn, "migrations"):
        return []
    rows = conn.execute("SELECT name FROM migrations ORDER BY applied_at, rowid").fetchall()
    return [row[0] for row in rows]


def check(
    conn: sqlite3.Connection,
    migrations: Sequence[tuple[str, Step]] = MIGRATIONS,
    *,
    path: str = "the journal",
) -> None:
    """Refuse, by reading only, a journal this code must not write to: a newer one, or someone else's.

    Call it before anything that writes (even ``PRAGMA journal_mode``), so a refused file stays
    byte-for-byte as it was. ``migrate`` repeats these checks under the write lock.
    """
    known = [name for name, _ in migrations]
    if user_version(conn) > len(known):
        raise JournalError(NEWER_JOURNAL)
    if _has_table(conn, "migrations"):
        _refuse_unknown(applied_names(conn), known)
    elif _has_any_object(conn):
        raise JournalError(FOREIGN_DATABASE.format(path=path))


def migrate(
    conn: sqlite3.Connection,
    migrations: Sequence[tuple[str, Step]] = MIGRATIONS,
    *,
    path: str = "the journal",
) -> list[str]:
    """Bring the journal up to date; return the names applied now ([] when it already was).

    ``conn`` must be in autocommit mode (``isolation_level=None``): we issue BEGIN/COMMIT ourselves.
    Refuses (JournalError) a journal with steps this code does not know, and an SQLite file that
    holds someone else's tables, rather than writing into either.
    """
    known = [name for name, _ in migrations]
    if len(set(known)) != len(known):
        raise ValueError("migration names must be unique")
    version = user_version(conn)
    if version > len(known):
        raise JournalError(NEWER_JOURNAL)
    if version == len(known):
        _refuse_unknown(applied_names(conn), known)
        return []  # the common case: one read, no write lock

    safety = _safety_copy(conn, known)
    done: list[str] = []
    failing: str | None = None  # the step being applied, while it is
    try:
        for name, step in migrations:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not _has_table(conn, "migrations"):
                    if _has_any_object(conn):
                        raise JournalError(FOREIGN_DATABASE.format(path=path))
                    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                applied = applied_names(conn)  # re-read under the lock: another process may have been first
                _refuse_unknown(applied, known)
                if name not in applied:
                    failing = name
                    if callable(step):
                        step(conn)
                    else:
                        for statement in statements(step):
                            conn.execute(statement)
                    conn.execute(
                        "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, to_iso(utcnow()))
                    )
                    conn.execute(f"PRAGMA user_version = {len(applied) + 1}")
                    done.append(name)
                conn.execute("COMMIT")
                failing = None
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    except BaseException as exc:
        if safety is None:
            raise
        if failing is None:  # refused before any step ran: the journal is as it was
            safety.unlink(missing_ok=True)
            raise
        _put_back(conn, safety, done, failing, exc, path)
        raise
    if safety is not None:
        # Not kept after a successful upgrade: it would be a second, forgotten copy of every note,
        # still unencrypted after 'encounters encrypt', and one more per upgrade. Deliberate copies
        # are what 'encounters backup' is for.
        safety.unlink(missing_ok=True)
    return done


def _safety_copy(conn: sqlite3.Connection, known: list[str]) -> Path | None:
    """Copy a journal that already holds data beside itself before any step changes it; its path.

    None for a new (empty) journal, which has nothing to lose, and for a database with no file. The
    copy is taken under the write lock, so it is the journal exactly as the first step will find it.
    """
    file = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not file:
        return None
    conn.execute("BEGIN IMMEDIATE")
    try:
        pending = [name for name in known if name not in applied_names(conn)]
        if not _has_table(conn, "migrations") or not pending:
            return None
        from encounters_cli.storage import backup  # here: backup itself builds on this module

        return backup.safety_copy(Path(file), pending[0])
    finally:
        conn.execute("COMMIT")  # nothing was written; this only lets go of the lock


def _put_back(
    conn: sqlite3.Connection, safety: Path, done: list[str], failing: str, exc: BaseException, path: str
) -> None:
    """After a failed step: return the journal to the safety copy; raise a JournalError naming it.

    The failed step's own transaction is already rolled back; the copy undoes the steps before it
    that did commit. KeyboardInterrupt and the like go on as they are, once the journal is back.
    """
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if done:
        from encounters_cli.storage import backup

        try:
            backup.put_back(conn, safety)
        except (sqlite3.Error, OSError, JournalError) as again:
            raise JournalError(
                f"upgrading the journal {path} failed at {failing} ({reason}), and putting it back failed"
                f" too ({again}); the journal as it was before is in {safety}: use"
                f" 'encounters restore {safety}' once there is room, and report the problem"
            ) from exc
    if isinstance(exc, Exception):
        raise JournalError(
            f"upgrading the journal {path} failed at {failing} ({reason}); it is as it was before, and a"
            f" copy from before the upgrade is kept at {safety}: please report the problem"
        ) from exc


def _refuse_unknown(applied: list[str], known: list[str]) -> None:
    if set(applied) - set(known):
        raise JournalError(NEWER_JOURNAL)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _has_any_object(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
