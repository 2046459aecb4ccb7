"""A full disk, and a journal that is damaged or not a journal: a clear one-line error, and the files
exactly as they were.

A full disk is simulated where it happens: ``PRAGMA max_page_count`` makes SQLite itself run out of
room on the journal's connection, and an injected ENOSPC stands for the disk filling while a backup
file is flushed (where SQLite is not involved). All data is synthetic.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.errors import JournalError
from encounters_cli.storage import backup as backups
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Draft, Encounter, Filter

BIG = "a long synthetic reflection " * 2000  # ~56 kB: needs pages the file does not have yet


def entry(text: str) -> Encounter:
    return Encounter(
        id=Store.new_id(),
        status="logged",
        lang="en",
        label="a synthetic encounter",
        answers=[Answer("what", "quick", "What happened?", "text", text, "1")],
    )


def state_of(journal: Path) -> tuple[object, ...]:
    """Entries with their answers, drafts, and the integrity check, read with a fresh connection."""
    conn = sqlite3.connect(str(journal))
    try:
        return (
            conn.execute("SELECT id, label FROM encounters ORDER BY seq").fetchall(),
            conn.execute("SELECT encounter_seq, position, answer FROM answers ORDER BY 1, 2").fetchall(),
            conn.execute("SELECT id, data FROM drafts ORDER BY id").fetchall(),
            conn.execute("SELECT count(*) FROM encounter_text").fetchone(),
            conn.execute("PRAGMA integrity_check").fetchall(),
        )
    finally:
        conn.close()


def fill_the_disk(store: Store) -> None:
    """No page beyond those the file has now: the next write that needs one fails with SQLITE_FULL."""
    conn = store._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def journal() -> Path:
    path = paths.journal_path()
    with Store.open(path) as store:
        store.add(entry("written while there was room"))
        store.save_draft(Draft(id=Store.new_id(), flow="reflect", data={"answers": {"what": "a draft"}}))
    return path


# -- the Store --------------------------------------------------------------------------------------


def bigger(store: Store) -> Encounter:
    (existing,) = store.list(Filter())
    existing.answers[0].answer = BIG
    return existing


WRITES = {
    "add": lambda store: store.add(entry(BIG)),
    "draft": lambda store: store.save_draft(
        Draft(id=Store.new_id(), flow="prepare", data={"answers": {"what": BIG}})
    ),
    "update": lambda store: store.update(bigger(store)),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_full_disk_is_one_clear_line_and_the_journal_stays_as_it_was(journal: Path, write: str) -> None:
    before = state_of(journal)
    with Store.open(journal) as store:
        fill_the_disk(store)
        with pytest.raises(JournalError) as caught:
            WRITES[write](store)
        message = str(caught.value)
        assert "\n" not in message
        assert "disk" in message
        assert "full" in message
        assert "free some space" in message
        assert store.count(Filter()) == 1  # the same connection carries on after the failure
    assert state_of(journal) == before


def test_after_space_is_freed_the_same_write_succeeds(journal: Path) -> None:
    with Store.open(journal) as store:
        fill_the_disk(store)
        with pytest.raises(JournalError, match="full"):
            store.add(entry(BIG))
        store._conn.execute("PRAGMA max_page_count = 1073741823")  # room again
        store.add(entry(BIG))
        assert store.count(Filter()) == 2


# -- backups ----------------------------------------------------------------------------------------


def no_room_to_flush(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def small_disk_copy(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA max_page_count = 2")
    return conn


@pytest.mark.parametrize("where", ["flushing the file (OSError)", "writing pages (SQLITE_FULL)"])
def test_a_backup_onto_a_full_disk_leaves_no_half_file(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    before = state_of(journal)
    out = tmp_path / "out"
    out.mkdir()
    if where.startswith("flushing"):
        monkeypatch.setattr(os, "fsync", no_room_to_flush)
    else:
        monkeypatch.setattr(backups, "_open_copy", small_disk_copy)

    with pytest.raises(JournalError) as caught:
        backups.backup(journal, out / "copy.sqlite3")
    message = str(caught.value)
    assert "\n" not in message
    assert f"the disk holding {out} is full" in message
    assert "journal is unchanged" in message
    assert list(out.iterdir()) == []  # neither the copy nor its temporary file
    assert state_of(journal) == before


def test_a_restore_without_room_for_the_copy_changes_nothing(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "elsewhere.sqlite3"
    with Store.open(source) as store:
        store.add(entry("from the backup"))
    folder_before = sorted(p.name for p in journal.parent.iterdir())
    before = state_of(journal)
    monkeypatch.setattr(backups, "_open_copy", small_disk_copy)

    with pytest.raises(JournalError, match="is full"):
        backups.restore(source, journal)
    assert sorted(p.name for p in journal.parent.iterdir()) == folder_before
    assert state_of(journal) == before


# -- through the command line -----------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("encounters: error: ")
    return line


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Store the commands open finds the disk full."""
    original = Store.open.__func__  # type: ignore[attr-defined]

    def open_on_a_full_disk(cls: type[Store], path: Path, **kwargs: Any) -> Store:
        store = original(cls, path, **kwargs)
        fill_the_disk(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_on_a_full_disk))


def test_log_on_a_full_disk(journal: Path, full_disk: None) -> None:
    before = state_of(journal)
    line = one_error_line(run("log", BIG))
    assert f"the disk holding the journal {journal} is full; free some space and try again" in line
    assert state_of(journal) == before


@pytest.fixture
def not_sqlite() -> Path:
    path = paths.journal_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"my notes, in a file that happens to have the journal's name\n" * 20)
    return path


@pytest.fixture
def damaged(journal: Path) -> Path:
    with Store.open(journal) as store:
        for n in range(20):
            store.add(entry(f"note {n} " * 300))
    data = bytearray(journal.read_bytes())
    data[100:4096] = b"\x5a" * (4096 - 100)  # scribble over the schema page, keep the header
    journal.write_bytes(bytes(data))
    return journal


@pytest.mark.parametrize("command", [["list"], ["log", "a synthetic note"], ["backup"], ["insights"]])
def test_a_file_that_is_not_a_journal_is_refused_untouched(not_sqlite: Path, command: list[str]) -> None:
    before = not_sqlite.read_bytes()
    line = one_error_line(run(*command))
    assert f"{not_sqlite} is not an encounters journal" in line
    assert "move it aside or use another journal path" in line or "nothing was" in line
    assert not_sqlite.read_bytes() == before
    # no -wal, no copy (the catalogue cache beside it is the command's, not the journal's)
    assert sorted(p.name for p in not_sqlite.parent.iterdir() if p.name != "cache") == [not_sqlite.name]


@pytest.mark.parametrize("command", [["list"], ["log", "a synthetic note"], ["backup"]])
def test_a_damaged_journal_is_refused_untouched_with_what_to_do(damaged: Path, command: list[str]) -> None:
    before = damaged.read_bytes()
    line = one_error_line(run(*command))
    assert "damaged" in line
    assert "restore it from" in line  # and 'encounters restore' is the way to
    assert damaged.read_bytes() == before
    assert not (paths.data_dir() / "backups").exists() or list((paths.data_dir() / "backups").iterdir()) == []
