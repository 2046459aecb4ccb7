"""Copies of the journal: ``backup`` while it is in use, ``restore`` after checking, and the safety
copy a migration takes before it changes a journal.

Every copy goes through SQLite's online backup API, never a plain file copy: a file copy taken while
another process writes can catch half a transaction, or miss the part still in the write-ahead log.
The copy is taken in one step, inside one read transaction, so it is one consistent moment of the
journal; under WAL that read blocks no writer, and no writer can make it start over.

What a copy holds is the journal as it is on disk: in an encrypted journal the free text stays
encrypted in the copy, and it opens with the same passphrase.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from encounters_cli.errors import JournalError
from encounters_cli.storage import migrations
from encounters_cli.storage.paths import backups_dir, ensure_private_dir

if TYPE_CHECKING:
    from encounters_cli.storage.journal import Store

SQLITE_HEADER = b"SQLite format 3\x00"
STAMP = "%Y%m%d-%H%M%S"
IN_USE_TIMEOUT_SECONDS = 2.0  # how long restore waits for another program to let go of the journal
_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions of a database file, by its path


def default_backup_path(now: datetime | None = None) -> Path:
    """``<data dir>/backups/journal-YYYYMMDD-HHMMSS.sqlite3`` in local time (the folder is not created)."""
    return backups_dir() / f"journal-{(now or datetime.now()).strftime(STAMP)}.sqlite3"


def backup(source: Store | Path, out: Path | None = None) -> Path:
    """Copy the journal (an open Store, or a journal file) to ``out``; return where the copy went.

    ``out`` may be a file that does not exist yet, or an existing folder to put a dated file in;
    without it the copy goes to ``default_backup_path()``, in a folder created 0700. The copy is
    0600, checked with ``PRAGMA integrity_check`` before it is given its name, and self-contained
    (rollback-journal mode, so no -wal file belongs to it). Safe while other processes write.
    An existing file is never overwritten.
    """
    journal = Path(source) if isinstance(source, (str, os.PathLike)) else Path(source.path)
    _require_sqlite_file(journal, missing=f"there is no journal at {journal} yet, so nothing to back up")
    target = _backup_target(out, journal)
    with contextlib.closing(_open_journal(journal)) as conn:
        _copy(conn, target, journal=journal, check=True)
    return target


def check(source: Path) -> int:
    """Check that ``source`` is an intact encounters journal this version can open; its number of entries.

    Reads only. Raises JournalError saying what is wrong (not SQLite, damaged, someone else's
    database, written by a newer encounters).
    """
    source = Path(source).expanduser()
    _require_sqlite_file(source, missing=f"there is no backup at {source}", what="backup")
    with contextlib.closing(_read_only(source)) as conn, _reading(source):
        return _validate(conn, source)


def restore(source: Path, journal: Path) -> Path | None:
    """Replace the journal with the backup ``source``, keeping the current journal aside.

    Returns where the current journal was kept (``<journal>.before-restore-YYYYMMDD-HHMMSS``), or
    None when there was no journal. First the backup is copied beside the journal and that copy is
    validated (SQLite, ``integrity_check`` ok, an encounters journal, not newer than this code); if
    anything is wrong, a JournalError says what and neither the journal nor any file beside it has
    changed. An encrypted backup is restored as it is, and needs its own passphrase afterwards.

    The swap happens inside SQLite, on the journal file itself, while holding its exclusive lock:
    the current content is copied aside and the backup's written in, in one transaction that a
    crash rolls back. Renaming files instead would be unsafe for a database another program might
    open during the swap: it would hold the old file, and its write-ahead log, named after the
    path, would then be replayed onto the restored one. A journal that SQLite cannot open at all
    (damaged, not a database) is moved aside by name instead; no working program can hold it.
    """
    source = Path(source).expanduser()
    journal = Path(journal)
    _require_sqlite_file(source, missing=f"there is no backup at {source}", what="backup")
    if journal.exists() and source.resolve().samefile(journal):
        raise JournalError(f"{source} is the journal itself; give a backup file to restore from")
    folder = journal.parent
    if not folder.exists():
        ensure_private_dir(folder)
    temp = _temp_beside(journal)
    try:
        with contextlib.closing(_read_only(source)) as conn:
            with _reading(source):
                _validate(conn, source)  # before the copy: a wrong file costs no disk space
            _copy(conn, temp, journal=source, check=False, replace=False)
        with contextlib.closing(sqlite3.connect(str(temp), isolation_level=None)) as copy, _reading(source):
            _validate(copy, source)  # the copy is what goes in: check it, not only the original
        return _swap_in(temp, journal)
    finally:
        _remove(temp)


def safety_copy(journal: Path, before: str) -> Path:
    """Copy a journal to ``<journal>.before-<before>.bak`` (0600) before a migration changes it.

    Called while the migrating connection holds the write lock, so the copy is the journal exactly as
    the migration will find it (another connection may read while one holds the write lock).
    """
    target = journal.with_name(f"{journal.name}.before-{before}.bak")
    with contextlib.closing(_open_journal(journal)) as conn:
        _copy(conn, target, journal=journal, check=True)
    return target


def put_back(conn: sqlite3.Connection, copy: Path) -> None:
    """Write ``copy`` back over the database open on ``conn``, in one transaction (see ``restore``)."""
    with contextlib.closing(_read_only(copy)) as source:
        source.backup(conn)


# -- the pieces ---------------------------------------------------------------------------------


def _backup_target(out: Path | None, journal: Path) -> Path:
    if out is None:
        ensure_private_dir(backups_dir())
        return _unused(default_backup_path())
    out = Path(out).expanduser()
    if out.is_dir():
        return _unused(out / default_backup_path().name)
    if out.exists() and out.resolve() == journal.resolve():
        raise JournalError(f"{out} is the journal itself; give another file name")
    if out.exists() or out.is_symlink():
        raise JournalError(
            f"{out} already exists; give a new file name, or a folder to put a dated backup in"
        )
    if not out.parent.is_dir():
        # Not created for you: a mistyped mount point would otherwise fill the local disk unnoticed.
        raise JournalError(f"cannot write {out}: the folder {out.parent} does not exist; create it first")
    return out


def _unused(path: Path) -> Path:
    """``path``, or ``path`` with -2, -3, ... before its suffix when that name is taken."""
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _require_sqlite_file(path: Path, *, missing: str, what: str = "journal") -> None:
    if not path.exists():
        raise JournalError(missing)
    if not path.is_file():
        raise JournalError(f"{path} is not a file; give the {what} file")
    try:
        sqlite = _has_sqlite_header(path)
    except OSError as exc:
        raise JournalError(f"cannot read {path}: {exc.strerror or exc}; check its permissions") from exc
    if not sqlite:
        raise JournalError(
            f"{path} is not an encounters {what} (not an SQLite database); nothing was changed"
        )


def _open_journal(path: Path) -> sqlite3.Connection:
    """A connection to copy a journal from; refuses a database that is not an encounters journal.

    Not read-only: SQLite must be able to tidy the write-ahead log away when this is the last
    connection to close, as every encounters command does. Nothing here writes.
    """
    from encounters_cli.storage.journal import BUSY_TIMEOUT_SECONDS, _user_error

    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise _user_error(exc, path, BUSY_TIMEOUT_SECONDS) or JournalError(
            f"cannot open {path}: {exc}"
        ) from exc
    try:
        if not _is_journal(conn):
            raise JournalError(
                f"{path} is an SQLite database but not an encounters journal; nothing was copied"
            )
    except sqlite3.Error as exc:
        conn.close()
        raise _user_error(exc, path, BUSY_TIMEOUT_SECONDS) or JournalError(
            f"cannot read {path}: {exc}"
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _is_journal(conn: sqlite3.Connection) -> bool:
    """Ours by both marks migration 001 sets together: the application id and the migrations table."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != migrations.APPLICATION_ID:
        return False
    found = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    return conn.execute(found).fetchone() is not None


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path`` (nor create it), and reads its write-ahead log."""
    from encounters_cli.storage.journal import BUSY_TIMEOUT_SECONDS

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot open {path}: {exc}; check that it is yours and readable") from exc


@contextlib.contextmanager
def _reading(source: Path) -> Iterator[None]:
    """SQLite errors while reading a backup as one-line JournalErrors about that backup."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise JournalError(
            f"{source} is damaged or not an encounters backup ({exc}); nothing was changed: choose"
            " another backup"
        ) from exc


