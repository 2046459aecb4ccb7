"""Schema migrations: from a blank file, re-run, additions, failures, and journals from the future."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from encounters_cli.errors import JournalError
from encounters_cli.storage import backup, migrations
from encounters_cli.storage.journal import Store
from encounters_cli.storage.migrations import MIGRATIONS, applied_names, migrate, statements, user_version
from encounters_cli.storage.records import Answer, Encounter, Filter

KNOWN = [name for name, _ in MIGRATIONS]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(str(tmp_path / "blank.sqlite3"), isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def recorded(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, applied_at FROM migrations ORDER BY rowid").fetchall()


def test_from_blank_applies_every_migration_in_order(conn: sqlite3.Connection) -> None:
    assert migrate(conn) == KNOWN
    assert applied_names(conn) == KNOWN
    assert user_version(conn) == len(KNOWN)
    assert {
        "encounters",
        "encounter_practices",
        "encounter_values",
        "ratings",
        "answers",
        "drafts",
        "meta",
        "encounter_text",
        "migrations",
    } <= tables(conn)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert not conn.in_transaction


def test_rerun_is_a_no_op(conn: sqlite3.Connection) -> None:
    migrate(conn)
    before = recorded(conn)
    schema_version = conn.execute("PRAGMA schema_version").fetchone()[0]
    changes = conn.total_changes

    assert migrate(conn) == []
    assert recorded(conn) == before  # same names, same applied_at
    assert user_version(conn) == len(KNOWN)
    assert conn.execute("PRAGMA schema_version").fetchone()[0] == schema_version
    assert conn.total_changes == changes


def test_reopening_a_journal_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Store.open(path).close()
    first = sqlite3.connect(str(path))
    before = first.execute("SELECT name, applied_at FROM migrations").fetchall()
    first.close()

    Store.open(path).close()

    again = sqlite3.connect(str(path))
    try:
        assert again.execute("SELECT name, applied_at FROM migrations").fetchall() == before
        assert [name for name, _ in before] == KNOWN
    finally:
        again.close()


def test_a_later_migration_applies_alone(conn: sqlite3.Connection) -> None:
    migrate(conn)
    before = recorded(conn)
    calls: list[str] = []

    def add_column(connection: sqlite3.Connection) -> None:
        calls.append("ran")
        connection.execute("ALTER TABLE meta ADD COLUMN note TEXT")

    extended = [
        *MIGRATIONS,
        (
            "900_extra_table",
            "CREATE TABLE extra (x INTEGER);\n-- a comment\nCREATE INDEX extra_x ON extra (x);",
        ),
        ("901_callable_step", add_column),
    ]
    assert migrate(conn, extended) == ["900_extra_table", "901_callable_step"]
    assert calls == ["ran"]
    assert recorded(conn)[: len(before)] == before
    assert applied_names(conn) == [*KNOWN, "900_extra_table", "901_callable_step"]
    assert user_version(conn) == len(KNOWN) + 2
    assert "extra" in tables(conn)
    assert migrate(conn, extended) == []
    assert calls == ["ran"]


def test_a_failing_migration_rolls_back_alone(conn: sqlite3.Connection) -> None:
    def half_done(connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("step failed midway")

    with pytest.raises(RuntimeError, match="midway"):
        migrate(conn, [*MIGRATIONS, ("900_half_done", half_done)])

    assert applied_names(conn) == KNOWN  # the earlier steps stay applied
    assert user_version(conn) == len(KNOWN)
    assert "half" not in tables(conn)  # the failed step left nothing behind
    assert not conn.in_transaction

    fixed = [*MIGRATIONS, ("900_half_done", "CREATE TABLE half (x INTEGER);")]
    assert migrate(conn, fixed) == ["900_half_done"]
    assert "half" in tables(conn)


def test_a_journal_with_a_higher_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Store.open(path).close()
    newer = sqlite3.connect(str(path), isolation_level=None)
    newer.execute("INSERT INTO migrations (name, applied_at) VALUES ('999_from_the_future', 'x')")
    newer.execute(f"PRAGMA user_version = {len(KNOWN) + 1}")
    newer.close()
    before = path.read_bytes()

    with pytest.raises(JournalError, match="newer version of encounters") as caught:
        Store.open(path)
    assert "upgrade" in str(caught.value)
    assert path.read_bytes() == before


def test_a_journal_with_an_unknown_migration_is_refused(conn: sqlite3.Connection) -> None:
    migrate(conn, [*MIGRATIONS, ("900_other_branch", "CREATE TABLE other (x);")])
    # Same count as a newer release would have, but a name this code does not know.
    with pytest.raises(JournalError, match="newer version"):
        migrate(conn, [*MIGRATIONS, ("900_this_branch", "CREATE TABLE mine (x);")])
    with pytest.raises(JournalError, match="newer version"):
        migrate(conn)  # fewer steps known than applied
    assert "mine" not in tables(conn)


def test_someone_elses_database_is_not_migrated(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(JournalError, match="not an encounters journal"):
        migrate(conn)
    assert tables(conn) == {"recipes"}


def test_migration_names_must_be_unique(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="unique"):
        migrate(conn, [("001_a", "CREATE TABLE a (x);"), ("001_a", "CREATE TABLE b (x);")])
    assert tables(conn) == set()


def test_statements_split_without_breaking_triggers() -> None:
    script = """
    CREATE TABLE a (x INTEGER); -- trailing comment
    CREATE TRIGGER a_guard BEFORE INSERT ON a BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    -- only a comment at the end
    """
    found = statements(script)
    assert len(found) == 2
    assert found[1].startswith("CREATE TRIGGER")
    assert found[1].endswith("END;")


def test_statements_reject_an_unfinished_statement() -> None:
    with pytest.raises(ValueError, match="incomplete"):
        statements("CREATE TABLE a (x INTEGER)")


# -- 002: answer roles and follow-ups ---------------------------------------------------------


def columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, int]]:
    """name -> (declared type, not null) of each column."""
    return {row[1]: (row[2], row[3]) for row in conn.execute(f"PRAGMA table_info({table})")}


def indexes(conn: sqlite3.Connection, table: str) -> dict[str, list[str]]:
    return {
        row[1]: [column[2] for column in conn.execute(f"PRAGMA index_info({row[1]})")]
        for row in conn.execute(f"PRAGMA index_list({table})")
    }


def test_from_blank_answers_have_roles_and_follow_ups_exist(conn: sqlite3.Connection) -> None:
    migrate(conn)
    assert columns(conn, "answers")["role"] == ("TEXT", 0)
    assert indexes(conn, "answers")["answers_role"] == ["role", "encounter_seq"]
    assert columns(conn, "follow_ups") == {
        "step_seq": ("INTEGER", 0),
        "followed_by_seq": ("INTEGER", 0),
        "at": ("TEXT", 1),
    }
    keys = {(row[3], row[2], row[6]) for row in conn.execute("PRAGMA foreign_key_list(follow_ups)")}
    assert keys == {("step_seq", "encounters", "CASCADE"), ("followed_by_seq", "encounters", "SET NULL")}
    assert indexes(conn, "follow_ups")["follow_ups_followed_by"] == ["followed_by_seq"]


SHIPPED_ANSWERS = [
    # (question_id, question_type, role expected after the backfill)
    ("label", "text", "label"),
    ("intention", "long_text", "intention"),
    ("assumptions", "long_text", None),
    ("lifeline", "choice", None),
    ("what", "long_text", None),
    ("values", "multi_choice", "values"),
    ("rating-participation", "scale", "rating"),
    ("rating-trust", "scale", "rating"),
    ("next-step", "text", "next_step"),
    ("note", "long_text", None),
    # a trainer's questions that only look like ours: the type a role needs is missing
    ("rating-notes", "long_text", None),
    ("values", "text", None),
    ("Rating-trust", "scale", None),
    ("ratings", "scale", None),
]


def journal_at_001(path: Path) -> sqlite3.Connection:
    """A journal as encounters wrote it before roles existed, with answers to every shipped question."""
    connection = sqlite3.connect(str(path), isolation_level=None)
    assert migrate(connection, MIGRATIONS[:1]) == ["001_initial_schema"]
    connection.execute("PRAGMA foreign_keys = ON")
    when = "2024-01-01T00:00:00.000000Z"
    connection.execute(
        "INSERT INTO encounters (seq, id, status, created_at, updated_at, lang)"
        " VALUES (1, 'aaaa0000', 'reflected', ?, ?, 'en')",
        (when, when),
    )
    connection.executemany(
        "INSERT INTO answers (encounter_seq, position, phase, question_id, question, question_type, answer,"
        " catalogue_version, answered_at) VALUES (1, ?, 'after', ?, '?', ?, '\"x\"', '1', '2024-01-01')",
        [(position, qid, qtype) for position, (qid, qtype, _) in enumerate(SHIPPED_ANSWERS)],
    )
    return connection


def test_002_backfills_roles_of_a_journal_written_before_them(tmp_path: Path) -> None:
    old = journal_at_001(tmp_path / "old.sqlite3")
    try:
        assert "role" not in columns(old, "answers")
        assert migrate(old) == KNOWN[1:]  # 002 and every later step
        roles = old.execute(
            "SELECT question_id, question_type, role FROM answers ORDER BY position"
        ).fetchall()
        assert roles == SHIPPED_ANSWERS
        assert old.execute("SELECT count(*) FROM follow_ups").fetchone()[0] == 0
        assert user_version(old) == len(KNOWN)
        assert migrate(old) == []  # re-run: nothing more to do, the roles stay
        assert old.execute("SELECT role FROM answers ORDER BY position").fetchall() == [
            (role,) for _, _, role in SHIPPED_ANSWERS
        ]
    finally:
        old.close()


def test_store_opens_an_old_journal_and_finds_its_next_steps(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    journal_at_001(path).close()
    with Store.open(path) as store:
        loaded = store.get("aaaa0000")
        assert {answer.question_id: answer.role for answer in loaded.answers}["next-step"] == "next_step"
        (step,) = store.next_steps(Filter())
        assert (step.encounter_id, step.text, step.followed_up) == ("aaaa0000", "x", False)
        store.mark_followed_up("aaaa0000", None)
        assert store.next_steps(Filter(), pending_only=True) == []


# -- a copy before upgrading a journal, put back when a step fails --------------------------------


@pytest.fixture
def release(tmp_path: Path) -> Iterator[list[tuple[str, migrations.Step]]]:
    """The shipped steps, to append to as a newer release would (Store.open uses this very list)."""
    try:
        yield MIGRATIONS
    finally:
        del MIGRATIONS[len(KNOWN) :]


def journal_with_entries(path: Path) -> None:
    with Store.open(path) as store:
        for n in range(3):
            store.add(
                Encounter(
                    id=Store.new_id(),
                    status="logged",
                    lang="en",
                    label=f"synthetic {n}",
                    answers=[Answer("what", "quick", "What happened?", "text", f"note {n}", "1")],
                )
            )


def snapshot(path: Path) -> tuple[object, ...]:
    """What a user would miss if it changed: entries, answers, schema, version and recorded steps."""
    connection = sqlite3.connect(str(path))
    try:
        return (
            connection.execute("SELECT * FROM encounters ORDER BY seq").fetchall(),
            connection.execute("SELECT * FROM answers ORDER BY encounter_seq, position").fetchall(),
            connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
            user_version(connection),
            applied_names(connection),
            connection.execute("PRAGMA integrity_check").fetchall(),
        )
    finally:
        connection.close()


def safety_copy_of(path: Path, step: str) -> Path:
    return path.with_name(f"{path.name}.before-{step}.bak")


def test_a_failing_upgrade_puts_the_journal_back_and_names_the_copy(
    tmp_path: Path, release: list[tuple[str, migrations.Step]]
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)

    def breaks(connection: sqlite3.Connection) -> None:
        connection.execute("UPDATE encounters SET label = 'changed by a broken step'")
        raise RuntimeError("synthetic failure in a step")

    release.append(("900_relabel", "CREATE TABLE extra (x INTEGER);\nUPDATE encounters SET lang = 'xx';"))
    release.append(("901_breaks", breaks))
    with pytest.raises(JournalError) as caught:
        Store.open(path)

    copy = safety_copy_of(path, "900_relabel")
    message = str(caught.value)
    assert "\n" not in message
    assert "901_breaks" in message
    assert "synthetic failure in a step" in message
    assert str(copy) in message
    assert snapshot(path) == before  # 900 had committed; the copy undid it
    assert snapshot(copy) == before
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

    del release[len(KNOWN) :]  # the fixed release: the journal opens as it was
    with Store.open(path) as store:
        assert sorted(encounter.label or "" for encounter in store.list(Filter())) == [
            "synthetic 0",
            "synthetic 1",
            "synthetic 2",
        ]


def test_a_successful_upgrade_had_a_copy_while_it_ran_and_leaves_none(
    tmp_path: Path, release: list[tuple[str, migrations.Step]]
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)
    copy = safety_copy_of(path, "900_look")
    seen: list[object] = []

    def look(connection: sqlite3.Connection) -> None:
        seen.append(snapshot(copy) if copy.exists() else None)
        connection.execute("CREATE TABLE extra (x INTEGER)")

    release.append(("900_look", look))
    Store.open(path).close()

    assert seen == [before]  # the copy existed, complete, before the step changed anything
    assert not copy.exists()
    assert applied_names(sqlite3.connect(str(path))) == [*KNOWN, "900_look"]


def test_a_new_journal_is_created_without_a_copy(tmp_path: Path) -> None:
    Store.open(tmp_path / "new" / "journal.sqlite3").close()
    assert [p.name for p in (tmp_path / "new").iterdir() if ".bak" in p.name or ".tmp" in p.name] == []


def test_an_interrupted_upgrade_is_put_back_too(
    tmp_path: Path, release: list[tuple[str, migrations.Step]]
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)

    def stop(connection: sqlite3.Connection) -> None:
        raise KeyboardInterrupt

    release.extend([("900_extra", "CREATE TABLE extra (x INTEGER);"), ("901_stop", stop)])
    with pytest.raises(KeyboardInterrupt):
        Store.open(path)
    assert snapshot(path) == before


def test_a_step_that_fails_first_needs_no_putting_back(
    tmp_path: Path, release: list[tuple[str, migrations.Step]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)
    put_back: list[object] = []
    monkeypatch.setattr(backup, "put_back", lambda *args: put_back.append(args))

    release.append(("900_fails", "CREATE TABLE extra (x INTEGER);\nSELECT no_such_function();"))
    with pytest.raises(JournalError, match="900_fails"):
        Store.open(path)
    assert put_back == []  # its own transaction rolled back: nothing to undo, no rewrite of the file
    assert snapshot(path) == before


def test_no_room_for_the_copy_means_no_upgrade(
    tmp_path: Path, release: list[tuple[str, migrations.Step]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)
    ran: list[str] = []
    release.append(("900_extra", lambda connection: ran.append("ran")))

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(JournalError, match=r"disk .* is full") as caught:
        Store.open(path)
    assert "\n" not in str(caught.value)
    assert ran == []
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name or ".tmp" in p.name) == []


def test_when_putting_back_fails_too_the_message_says_where_the_copy_is(
    tmp_path: Path, release: list[tuple[str, migrations.Step]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal_with_entries(path)
    before = snapshot(path)

    def no_room(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def breaks(connection: sqlite3.Connection) -> None:
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(backup, "put_back", no_room)
    release.extend([("900_extra", "CREATE TABLE extra (x INTEGER);"), ("901_breaks", breaks)])
    with pytest.raises(JournalError, match="putting it back failed too") as caught:
        Store.open(path)
    copy = safety_copy_of(path, "900_extra")
    assert f"encounters restore {copy}" in str(caught.value)
    assert snapshot(copy) == before  # the copy the message sends the user to is the journal as it was
