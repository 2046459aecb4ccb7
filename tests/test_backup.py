"""backup and restore: copies taken while a writer writes, and restores that check before they replace.

All data is synthetic. The journal lives in the isolated data folder, so the CLI tests use it too.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner, Result

import writers
from encounters_cli.cli.app import app
from encounters_cli.errors import JournalError
from encounters_cli.storage import backup as backups
from encounters_cli.storage import migrations, paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

NAME = re.compile(r"journal-\d{8}-\d{6}(-\d+)?\.sqlite3")


def entry(text: str) -> Encounter:
    return Encounter(
        id=Store.new_id(),
        status="logged",
        lang="en",
        label="a synthetic encounter",
        values=["trust"],
        answers=[Answer("what", "quick", "What happened?", "text", text, "1")],
    )


def fill(journal: Path, *texts: str) -> None:
    with Store.open(journal) as store:
        for text in texts:
            store.add(entry(text))


def contents(journal: Path) -> dict[str, list[object]]:
    """id -> answers of every encounter, read through a Store."""
    with Store.open(journal) as store:
        return {e.id: [a.answer for a in e.answers] for e in store.iter_encounters(Filter())}


def texts(journal: Path) -> set[object]:
    return {answer for answers in contents(journal).values() for answer in answers}


def files(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` with its bytes: to show that nothing beside the journal changed."""
    return {item.name: item.read_bytes() for item in sorted(folder.iterdir()) if item.is_file()}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


@pytest.fixture
def journal() -> Path:
    return paths.journal_path()


# -- backup -----------------------------------------------------------------------------------------


def test_backup_goes_to_a_private_dated_file_in_the_backups_folder(journal: Path) -> None:
    fill(journal, "first note", "second note")
    with Store.open(journal) as store:
        written = backups.backup(store)

    assert written.parent == paths.data_dir() / "backups"
    assert NAME.fullmatch(written.name)
    assert mode(written) == 0o600
    assert mode(written.parent) == 0o700
    assert integrity(written) == ["ok"]
    assert written.read_bytes()[18:20] == b"\x01\x01"  # rollback-journal mode: one self-contained file
    assert contents(written) == contents(journal)
    assert [item.name for item in written.parent.iterdir()] == [written.name]  # no temporary left


def test_backup_into_a_folder_never_overwrites(journal: Path, tmp_path: Path) -> None:
    fill(journal, "a note")
    first = backups.backup(journal, tmp_path)
    second = backups.backup(journal, tmp_path)  # the same second, most likely: a new name all the same
    assert first != second
    assert first.parent == second.parent == tmp_path
    assert NAME.fullmatch(first.name)
    assert NAME.fullmatch(second.name)
    assert contents(first) == contents(second) == contents(journal)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("existing.sqlite3", "already exists"),
        ("missing-folder/new.sqlite3", "does not exist"),
        ("JOURNAL", "journal itself"),
    ],
)
def test_backup_refuses_a_place_it_would_overwrite_or_guess(
    journal: Path, tmp_path: Path, where: str, says: str
) -> None:
    fill(journal, "a note")
    (tmp_path / "existing.sqlite3").write_bytes(b"someone's file")
    target = journal if where == "JOURNAL" else tmp_path / where
    before = files(tmp_path)
    journal_before = contents(journal)
    with pytest.raises(JournalError, match=says):
        backups.backup(journal, target)
    assert files(tmp_path) == before
    assert contents(journal) == journal_before