def _validate(conn: sqlite3.Connection, source: Path) -> int:
    """Refuse what must not become the journal; the number of encounters in what may."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise JournalError(f"{source} is damaged ({problems[0]}); nothing was changed: choose another backup")
    if not _is_journal(conn):
        raise JournalError(
            f"{source} is an SQLite database but not an encounters journal or backup; nothing was changed"
        )
    try:
        migrations.check(conn, path=str(source))
    except JournalError as exc:
        raise JournalError(
            f"{source} was written by a newer version of encounters; upgrade encounters to restore it"
            " (nothing was changed)"
        ) from exc
    return int(conn.execute("SELECT count(*) FROM encounters").fetchone()[0])


def _copy(
    source: sqlite3.Connection, target: Path, *, journal: Path, check: bool, replace: bool = True
) -> None:
    """The database on ``source`` into ``target`` (0600), by the online backup API.

    With ``replace``, the copy is made under a temporary name beside ``target``, flushed to disk
    and renamed, so ``target`` is either absent or complete. ``check`` runs ``integrity_check`` on
    the copy before it gets its name: a backup that would not restore is worse than none.
    """
    temp = _temp_beside(target) if replace else target
    try:
        try:
            with contextlib.closing(_open_copy(temp)) as copy:
                source.backup(copy)  # pages=-1: the whole database in one step, one read snapshot
                if check:
                    problems = [row[0] for row in copy.execute("PRAGMA integrity_check(5)")]
                    if problems != ["ok"]:
                        raise JournalError(
                            f"the journal {journal} is damaged ({problems[0]}); it was left untouched and"
                            " no copy was made: restore it from an earlier backup, or keep a plain copy"
                            " of the file and move it aside to start a new one"
                        )
                # A copy in rollback-journal mode is one self-contained file; the next Store.open
                # turns WAL back on.
                copy.execute("PRAGMA journal_mode = DELETE")
            _fsync(temp)
            if replace:
                temp.replace(target)
                _fsync(target.parent)
        except sqlite3.Error as exc:
            raise _copy_error(exc, journal, target) from exc
        except OSError as exc:
            raise _disk_error(exc, target) from exc
    except BaseException:
        if replace:
            _remove(temp)
        raise


def _open_copy(path: Path) -> sqlite3.Connection:
    """The connection a copy is written through (its own function so tests can give it a small disk)."""
    return sqlite3.connect(str(path), isolation_level=None)


def _copy_error(exc: sqlite3.Error, journal: Path, target: Path) -> JournalError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or "database or disk is full" in str(exc):
        return _full(target)
    from encounters_cli.storage.journal import BUSY_TIMEOUT_SECONDS, _user_error

    # Anything else comes from reading the journal (the copy is a fresh private file).
    return _user_error(exc, journal, BUSY_TIMEOUT_SECONDS) or JournalError(
        f"cannot copy the journal {journal} to {target}: {exc}"
    )


def _disk_error(exc: OSError, target: Path) -> JournalError:
    if exc.errno in _FULL:
        return _full(target)
    return JournalError(f"cannot write {target}: {exc.strerror or exc}; the journal is unchanged")


def _full(target: Path) -> JournalError:
    return JournalError(
        f"the disk holding {target.parent} is full, so no copy was written; free some space (or choose"
        " another place) and try again; the journal is unchanged"
    )


def _swap_in(temp: Path, journal: Path) -> Path | None:
    """Make the validated copy ``temp`` the journal; where the old journal was kept, or None."""
    folder = journal.parent
    if not journal.exists():
        _move_side_files(journal, None)
        temp.replace(journal)
        _fsync(folder)
        return None
    aside = _unused(journal.with_name(f"{journal.name}.before-restore-{datetime.now().strftime(STAMP)}"))
    # A file without SQLite's header is not handed to SQLite at all: opening it would make SQLite
    # deal with the log beside it (recover it, delete it) before saying the file is not a database.
    holder = _hold_alone(journal) if _has_sqlite_header(journal) else None
    if holder is None:  # not a database SQLite can open: nobody can be using it, move it by name
        try:
            os.link(journal, aside)  # the name keeps pointing at a file until the replace below
        except OSError:  # e.g. a FAT-formatted stick, or a file system without hard links
            _copy_file(journal, aside)
        _move_side_files(journal, aside)
        temp.replace(journal)
        _fsync(folder)
        return aside
    try:
        _copy(holder, aside, journal=journal, check=False)
        with contextlib.closing(sqlite3.connect(str(temp), isolation_level=None)) as copy:
            try:
                copy.backup(holder)
            except sqlite3.Error as exc:
                raise _copy_error(exc, journal, journal) from exc
    finally:
        holder.close()
    _fsync(journal)
    return aside


def _hold_alone(journal: Path) -> sqlite3.Connection | None:
    """A connection holding the journal's exclusive lock, or None if SQLite cannot open the file.

    Leaving WAL needs every other connection gone, so it is also the test that no other encounters
    program has the journal open; a refusal changes nothing. SQLite answers that change with
    SQLITE_BUSY at once, without its busy handler, so a program merely reading for a moment is
    waited out here, up to IN_USE_TIMEOUT_SECONDS.
    """
    from encounters_cli.storage.journal import _user_error

    conn = sqlite3.connect(str(journal), timeout=IN_USE_TIMEOUT_SECONDS, isolation_level=None)
    deadline = time.monotonic() + IN_USE_TIMEOUT_SECONDS
    pause = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("COMMIT")  # the exclusive lock stays until the connection closes
            return conn
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            busy = name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)
            if busy and time.monotonic() < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
                continue
            conn.close()
            if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in str(exc):
                return None
            if busy:
                raise JournalError(
                    f"another encounters program has the journal {journal} open; close it and try"
                    " again (nothing was changed)"
                ) from exc
            raise _user_error(exc, journal, IN_USE_TIMEOUT_SECONDS) or JournalError(
                f"cannot restore over {journal}: {exc}"
            ) from exc


def _copy_file(path: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, path.open("rb") as data:
        while chunk := data.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _move_side_files(journal: Path, aside: Path | None) -> None:
    """Take a write-ahead log or rollback journal left by the old file away from the new one's name.

    SQLite finds these by the database's path and would replay them onto whatever file has it now.
    """
    for suffix in _SIDE_FILES:
        side = journal.with_name(journal.name + suffix)
        if not side.exists():
            continue
        if aside is None or suffix == "-shm":  # an index of the log, rebuilt on demand
            side.unlink()
        else:
            side.replace(aside.with_name(aside.name + suffix))


def _temp_beside(target: Path) -> Path:
    """A new empty 0600 file in ``target``'s folder (same file system, so a rename is atomic)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _disk_error(exc, target) from exc
    os.close(fd)
    return Path(name)


def _remove(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + suffix) for suffix in _SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries after a rename (where the platform allows opening one)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if path.is_dir():
            return  # Windows cannot open a folder; its renames are durable without this
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
