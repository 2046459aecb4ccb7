"""Schema migrations: from a blank file, re-run, additions, failures, and journals from the future."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from encounters_cli.errors import JournalError
from encounters_cli.storage import migrations
from encounters_cli.storage.journal import Store
from encounters_cli.storage.migrations import MIGRATIONS, applied_names, migrate, statements, user_version

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