def test_backup_of_a_missing_or_foreign_journal_says_so(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no journal at"):
        backups.backup(tmp_path / "none.sqlite3", tmp_path / "out.sqlite3")
    recipes = tmp_path / "recipes.sqlite3"
    conn = sqlite3.connect(str(recipes))
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(JournalError, match="not an encounters journal"):
        backups.backup(recipes, tmp_path / "out.sqlite3")
    assert not (tmp_path / "out.sqlite3").exists()


def test_backups_taken_while_a_writer_writes_are_whole(journal: Path, tmp_path: Path) -> None:
    """The online backup API copies one consistent moment while another process keeps adding entries."""
    writer = subprocess.Popen(
        [sys.executable, str(writers.WRITER), str(journal), "11"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    try:
        reported: set[str] = set()
        taken: list[tuple[Path, set[str]]] = []
        for round_ in range(6):
            for _ in range(12):  # four entries' worth of lines between two backups
                line = writer.stdout.readline()
                assert line, "the writer stopped"
                if line.startswith("saved "):
                    reported.add(line.split()[1])
            assert writer.poll() is None  # still writing while we copy
            taken.append((backups.backup(journal, tmp_path / f"during-{round_}.sqlite3"), set(reported)))
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()

    sizes = []
    for copy, saved_before in taken:
        assert integrity(copy) == ["ok"]
        stored = contents(copy)
        assert saved_before <= set(stored)  # everything saved before the copy started is in it
        for encounter_id, answers in stored.items():  # and nothing in it is half an entry
            assert all(str(text).startswith(f"{encounter_id}:{n}:") for n, text in enumerate(answers))
            assert answers
        sizes.append(len(stored))
    assert sizes == sorted(sizes)
    assert sizes[-1] > sizes[0]  # the writer really wrote between the copies


# -- restore ----------------------------------------------------------------------------------------


def test_restore_replaces_the_journal_and_keeps_the_old_one_aside(journal: Path, tmp_path: Path) -> None:
    fill(journal, "kept in the backup")
    copy = backups.backup(journal, tmp_path / "copy.sqlite3")
    fill(journal, "written after the backup")
    before = contents(journal)

    aside = backups.restore(copy, journal)

    assert aside is not None
    assert aside.parent == journal.parent
    assert re.fullmatch(re.escape(journal.name) + r"\.before-restore-\d{8}-\d{6}", aside.name)
    assert mode(aside) == 0o600
    assert mode(journal) == 0o600
    assert texts(journal) == {"kept in the backup"}
    assert contents(aside) == before
    assert integrity(journal) == ["ok"]
    fill(journal, "after the restore")  # the restored journal is an ordinary journal again
    assert texts(journal) == {"kept in the backup", "after the restore"}
    assert sorted(p.name for p in journal.parent.iterdir() if ".tmp" in p.name) == []


def test_restore_without_a_journal_puts_the_backup_in_place(journal: Path, tmp_path: Path) -> None:
    source = tmp_path / "elsewhere.sqlite3"
    fill(source, "from another machine")
    assert not journal.exists()
    assert backups.restore(source, journal) is None
    assert texts(journal) == {"from another machine"}
    assert mode(journal) == 0o600


def bad_backups(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files restore must refuse, with a word its message must contain."""
    made: dict[str, tuple[Path, str]] = {}

    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n" * 100)
    made["not sqlite"] = (text, "not an SQLite database")

    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")  # SQLite would take it for an empty database; it holds no journal
    made["empty file"] = (empty, "not an SQLite database")

    blank = tmp_path / "blank.sqlite3"
    conn = sqlite3.connect(str(blank))
    conn.execute("PRAGMA user_version = 1")  # writes the header page, and no table
    conn.close()
    made["database without tables"] = (blank, "not an encounters journal")

    foreign = tmp_path / "recipes.sqlite3"
    conn = sqlite3.connect(str(foreign))
    conn.execute("CREATE TABLE migrations (name TEXT)")  # the same table name is not enough
    conn.commit()
    conn.close()
    made["someone else's"] = (foreign, "not an encounters journal")

    damaged = tmp_path / "damaged.sqlite3"
    fill(damaged, *(f"note {n} " * 200 for n in range(30)))
    data = bytearray(damaged.read_bytes())
    data[100:4096] = b"\x5a" * (4096 - 100)  # scribble over the schema page, keep the header
    damaged.write_bytes(bytes(data))
    made["damaged"] = (damaged, "damaged")

    newer = tmp_path / "newer.sqlite3"
    fill(newer, "from the future")
    conn = sqlite3.connect(str(newer), isolation_level=None)
    conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('999_from_the_future', 'x')")
    conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()
    made["newer"] = (newer, "newer version")

    made["missing"] = (tmp_path / "no-such-backup.sqlite3", "no backup at")
    return made


@pytest.mark.parametrize(
    "kind",
    ["not sqlite", "empty file", "database without tables", "someone else's", "damaged", "newer", "missing"],
)
def test_restore_refuses_a_bad_backup_and_touches_nothing(journal: Path, tmp_path: Path, kind: str) -> None:
    fill(journal, "the only copy")
    source, says = bad_backups(tmp_path)[kind]
    before = files(journal.parent)

    with pytest.raises(JournalError, match=says) as caught:
        backups.restore(source, journal)
    assert "\n" not in str(caught.value)
    with pytest.raises(JournalError, match=says):
        backups.check(source)
    assert files(journal.parent) == before  # the journal, and nothing appeared or vanished beside it
    assert texts(journal) == {"the only copy"}


def test_restore_refuses_the_journal_itself(journal: Path) -> None:
    fill(journal, "the only copy")
    with pytest.raises(JournalError, match="journal itself"):
        backups.restore(journal, journal)
    assert texts(journal) == {"the only copy"}


def test_restore_waits_for_no_one_and_refuses_while_the_journal_is_open(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backups, "IN_USE_TIMEOUT_SECONDS", 0.05)
    fill(journal, "in the backup")
    copy = backups.backup(journal, tmp_path / "copy.sqlite3")
    fill(journal, "written later")
    with Store.open(journal) as other_session:
        with pytest.raises(JournalError, match=r"has the journal .* open; close it"):
            backups.restore(copy, journal)
        assert other_session.count(Filter()) == 2  # the open session carries on, untouched
    assert [p for p in journal.parent.iterdir() if "before-restore" in p.name] == []
    assert backups.restore(copy, journal) is not None  # once it is closed, the restore goes ahead
    assert texts(journal) == {"in the backup"}


def test_restore_over_a_journal_sqlite_cannot_open_moves_it_aside_with_its_log(
    journal: Path, tmp_path: Path
) -> None:
    source = tmp_path / "good.sqlite3"
    fill(source, "the good copy")
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(b"not a database any more" * 50)
    stale_log = journal.with_name(journal.name + "-wal")
    stale_log.write_bytes(b"a write-ahead log that belongs to the old file")

    aside = backups.restore(source, journal)

    assert aside is not None
    assert aside.read_bytes() == b"not a database any more" * 50
    assert not stale_log.exists()  # it would be replayed onto the restored journal
    assert aside.with_name(aside.name + "-wal").read_bytes().startswith(b"a write-ahead log")
    assert texts(journal) == {"the good copy"}


def test_an_encrypted_looking_backup_is_restored_as_it_is(journal: Path, tmp_path: Path) -> None:
    """Restore never reads the text, so sealed text and an encryption envelope pass through unchanged."""
    source = tmp_path / "sealed.sqlite3"
    fill(source, "will be sealed")
    conn = sqlite3.connect(str(source), isolation_level=None)
    conn.execute("UPDATE answers SET answer = 'sealed:' || hex(randomblob(40))")
    conn.execute("INSERT INTO meta (key, value) VALUES ('encryption', 'a synthetic envelope')")
    sealed = conn.execute("SELECT answer FROM answers").fetchall()
    conn.close()
    fill(journal, "current")

    backups.restore(source, journal)

    conn = sqlite3.connect(str(journal))
    try:
        assert conn.execute("SELECT answer FROM answers").fetchall() == sealed
        assert conn.execute("SELECT value FROM meta WHERE key = 'encryption'").fetchone() == (
            "a synthetic envelope",
        )
    finally:
        conn.close()


def test_an_older_backup_is_restored_and_upgraded_when_opened(journal: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(str(old), isolation_level=None)
    migrations.migrate(conn, migrations.MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO encounters (id, status, created_at, updated_at, lang)"
        " VALUES ('aaaa0000', 'logged', '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z', 'en')"
    )
    conn.close()

    backups.restore(old, journal)

    assert list(contents(journal)) == ["aaaa0000"]
    conn = sqlite3.connect(str(journal))
    try:
        assert migrations.applied_names(conn) == [name for name, _ in migrations.MIGRATIONS]
    finally:
        conn.close()


# -- the commands -----------------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_backup_command_says_where_the_copy_went(journal: Path, tmp_path: Path) -> None:
    fill(journal, "a note")
    result = run("backup")
    assert result.exit_code == 0, result.stderr
    written = Path(result.stdout.strip())  # stdout is not a terminal here: the path, for scripts
    assert written.parent == paths.data_dir() / "backups"
    assert json.loads(run("paths", "--json").stdout)["backups"] == str(written.parent)
    assert result.stderr.strip() == f"Backed up the journal to {written}"
    assert contents(written) == contents(journal)

    result = run("backup", "--out", str(tmp_path / "mine.sqlite3"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "mine.sqlite3")


def test_backup_command_errors_are_one_line(tmp_path: Path) -> None:
    result = run("backup")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"encounters: error: there is no journal at {paths.journal_path()} yet, so nothing to back up"
    ]


def test_restore_command_needs_yes_without_a_terminal(journal: Path, tmp_path: Path) -> None:
    fill(journal, "in the backup")
    copy = backups.backup(journal, tmp_path / "copy.sqlite3")
    fill(journal, "later")
    before = files(journal.parent)

    result = run("restore", str(copy), input="y\n")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert files(journal.parent) == before

    result = run("restore", str(copy), "--yes")
    assert result.exit_code == 0, result.stderr
    (aside,) = journal.parent.glob("*.before-restore-*")
    assert result.stderr.strip() == (
        f"Restored the journal {journal} from {copy}; the previous journal is kept at {aside}"
    )
    assert texts(journal) == {"in the backup"}
    assert texts(aside) == {"in the backup", "later"}


def test_restore_command_refuses_a_broken_backup_in_one_line(journal: Path, tmp_path: Path) -> None:
    fill(journal, "the only copy")
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    before = files(journal.parent)
    result = run("restore", str(broken), "--yes")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"encounters: error: {broken}")
    assert "nothing was changed" in line
    assert files(journal.parent) == before


@pytest.fixture
def terminal_env(isolated_home: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(COLUMNS="500", LINES="50", TERM="dumb", NO_COLOR="1")
    return environment


@pytest.fixture
def spawned() -> Iterator[list[pexpect.spawn]]:
    children: list[pexpect.spawn] = []
    yield children
    for child in children:
        if child.isalive():
            child.terminate(force=True)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
@pytest.mark.parametrize(("answer", "restored"), [("n", False), ("", False), ("y", True)])
def test_restore_asks_on_a_terminal(
    journal: Path,
    tmp_path: Path,
    terminal_env: dict[str, str],
    spawned: list[pexpect.spawn],
    answer: str,
    restored: bool,
) -> None:
    fill(journal, "in the backup")
    copy = backups.backup(journal, tmp_path / "copy.sqlite3")
    fill(journal, "later")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "encounters_cli", "restore", str(copy)],
        env=terminal_env,
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 500),  # the question names two long temporary paths: keep it on one line
    )
    child.delaybeforesend = None
    spawned.append(child)
    child.expect_exact("which holds 1 encounter(s)?")
    child.expect_exact("[y/N]")
    child.sendline(answer)
    child.expect_exact("kept at" if restored else "Nothing restored")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert texts(journal) == ({"in the backup"} if restored else {"in the backup", "later"})
