"""The journal file: the only module in encounters that speaks SQL.

Shape, with what is coming in mind:

- Free text (labels, answers, draft data) passes through ``Store._seal``/``Store._unseal`` on every
  write and read; in an encrypted journal (``storage/crypto.py``) they encrypt and decrypt, so no
  query knows whether the journal is encrypted. The data key is unlocked lazily, on the first text
  read or written, so counting and insights' figures never ask for the passphrase.
- The search index (FTS5 ``encounter_text``) is filled here rather than by triggers because it must
  see the *unsealed* text. An encrypted journal keeps it empty (an index of words is the text) and
  searches by decrypting in memory (``storage/textmatch.py``).
- Pages of encounters are selected first, through the indexes, and their children are fetched in a
  few batched queries (one range scan when the page's entries lie close together in the file, else
  ``IN`` lists), so listing 20 or streaming 100,000 entries costs a handful of queries per page,
  never one per entry.
- Every write is one ``BEGIN IMMEDIATE`` transaction: under WAL a deferred transaction that later
  needs the write lock fails at once instead of waiting out ``busy_timeout``.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import heapq
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from encounters_cli.errors import AmbiguousIdError, JournalError, NotFoundError
from encounters_cli.storage import migrations
from encounters_cli.storage.crypto import SEALED_PREFIX  # a constant: cryptography itself loads lazily
from encounters_cli.storage.paths import data_dir, ensure_private_dir
from encounters_cli.storage.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Answer,
    Draft,
    Encounter,
    FactGroup,
    Facts,
    Filter,
    NextStep,
    Page,
    SearchHit,
    WorkshopRun,
    from_iso,
    to_iso,
    utcnow,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from encounters_cli.storage.crypto import DataKey

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0
MIN_PREFIX = 4
SNIPPET_TOKENS = 12
LABEL_WEIGHT = 2.0  # a word in the label says more about an entry than the same word in a long answer
_CHUNK = 500  # seqs per IN (...) query: far below SQLite's host-parameter limit on every version
# A page's children are read with one range scan over encounter_seq when the range holds at most this
# many times as many encounters as the page: reading a few rows too many in file order is cheaper than
# one index seek per encounter, which is what IN lists cost.
_DENSE = 4
_FACTS_BATCH = 2000
NEXT_STEP_ROLE = "next_step"
_HEX = frozenset("0123456789abcdef")
_CHILD_TABLES = ("encounter_practices", "encounter_values", "ratings", "answers")
_ENCOUNTER_COLUMNS = (
    "e.seq, e.id, e.status, e.created_at, e.updated_at, e.domain, e.lang, e.label, e.private,"
    " e.workshop, e.workshop_step"
)
_NEWEST_FIRST = "ORDER BY e.created_at DESC, e.seq DESC"
_RANK = f"bm25(encounter_text, {LABEL_WEIGHT}, 1.0)"  # lower is better; labels weigh more than answers
PARTICIPANT_META_KEY = "participant_secret"
ENCRYPTION_META_KEY = "encryption"  # the envelope: wrapped data key and KDF parameters (storage/crypto.py)
_REWRITE_BATCH = 500
_CHANGED_MEANWHILE = (
    "another encounters program encrypted, decrypted or changed the passphrase of the journal while this"
    " one ran; nothing was changed by this command: run it again"
)
# Where sealed free text lives: table, its key column, the sealed column.
_SEALED_COLUMNS = (
    ("encounters", "seq", "label"),
    ("answers", "rowid", "answer"),
    ("drafts", "id", "data"),
    ("workshop_runs", "id", "participant"),
    ("scrub_names", "id", "name"),
)
# One encounter as the JSON text ``json.dumps(encounter.to_json(), ensure_ascii=False)`` writes, built by
# SQLite (``Store.iter_record_texts``): the same keys in the same order and the same separators.
# json_quote escapes as json.dumps does without ensure_ascii ('"', '\', \b \f \n \r \t, other control
# characters as \u00xx, the rest as it is). Answers are stored as that JSON already and go in as they
# are; timestamps are stored as to_iso text. An ORDER BY in a subquery that feeds an aggregate is kept
# (SQLite never drops it there), which keeps practices, values and answers in their stored order.
_ANSWER_TEXT = (
    'printf(\'{"question_id": %s, "phase": %s, "question": %s, "question_type": %s, "answer": %s,'
    ' "role": %s, "catalogue_version": %s, "answered_at": %s}\', json_quote(a.question_id),'
    " json_quote(a.phase), json_quote(a.question), json_quote(a.question_type), a.answer, json_quote(a.role),"
    " json_quote(a.catalogue_version), json_quote(a.answered_at))"
)
_RECORD_TEXT = (
    'printf(\'{"id": %s, "status": %s, "created_at": %s, "updated_at": %s, "domain": %s,'
    ' "practices": [%s], "values": [%s], "ratings": {%s}, "label": %s, "private": %s, "lang": %s,'
    ' "workshop": %s, "workshop_step": %s, "answers": [%s]}\','
    " json_quote(e.id), json_quote(e.status), json_quote(e.created_at), json_quote(e.updated_at),"
    " json_quote(e.domain),"
    " (SELECT group_concat(json_quote(practice_id), ', ') FROM (SELECT practice_id FROM encounter_practices"
    "  WHERE encounter_seq = e.seq ORDER BY position)),"
    " (SELECT group_concat(json_quote(value_id), ', ') FROM (SELECT value_id FROM encounter_values"
    "  WHERE encounter_seq = e.seq ORDER BY position)),"
    " (SELECT group_concat(json_quote(value_id) || ': ' || rating, ', ') FROM (SELECT value_id, rating"
    "  FROM ratings WHERE encounter_seq = e.seq ORDER BY value_id)),"
    " json_quote(e.label), CASE WHEN e.private THEN 'true' ELSE 'false' END, json_quote(e.lang),"
    " json_quote(e.workshop), json_quote(e.workshop_step),"
    f" (SELECT group_concat(answer, ', ') FROM (SELECT {_ANSWER_TEXT} AS answer FROM answers a"
    "  WHERE a.encounter_seq = e.seq ORDER BY a.position)))"
)


class Store:
    """An open journal. Get one with ``Store.open(path)``; use it as a context manager or ``close()`` it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        busy_timeout: float,
        passphrase: Callable[[], str] | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self._busy_timeout = busy_timeout
        self._passphrase = passphrase
        self._envelope: str | None = None  # the journal's encryption envelope as last read; None: plain
        self._data_key: DataKey | None = None  # unlocked on first use

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        passphrase: Callable[[], str] | None = None,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> Store:
        """Open (creating if needed) the journal at ``path`` and bring its schema up to date.

        ``passphrase`` is called (at most once, and only when free text is first read or written) if
        the journal is encrypted; without it such a journal still counts and lists ids, but reading
        or writing text is a JournalError.

        The file is made 0600 before SQLite touches it, because SQLite would create it with the
        umask's permissions; a folder we create (or our own data folder) is made 0700. A file that
        is not an encounters journal is refused untouched: we never repair or overwrite what might
        be someone's only copy.
        """
        path = Path(path)
        try:
            _prepare_folder(path.parent)
        except OSError as exc:
            raise JournalError(
                f"cannot create the folder {path.parent}: {exc.strerror or exc}; check its permissions"
            ) from exc
        _prepare_file(path)
        conn = _connect(path, busy_timeout)
        store = cls(conn, path, busy_timeout, passphrase)
        try:
            with store._guard():
                # Read-only checks first: a damaged, foreign or newer file fails before anything is written.
                migrations.check(conn, path=str(path))
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                _use_wal(conn, busy_timeout)
                migrations.migrate(conn, path=str(path))
                store._envelope = store._read_envelope()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (safe to call twice); the last one out folds the WAL back into the file."""
        self._conn.close()

    def reopen(self) -> Store:
        """A second Store on this journal with its own connection, for reading in another process: an
        export's worker, after fork, where this Store's connection must not be used. It shares this
        one's state, so an encrypted journal unlocked here is unlocked there, and it never migrates
        (this one did). Close it when done."""
        store = Store(
            _connect(self.path, self._busy_timeout), self.path, self._busy_timeout, self._passphrase
        )
        store._envelope, store._data_key = self._envelope, self._data_key
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @staticmethod
    def new_id() -> str:
        """A fresh encounter or draft id: 32 hex characters, so any 4+ character prefix can name it."""
        return uuid.uuid4().hex

    # -- free text at rest ---------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        """Whether the journal's free text is encrypted (as of opening it or this Store's last change)."""
        return self._envelope is not None

    def _seal(self, text: str) -> str:
        """Encode free text on its way into the file: encrypted in an encrypted journal, else as it is."""
        if self._envelope is None:
            return text
        return self._key().seal(text)

    def _unseal(self, text: str) -> str:
        """Inverse of ``_seal`` for text read back from the file."""
        if self._envelope is None:
            if text.startswith(SEALED_PREFIX) and self._read_envelope() is not None:
                # Another process encrypted the journal after we opened it; a label may legitimately
                # start like sealed text, so only the envelope tells.
                raise JournalError(_CHANGED_MEANWHILE)
            return text
        return self._key().unseal(text)

    def _key(self) -> DataKey:
        """The data key, unlocked with the passphrase on first use (the callback is asked once)."""
        if self._data_key is not None:
            return self._data_key
        assert self._envelope is not None
        if self._passphrase is None:
            raise JournalError(
                f"the journal {self.path} is encrypted and no passphrase was given: run encounters on a"
                " terminal to be asked for it, or set ENCOUNTERS_PASSPHRASE"
            )
        from encounters_cli.storage import crypto

        key = crypto.unwrap(self._envelope, self._passphrase())
        if key is None:
            raise JournalError(
                f"wrong passphrase for the encrypted journal {self.path}; nothing was read or changed"
                " (a forgotten passphrase cannot be recovered)"
            )
        self._data_key = key
        return key

    def unlock(self) -> None:
        """Ask for the passphrase now and check it (JournalError if wrong); nothing to do if plain.

        Reads and writes unlock on their own; this is for asking before other questions, and for
        asking before a write takes the lock rather than while other sessions wait on it.
        """
        if self._envelope is not None:
            self._key()

    def _read_envelope(self) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (ENCRYPTION_META_KEY,)).fetchone()
        return None if row is None else row[0]

    def encryption_parameters(self) -> dict[str, Any] | None:
        """The recorded encryption format (cipher, KDF name and parameters; no key), or None if plain."""
        if self._envelope is None:
            return None
        from encounters_cli.storage import crypto

        document = crypto.read_envelope(self._envelope)
        kdf = {key: value for key, value in document["kdf"].items() if key != "salt"}
        return {"format": document["format"], "cipher": document["cipher"], "kdf": kdf}

    # -- encrypting, decrypting, changing the passphrase ---------------------------------------

    def encrypt(self, new_passphrase: str) -> bool:
        """Encrypt every label, answer and draft under a new random data key wrapped by ``new_passphrase``.

        One transaction: the journal is either wholly plain or wholly encrypted. The search index is
        emptied. Then the old plain text is scrubbed from the file, its free pages and the WAL
        (``secure_delete``, ``VACUUM``, a truncating checkpoint). Returns False when another
        connection kept the WAL from being emptied (its old pages go when the last session closes).
        """
        from encounters_cli.storage import crypto

        if self._envelope is not None:
            raise JournalError(
                f"the journal {self.path} is already encrypted;"
                " 'encounters passphrase' changes its passphrase"
            )
        crypto.check_new_passphrase(new_passphrase)
        key = crypto.DataKey.generate()
        envelope = key.wrap(new_passphrase)  # the slow key derivation, before taking the write lock
        with self._secure_delete(), self._write() as conn:
            self._rewrite_sealed(key.seal)
            conn.execute("DELETE FROM encounter_text")
            # 'rebuild' drops every index segment; a plain DELETE leaves the old words in them.
            conn.execute("INSERT INTO encounter_text (encounter_text) VALUES ('rebuild')")
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (ENCRYPTION_META_KEY, envelope))
        self._envelope, self._data_key = envelope, key
        return self._scrub()

    def decrypt(self) -> None:
        """Store the free text unencrypted again and rebuild the search index; asks for the passphrase."""
        if self._envelope is None:
            raise JournalError(f"the journal {self.path} is not encrypted")
        key = self._key()
        with self._write() as conn:
            self._rewrite_sealed(key.unseal)
            conn.execute("DELETE FROM meta WHERE key = ?", (ENCRYPTION_META_KEY,))
            self._rebuild_search_index()
        self._envelope, self._data_key = None, None

    def change_passphrase(self, new_passphrase: str) -> bool:
        """Wrap the same data key with ``new_passphrase`` (fresh salt, current KDF cost); entries stay as is.

        Asks for the current passphrase. The old envelope is scrubbed from the WAL and free pages,
        so the old passphrase opens nothing in this file; like ``encrypt``, returns False when
        another connection kept the WAL from being emptied.
        """
        from encounters_cli.storage import crypto

        if self._envelope is None:
            raise JournalError(
                f"the journal {self.path} is not encrypted;"
                " 'encounters encrypt' encrypts it with a passphrase"
            )
        crypto.check_new_passphrase(new_passphrase)
        envelope = self._key().wrap(new_passphrase)
        with self._secure_delete(), self._write() as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (envelope, ENCRYPTION_META_KEY))
        self._envelope = envelope
        return self._scrub()

    def _rewrite_sealed(self, transform: Callable[[str], str]) -> None:
        """Pass every sealed column through ``transform``, in batches (inside the caller's transaction)."""
        conn = self._conn
        for table, key, column in _SEALED_COLUMNS:
            after: Any = None
            while True:
                rows = conn.execute(
                    f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"
                    + ("" if after is None else f" AND {key} > ?")
                    + f" ORDER BY {key} LIMIT {_REWRITE_BATCH}",
                    () if after is None else (after,),
                ).fetchall()
                conn.executemany(
                    f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                    [(transform(text), row_key) for row_key, text in rows],
                )
                if len(rows) < _REWRITE_BATCH:
                    break
                after = rows[-1][0]

    def _rebuild_search_index(self) -> None:
        """Refill ``encounter_text`` from the (plain) labels and answers, as ``_insert_children`` would."""
        conn = self._conn
        conn.execute("DELETE FROM encounter_text")
        conn.execute("INSERT INTO encounter_text (encounter_text) VALUES ('rebuild')")
        rows = conn.execute(
            "SELECT e.seq, e.label, a.answer FROM encounters e LEFT JOIN answers a ON a.encounter_seq = e.seq"
            " ORDER BY e.seq, a.position"
        )
        current: tuple[int, str] | None = None
        parts: builtins.list[str] = []

        def flush() -> None:
            if current is not None:
                conn.execute(
                    "INSERT INTO encounter_text (rowid, label, body) VALUES (?, ?, ?)",
                    (current[0], current[1], "\n".join(part for part in parts if part.strip())),
                )

        for seq, label, answer in rows:
            if current is None or current[0] != seq:
                flush()
                current, parts = (seq, label or ""), []
            if answer is not None:
                parts.extend(_text_parts(json.loads(answer)))
        flush()

    @contextmanager
    def _secure_delete(self) -> Iterator[None]:
        """Zero what SQLite frees meanwhile, so deleted text does not linger in free space."""
        previous = int(self._conn.execute("PRAGMA secure_delete").fetchone()[0])
        self._conn.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            self._conn.execute(f"PRAGMA secure_delete = {previous}")

    def _scrub(self) -> bool:
        """Rewrite the file without free pages and empty the WAL, so no old page copy survives in either.

        True when both happened; False when another connection's read kept the WAL (the scrub then
        completes when that session ends and the last connection checkpoints).
        """
        with self._guard(), self._secure_delete():
            try:
                self._conn.execute("VACUUM")
            except sqlite3.OperationalError as exc:
                if _user_error(exc, self.path, self._busy_timeout) is None or "lock" not in str(exc):
                    raise
                return False  # another session holds the file; the change itself is committed
            busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    # -- encounters: writing -------------------------------------------------------------------

    def add(self, encounter: Encounter, *, finishes_draft: str | None = None) -> None:
        """Store a new encounter with its practices, values, ratings, answers and search text, atomically.

        ``finishes_draft`` names the draft this entry completes: it goes in the same transaction, so a
        crash can never leave both the entry and a draft that would save it a second time.
        """
        self.unlock()
        with self._write() as conn:
            self._insert(encounter)
            if finishes_draft is not None:
                conn.execute("DELETE FROM drafts WHERE id = ?", (finishes_draft,))

    def add_new(self, encounters: Sequence[Encounter]) -> int:
        """Add those of ``encounters`` whose id is not in the journal yet, in one transaction; return how
        many were added. For imports: a transaction per entry costs more than the entry itself, and
        the ids are checked in the same transaction that writes, so nothing is added twice even if
        another process imports the same file at the same time.
        """
        self.unlock()
        added = 0
        with self._write() as conn:
            for encounter in encounters:
                exists = conn.execute("SELECT 1 FROM encounters WHERE id = ?", (encounter.id,)).fetchone()
                if exists is None:
                    self._insert(encounter)
                    added += 1
        return added

    def update(self, encounter: Encounter, *, finishes_draft: str | None = None) -> None:
        """Replace a stored encounter by id (children and search text included); stamps ``updated_at`` now.

        ``finishes_draft``: as for ``add``, the completed draft is removed in the same transaction.
        """
        self.unlock()
        previous = encounter.updated_at
        encounter.updated_at = utcnow()
        try:
            with self._write() as conn:
                seq = self._seq_of(encounter.id)
                conn.execute(
                    "UPDATE encounters SET status = ?, created_at = ?, updated_at = ?, domain = ?, lang = ?,"
                    " label = ?, private = ?, workshop = ?, workshop_step = ? WHERE seq = ?",
                    (*self._encounter_fields(encounter), seq),
                )
                for table in _CHILD_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE encounter_seq = ?", (seq,))
                conn.execute("DELETE FROM encounter_text WHERE rowid = ?", (seq,))
                self._insert_children(seq, encounter)
                if finishes_draft is not None:
                    conn.execute("DELETE FROM drafts WHERE id = ?", (finishes_draft,))
        except BaseException:
            encounter.updated_at = previous  # nothing was stored, so the object should not claim it was
            raise

    def delete(self, encounter_id: str) -> None:
        """Remove an encounter (full id) with its children and its search text."""
        with self._write() as conn:
            seq = self._seq_of(encounter_id)
            conn.execute("DELETE FROM encounter_text WHERE rowid = ?", (seq,))
            conn.execute("DELETE FROM encounters WHERE seq = ?", (seq,))  # children go by ON DELETE CASCADE

    def _insert(self, encounter: Encounter) -> None:
        """The encounter's row and its children, inside the caller's write transaction."""
        cursor = self._conn.execute(
            "INSERT INTO encounters (id, status, created_at, updated_at, domain, lang, label, private,"
            " workshop, workshop_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (encounter.id, *self._encounter_fields(encounter)),
        )
        seq = cursor.lastrowid
        assert seq is not None  # an INSERT into a rowid table always sets it
        self._insert_children(seq, encounter)

    def _encounter_fields(self, encounter: Encounter) -> tuple[Any, ...]:
        """Column values after ``id``, in the order add() and update() both use."""
        return (
            encounter.status,
            to_iso(encounter.created_at),
            to_iso(encounter.updated_at),
            encounter.domain,
            encounter.lang,
            None if encounter.label is None else self._seal(encounter.label),
            int(encounter.private),
            encounter.workshop,
            encounter.workshop_step,
        )

    def _insert_children(self, seq: int, encounter: Encounter) -> None:
        conn = self._conn
        conn.executemany(
            "INSERT INTO encounter_practices (encounter_seq, practice_id, position) VALUES (?, ?, ?)",
            [(seq, practice, position) for position, practice in enumerate(encounter.practices)],
        )
        conn.executemany(
            "INSERT INTO encounter_values (encounter_seq, value_id, position) VALUES (?, ?, ?)",
            # a value tagged twice means nothing more than once
            [(seq, value, position) for position, value in enumerate(dict.fromkeys(encounter.values))],
        )
        conn.executemany(
            "INSERT INTO ratings (encounter_seq, value_id, rating) VALUES (?, ?, ?)",
            [(seq, value, rating) for value, rating in encounter.ratings.items()],
        )
        conn.executemany(
            "INSERT INTO answers (encounter_seq, position, phase, question_id, question, question_type,"
            " answer, catalogue_version, answered_at, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    position,
                    answer.phase,
                    answer.question_id,
                    answer.question,
                    answer.question_type,
                    self._seal(json.dumps(answer.answer, ensure_ascii=False)),
                    answer.catalogue_version,
                    to_iso(answer.answered_at),
                    answer.role,
                )
                for position, answer in enumerate(encounter.answers)
            ],
        )
        if self._envelope is None:  # an encrypted journal keeps no index: its words are the text
            conn.execute(
                "INSERT INTO encounter_text (rowid, label, body) VALUES (?, ?, ?)",
                (seq, encounter.label or "", searchable_text(encounter.answers)),
            )

    def _seq_of(self, encounter_id: str) -> int:
        row = self._conn.execute("SELECT seq FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no encounter with id '{encounter_id}'; 'encounters list' shows the ids")
        return int(row[0])

    # -- encounters: reading -------------------------------------------------------------------

    def get(self, id_or_prefix: str) -> Encounter:
        """The encounter with this id, or with the only id starting with this prefix (4+ hex characters)."""
        key = id_or_prefix.strip().lower()
        if len(key) < MIN_PREFIX or not set(key) <= _HEX:
            raise NotFoundError(
                f"'{id_or_prefix}' is not an encounter id: give at least {MIN_PREFIX} of its hex characters"
                " ('encounters list' shows them)"
            )
        # A range on the unique index finds every id with this prefix without scanning (LIKE would).
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_ENCOUNTER_COLUMNS} FROM encounters e"
                " WHERE e.id >= ? AND e.id < ? ORDER BY e.id LIMIT 2",
                (key, upper),
            ).fetchall()
            if not rows:
                raise NotFoundError(f"no encounter with id '{key}'; 'encounters list' shows the ids")
            if len(rows) > 1:
                raise AmbiguousIdError(
                    f"more than one encounter has an id starting with '{key}'; give more characters"
                )
            return self._load(rows)[0]

    def list(self, flt: Filter) -> builtins.list[Encounter]:
        """Encounters matching ``flt``, newest first, at most ``flt.limit``."""
        return builtins.list(self.iter_encounters(flt))

    def iter_encounters(self, flt: Filter, batch: int = 500) -> Iterator[Encounter]:
        """Stream encounters matching ``flt``, newest first, holding at most ``batch`` of them in memory.

        Pages are chained by keyset (the last page's created_at and seq), not OFFSET, so each page is
        an index range however deep the stream goes. No read transaction spans the pages, so the
        caller may write while iterating; an entry added meanwhile appears only if it sorts later.
        """
        for rows in self._pages(flt, batch, f"e.seq, e.created_at, {_ENCOUNTER_COLUMNS}"):
            with self._guard():
                page = self._load([row[2:] for row in rows])
            yield from page

    def iter_records(
        self, flt: Filter, batch: int = 500, *, page: Page | None = None
    ) -> Iterator[dict[str, Any]]:
        """``iter_encounters``'s selection in its order as plain records: each exactly ``e.to_json()``.
        With ``page`` (from ``pages``), only that page of it.

        For exports that read every entry's fields (csv, md, qdpx, anonymised): the dicts are filled
        straight from the rows, with no Encounter or Answer objects and no datetimes (timestamps are
        stored as ``to_iso`` text already). A page costs the same few queries as in ``_load``.
        """
        encrypted = self._envelope is not None
        import orjson  # reads a text answer in half the time json's scanner takes (loaded here only)

        unseal, loads, fast_loads = self._unseal, json.loads, orjson.loads
        for rows in self._pages(flt, batch, f"e.seq, e.created_at, {_ENCOUNTER_COLUMNS}", page=page):
            with self._guard():
                by_seq: dict[int, dict[str, Any]] = {}
                for (
                    _,
                    _,
                    seq,
                    id_,
                    status,
                    created,
                    updated,
                    domain,
                    lang,
                    label,
                    private,
                    shop,
                    step,
                ) in rows:
                    if label is not None and (encrypted or label.startswith(SEALED_PREFIX)):
                        label = unseal(label)  # in a plain journal: raises if it was encrypted meanwhile
                    by_seq[seq] = {
                        "id": id_,
                        "status": status,
                        "created_at": created,
                        "updated_at": updated,
                        "domain": domain,
                        "practices": [],
                        "values": [],
                        "ratings": {},
                        "label": label,
                        "private": bool(private),
                        "lang": lang,
                        "workshop": shop,
                        "workshop_step": step,
                        "answers": [],
                    }
                seqs = builtins.list(by_seq)
                self._fill_tags(
                    {seq: _RecordTags(record) for seq, record in by_seq.items()}, _seq_spans(seqs)
                )
                for condition, args in _seq_spans(seqs, dense=1):
                    current, append = None, None  # the answers list of the entry being read
                    for (
                        seq,
                        question_id,
                        phase,
                        question,
                        kind,
                        answer,
                        version,
                        answered_at,
                        role,
                    ) in self._conn.execute(
                        "SELECT encounter_seq, question_id, phase, question, question_type, answer,"
                        f" catalogue_version, answered_at, role FROM answers WHERE {condition}"
                        " ORDER BY encounter_seq, position",
                        args,
                    ):
                        if seq != current:  # rows come by entry: look each entry up once
                            current = seq
                            record = by_seq.get(seq)
                            append = None if record is None else record["answers"].append
                        if append is None:  # in a range scan's span but not on this page
                            continue
                        if encrypted or answer.startswith(SEALED_PREFIX):
                            answer = unseal(answer)
                        # Text through orjson, the common unanswered and scale answers at once, the
                        # rest through json, which keeps an integer beyond 64 bits whole (orjson
                        # would read it as a float).
                        if answer == "null":
                            value = None
                        elif answer[:1] == '"':
                            try:
                                value = fast_loads(answer)
                            except ValueError:  # a lone surrogate, or not JSON: json reads it or says why
                                value = loads(answer)
                        elif len(answer) == 1 and answer.isdigit():
                            value = int(answer)
                        else:
                            value = loads(answer)
                        append(
                            {
                                "question_id": question_id,
                                "phase": phase,
                                "question": question,
                                "question_type": kind,
                                "answer": value,
                                "role": role,
                                "catalogue_version": version,
                                "answered_at": answered_at,
                            }
                        )
            yield from by_seq.values()  # a dict keeps the page's order

    def iter_record_texts(self, flt: Filter, batch: int = 500, *, page: Page | None = None) -> Iterator[str]:
        """``iter_encounters``'s selection in its order, as ``json.dumps(e.to_json(), ensure_ascii=False)``.

        For exports that write records as JSON (jsonl, json): SQLite writes each record itself
        (``_RECORD_TEXT``), one query per page, the children by correlated subqueries, and Python only
        passes the text on. An encrypted journal's labels and answers are sealed, so it goes through
        ``iter_records``, as does an SQLite without JSON functions. Each page's query also reads
        whether the journal has been encrypted meanwhile (in the same snapshot), and stops if so
        rather than copy sealed text.
        """
        return self._record_texts(flt, batch, page, encoded=False)  # type: ignore[return-value]

    def iter_record_bytes(
        self, flt: Filter, batch: int = 500, *, page: Page | None = None
    ) -> Iterator[bytes]:
        """``iter_record_texts`` UTF-8 encoded, as SQLite holds the text: a file gets it without its
        being decoded into Python strings and encoded again (a fifth of a jsonl export's time)."""
        return self._record_texts(flt, batch, page, encoded=True)  # type: ignore[return-value]

    def _record_texts(
        self, flt: Filter, batch: int, page: Page | None, *, encoded: bool
    ) -> Iterator[str | bytes]:
        if self._envelope is not None or not self._has_json_functions():
            for record in self.iter_records(flt, batch, page=page):
                text = json.dumps(record, ensure_ascii=False)
                yield text.encode("utf-8") if encoded else text
            return
        record = f"CAST({_RECORD_TEXT} AS BLOB)" if encoded else _RECORD_TEXT
        select = f"e.seq, e.created_at, {record}, (SELECT count(*) FROM meta WHERE key = ?)"
        for rows in self._pages(flt, batch, select, (ENCRYPTION_META_KEY,), page=page):
            if rows[0][3]:
                raise JournalError(_CHANGED_MEANWHILE)
            for row in rows:
                yield row[2]

    def _pages(
        self,
        flt: Filter,
        batch: int,
        select: str,
        leading: Sequence[Any] = (),
        *,
        page: Page | None = None,
    ) -> Iterator[builtins.list[Any]]:
        """The rows of ``SELECT {select} FROM encounters e`` for ``flt``, newest first, a page of ``batch``
        at a time (never an empty one), chained by keyset (the last page's created_at and seq, so each
        page is an index range however deep it goes), with no read transaction across pages.
        ``select`` starts with ``e.seq, e.created_at``; ``leading`` are parameters it takes. With
        ``page``, only the rows of that page of the selection."""
        if batch < 1:
            raise ValueError("batch must be at least 1")
        if page is None:
            where, params = _where(flt)
            remaining = flt.limit
        else:
            # A page is a range of keys; only the last one needs the limit (as a condition), the
            # others lie wholly inside the selection.
            where, params = _where(flt) if page.next is not None else _selected(flt)
            remaining = None
            created, seq = page.first
            where += " AND e.created_at <= ? AND (e.created_at < ? OR e.seq <= ?)"
            params = [*params, created, created, seq]
            if page.next is not None:
                created, seq = page.next
                where += " AND e.created_at >= ? AND (e.created_at > ? OR e.seq > ?)"
                params += [created, created, seq]
        after: tuple[str, int] | None = None
        while remaining is None or remaining > 0:
            size = batch if remaining is None else min(batch, remaining)
            clause, args = where, builtins.list(params)
            if after is not None:
                clause += " AND e.created_at <= ? AND (e.created_at < ? OR e.seq < ?)"
                args += [after[0], after[0], after[1]]
            with self._guard():
                rows = self._conn.execute(
                    f"SELECT {select} FROM encounters e WHERE {clause} {_NEWEST_FIRST} LIMIT ?",
                    [*leading, *args, size],
                ).fetchall()
            if rows:
                yield rows
            if len(rows) < size:
                return
            if remaining is not None:
                remaining -= len(rows)
            after = (rows[-1][1], rows[-1][0])

    def pages(self, flt: Filter, size: int) -> builtins.list[Page]:
        """``iter_encounters(flt)``'s selection cut into pages of ``size`` entries, in its order, for
        reading each on its own (``iter_records(flt, page=...)``), in another process if need be.

        A page is a range of keys, so an entry written or deleted meanwhile only makes its page
        longer or shorter (possibly empty); nothing else shifts, and nothing is read twice or lost.
        """
        if size < 1:
            raise ValueError("size must be at least 1")
        where, params = _where(flt)
        limit = -1 if flt.limit is None else max(flt.limit, 0)
        with self._guard():
            firsts = self._conn.execute(
                "SELECT created_at, seq FROM (SELECT e.created_at, e.seq,"
                f" row_number() OVER ({_NEWEST_FIRST}) AS n FROM encounters e WHERE {where}"
                f" {_NEWEST_FIRST} LIMIT ?) WHERE (n - 1) % ? = 0",
                [*params, limit, size],
            ).fetchall()
        if not firsts:
            return []
        keys = [(created, seq) for created, seq in firsts]
        nexts: builtins.list[tuple[str, int] | None] = [*keys[1:], None]
        return [Page(first, after) for first, after in zip(keys, nexts, strict=True)]

    def answered_ids(
        self, flt: Filter, *, skip_private: bool = False
    ) -> tuple[builtins.list[str], builtins.list[str]]:
        """The question ids answered and the value ids rated in ``iter_encounters(flt)``'s selection, each
        in the order it first appears there (newest entry first; answers by position, ratings by id).

        What a one-row-per-entry CSV needs for its columns before its first row, without reading
        any free text. ``skip_private``: as if private entries were not selected.
        """
        # the selection (its limit counts private entries too), then without the private ones
        selected, args = _selected(flt)
        if skip_private:
            selected += " AND NOT e.private"
        # Stream order as one sortable text: created_at (fixed width), seq, then position reversed.
        with self._guard():
            questions = self._conn.execute(
                "SELECT a.question_id,"
                " max(printf('%s%020d%010d', e.created_at, e.seq, 2147483647 - a.position)) AS first"
                " FROM answers a JOIN encounters e ON e.seq = a.encounter_seq"
                f" WHERE {selected} GROUP BY a.question_id ORDER BY first DESC",
                args,
            ).fetchall()
            ratings = self._conn.execute(
                "SELECT r.value_id, max(printf('%s%020d', e.created_at, e.seq)) AS first"
                f" FROM ratings r JOIN encounters e ON e.seq = r.encounter_seq WHERE {selected}"
                " GROUP BY r.value_id ORDER BY first DESC, r.value_id",
                args,
            ).fetchall()
        return [row[0] for row in questions], [row[0] for row in ratings]

    def _has_json_functions(self) -> bool:
        """Whether this SQLite has its JSON functions (built in since 3.38, and in most builds before)."""
        try:
            self._conn.execute("SELECT json_quote('')").fetchone()
        except sqlite3.OperationalError:
            return False
        return True

    def count(self, flt: Filter) -> int:
        """How many encounters match ``flt``; its ``limit`` is ignored, so a page can say "20 of N"."""
        where, params = _where(flt)
        with self._guard():
            row = self._conn.execute(f"SELECT count(*) FROM encounters e WHERE {where}", params).fetchone()
        return int(row[0])

    def search(self, query: str, flt: Filter) -> builtins.list[SearchHit]:
        """Full-text search over labels and answers, best match first, within ``flt``.

        Every word of ``query`` is matched as plain text (quotes, ``-``, ``AND``, brackets mean
        nothing special) and all words must occur; ``word*`` matches words starting with ``word``.
        Diacritics are ignored both ways (``kavi`` finds ``kävi``). ``score`` is the negated bm25
        rank, so higher is better; ``snippet`` marks matches with HIGHLIGHT_START/HIGHLIGHT_END.
        """
        if self._envelope is not None:
            return self._search_decrypted(query, flt)
        match = fts_query(query)
        if not match:
            return []
        where, params = _where(flt)
        # The index ranks; snippets are cut in Python (textmatch, the same rules), because FTS5's
        # snippet() slows down with the square of the matches in one long note (seconds at 400 KB).
        from encounters_cli.storage import textmatch

        limit = -1 if flt.limit is None else flt.limit
        with self._guard():
            rows = (self._best_unfiltered(match, limit) if where == "1" else None) or self._conn.execute(
                f"SELECT {_ENCOUNTER_COLUMNS}, {_RANK} AS rank_"
                " FROM encounter_text JOIN encounters e ON e.seq = encounter_text.rowid"
                f" WHERE encounter_text MATCH ? AND {where}"
                " ORDER BY rank_, e.created_at DESC, e.seq DESC LIMIT ?",
                [match, *params, limit],
            ).fetchall()
            encounters = self._load([row[:-1] for row in rows])
        phrases = textmatch.phrases(query)
        hits = []
        for encounter, row in zip(encounters, rows, strict=True):
            label, body = encounter.label or "", searchable_text(encounter.answers)
            found = textmatch.match(phrases, label, body, label_weight=LABEL_WEIGHT, window=SNIPPET_TOKENS)
            cut = (
                textmatch.snippet(
                    found, label, body, window=SNIPPET_TOKENS, highlight=(HIGHLIGHT_START, HIGHLIGHT_END)
                )
                if found is not None
                else ""
            )
            hits.append(SearchHit(encounter=encounter, score=-float(row[-1]), snippet=cut))
        return hits

    def _best_unfiltered(self, match: str, limit: int) -> builtins.list[Any] | None:
        """The rows ``search`` wants when nothing but the words selects: the index's best ``limit``
        matches, scored on their own before any is joined to its entry (a common word matches a fifth
        of a journal, and joining every match first costs a third again). Matches that share the last
        place are all read, to keep the newest; None if they run on past what was read, or if
        anything is amiss: then the full query decides."""
        if limit < 1:
            return None
        read = 2 * limit + 1
        best = self._conn.execute(
            f"SELECT rowid, {_RANK} AS rank_ FROM encounter_text WHERE encounter_text MATCH ?"
            " ORDER BY rank_ LIMIT ?",
            [match, read],
        ).fetchall()
        if len(best) > limit:
            last = best[limit - 1][1]
            best = [found for found in best if found[1] <= last]  # the first `limit` and their ties
            if len(best) == read:
                return None
        ranks = dict(best)
        rows = self._conn.execute(
            f"SELECT {_ENCOUNTER_COLUMNS} FROM encounters e WHERE e.seq IN ({','.join('?' * len(ranks))})"
            f" {_NEWEST_FIRST}",
            builtins.list(ranks),
        ).fetchall()
        if len(rows) != len(ranks):  # an index entry without its encounter: never expected
            return None
        rows.sort(key=lambda row: ranks[row[0]])  # stable: equal ranks stay newest first
        return [(*row, ranks[row[0]]) for row in rows[:limit]]

    def _search_decrypted(self, query: str, flt: Filter) -> builtins.list[SearchHit]:
        """``search`` for an encrypted journal: decrypt each encounter ``flt`` selects and match in memory.

        Same rules as the index (see ``storage/textmatch.py``); the score counts matches, a label's
        counting LABEL_WEIGHT times, and ties go to the newer entry.
        """
        from encounters_cli.storage import textmatch

        phrases = textmatch.phrases(query)
        if not phrases:
            return []

        Found = tuple[float, int, Encounter, str, textmatch.Match]

        def matches() -> Iterator[Found]:
            for order, encounter in enumerate(self.iter_encounters(dataclasses.replace(flt, limit=None))):
                body = searchable_text(encounter.answers)
                found = textmatch.match(
                    phrases, encounter.label or "", body, label_weight=LABEL_WEIGHT, window=SNIPPET_TOKENS
                )
                if found is not None:
                    yield -found.score, order, encounter, body, found

        # Best first; among equals newest first, which is the stream's order. With a limit only that
        # many hits are held at a time, however many entries match; snippets only for those kept.
        def rank(item: Found) -> tuple[float, int]:
            return item[0], item[1]

        if flt.limit is None:
            ranked = sorted(matches(), key=rank)
        else:
            ranked = heapq.nsmallest(max(flt.limit, 0), matches(), key=rank)
        return [
            SearchHit(
                encounter,
                found.score,
                textmatch.snippet(
                    found,
                    encounter.label or "",
                    body,
                    window=SNIPPET_TOKENS,
                    highlight=(HIGHLIGHT_START, HIGHLIGHT_END),
                ),
            )
            for _, _, encounter, body, found in ranked
        ]

    def value_counts(self, since: datetime | None, statuses: Sequence[str]) -> dict[str, int]:
        """For each value: how many encounters of these statuses (empty: any), created since then, carry it.

        Values never tagged in that window are absent; the caller knows the catalogue and adds zeros.
        """
        where, params = _where(Filter(since=since, statuses=builtins.list(statuses)))
        with self._guard():
            rows = self._conn.execute(
                "SELECT v.value_id, count(*) AS n FROM encounter_values v"
                f" JOIN encounters e ON e.seq = v.encounter_seq WHERE {where}"
                " GROUP BY v.value_id ORDER BY n DESC, v.value_id",
                params,
            ).fetchall()
        return {value: int(n) for value, n in rows}

    def _load(self, rows: Sequence[Sequence[Any]]) -> builtins.list[Encounter]:
        """Turn a page of encounter rows into Encounters, fetching children in a few batched queries."""
        by_seq: dict[int, Encounter] = {}
        for seq, id_, status, created_at, updated_at, domain, lang, label, private, workshop, step in rows:
            by_seq[seq] = Encounter(
                id=id_,
                status=status,
                lang=lang,
                created_at=from_iso(created_at),
                updated_at=from_iso(updated_at),
                domain=domain,
                label=None if label is None else self._unseal(label),
                private=bool(private),
                workshop=workshop,
                workshop_step=step,
            )
        seqs = builtins.list(by_seq)
        self._fill_tags(by_seq, _seq_spans(seqs))
        # Answers are the bulky rows: a range scan here only when it reads no encounter off the page.
        for condition, args in _seq_spans(seqs, dense=1):
            for seq, *fields in self._conn.execute(
                "SELECT encounter_seq, question_id, phase, question, question_type, answer,"
                f" catalogue_version, answered_at, role FROM answers WHERE {condition}"
                " ORDER BY encounter_seq, position",
                args,
            ):
                encounter = by_seq.get(seq)
                if encounter is None:  # in a range scan's span but not on this page
                    continue
                question_id, phase, question, question_type, answer, version, answered_at, role = fields
                encounter.answers.append(
                    Answer(
                        question_id=question_id,
                        phase=phase,
                        question=question,
                        question_type=question_type,
                        answer=json.loads(self._unseal(answer)),
                        catalogue_version=version,
                        answered_at=from_iso(answered_at),
                        role=role,
                    )
                )
        return [by_seq[row[0]] for row in rows]

    def _fill_tags(self, by_seq: Mapping[int, _Tagged], spans: Sequence[tuple[str, Sequence[int]]]) -> None:
        """Append practices and values (in tagging order) and ratings to each object, keyed by seq.

        ``spans`` come from ``_seq_spans``: a range span may hold encounters that are not in
        ``by_seq``; their rows are read and skipped.
        """
        conn = self._conn
        for condition, args in spans:
            for seq, practice in conn.execute(
                "SELECT encounter_seq, practice_id FROM encounter_practices"
                f" WHERE {condition} ORDER BY encounter_seq, position",
                args,
            ):
                target = by_seq.get(seq)
                if target is not None:
                    target.practices.append(practice)
            for seq, value in conn.execute(
                "SELECT encounter_seq, value_id FROM encounter_values"
                f" WHERE {condition} ORDER BY encounter_seq, position",
                args,
            ):
                target = by_seq.get(seq)
                if target is not None:
                    target.values.append(value)
            for seq, value, rating in conn.execute(
                "SELECT encounter_seq, value_id, rating FROM ratings"
                f" WHERE {condition} ORDER BY encounter_seq, value_id",
                args,
            ):
                target = by_seq.get(seq)
                if target is not None:
                    target.ratings[value] = rating

    # -- insights ------------------------------------------------------------------------------

    def iter_facts(self, flt: Filter, batch: int = _FACTS_BATCH) -> Iterator[Facts]:
        """Stream the countable parts of the encounters ``list(flt)`` would select, OLDEST first.

        Insights count over time, so they want the past before the present; they need no free text,
        so none is read, unsealed or decoded. With ``flt.limit`` the selection is the same as
        ``list``'s (the newest ``limit``), yielded oldest first. Pages of ``batch`` are chained by
        keyset like ``iter_encounters``, with no read transaction across them. A page costs four
        queries whatever its size (a few more when its entries are scattered through the file), so
        100,000 encounters take a few hundred queries at most, never one per entry.
        """
        if batch < 1:
            raise ValueError("batch must be at least 1")
        where, params = _where(flt)
        if flt.limit is not None:
            if flt.limit < 1:
                return
            # The oldest entry of the newest `limit`: one walk down the index, then read upwards from it.
            with self._guard():
                first = self._conn.execute(
                    f"SELECT e.created_at, e.seq FROM encounters e WHERE {where} {_NEWEST_FIRST}"
                    " LIMIT 1 OFFSET ?",
                    [*params, flt.limit - 1],
                ).fetchone()
            if first is not None:
                where += " AND e.created_at >= ? AND (e.created_at > ? OR e.seq >= ?)"
                params = [*params, first[0], first[0], first[1]]
        after: tuple[str, int] | None = None
        make, parse = Facts, from_iso
        while True:
            clause, args = where, builtins.list(params)
            if after is not None:
                clause += " AND e.created_at >= ? AND (e.created_at > ? OR e.seq > ?)"
                args += [after[0], after[0], after[1]]
            with self._guard():
                rows = self._conn.execute(
                    "SELECT e.seq, e.id, e.created_at, e.status, e.domain, e.lang, e.private, e.workshop"
                    f" FROM encounters e WHERE {clause} ORDER BY e.created_at, e.seq LIMIT ?",
                    [*args, batch],
                ).fetchall()
                page = {
                    seq: make(id_, parse(created_at), status, domain, [], [], {}, lang, bool(private), shop)
                    for seq, id_, created_at, status, domain, lang, private, shop in rows
                }
                self._fill_tags(page, _seq_spans(builtins.list(page)))
            yield from page.values()  # a dict keeps the page's (oldest first) order
            if len(rows) < batch:
                return
            after = (rows[-1][2], rows[-1][0])

    def fact_groups(self, flt: Filter, date_chars: int = 10) -> builtins.list[FactGroup]:
        """``iter_facts(flt)``'s selection counted by what k-anonymity groups entries by, in SQL.

        One row per distinct (day, domain, lang, practices, private, workshop or not): ``day`` is the
        start of ``created_at`` as stored, its first ``date_chars`` characters (10: the UTC date, 7:
        the month), ``first`` the earliest ``created_at`` of the group (to read a date from),
        ``practices`` sorted without repeats. Counting 100,000 entries this way costs a fraction of
        streaming their facts into Python.
        """
        where, params = _selected(flt)
        with self._guard():
            rows = self._conn.execute(
                "SELECT substr(e.created_at, 1, ?), min(e.created_at), e.domain, e.lang,"
                " (SELECT group_concat(practice_id, char(31)) FROM (SELECT DISTINCT practice_id"
                "  FROM encounter_practices p WHERE p.encounter_seq = e.seq ORDER BY practice_id)) AS tried,"
                " e.private != 0, e.workshop IS NOT NULL, count(*)"
                f" FROM encounters e WHERE {where} GROUP BY 1, 3, 4, 5, 6, 7",
                [date_chars, *params],
            ).fetchall()
        return [
            FactGroup(
                day,
                first,
                domain,
                lang,
                tuple(tried.split("\x1f")) if tried else (),
                bool(private),
                bool(shop),
                count,
            )
            for day, first, domain, lang, tried, private, shop, count in rows
        ]

    def status_span(self, flt: Filter) -> tuple[dict[str, int], datetime | None, datetime | None]:
        """How many encounters of each status ``flt`` selects, and the first and last ``created_at``.

        Its limit is ignored. One pass over the (status, created_at) index, reading no table rows.
        """
        where, params = _where(flt)
        with self._guard():
            rows = self._conn.execute(
                "SELECT e.status, count(*), min(e.created_at), max(e.created_at) FROM encounters e"
                f" WHERE {where} GROUP BY e.status",
                params,
            ).fetchall()
        if not rows:
            return {}, None, None
        counts = {status: int(n) for status, n, _, _ in rows}
        return counts, from_iso(min(row[2] for row in rows)), from_iso(max(row[3] for row in rows))

    def tag_counts(self, flt: Filter) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
        """Among the encounters ``flt`` selects: how many carry each value, and rate each value so.

        ``({value: encounters}, {(value, rating): encounters})``; the limit is ignored. Counted by the
        database, through the created_at index when ``flt`` has a window, so counting a month of a
        large journal reads that month's rows only.
        """
        where, params = _where(flt)
        with self._guard():
            tags = self._conn.execute(
                "SELECT v.value_id, count(*) FROM encounters e JOIN encounter_values v"
                f" ON v.encounter_seq = e.seq WHERE {where} GROUP BY v.value_id",
                params,
            ).fetchall()
            rated = self._conn.execute(
                "SELECT r.value_id, r.rating, count(*) FROM encounters e JOIN ratings r"
                f" ON r.encounter_seq = e.seq WHERE {where} GROUP BY r.value_id, r.rating",
                params,
            ).fetchall()
        return (
            {value: int(n) for value, n in tags},
            {(value, int(rating)): int(n) for value, rating, n in rated},
        )

    def practice_counts(self, flt: Filter) -> dict[str, tuple[int, int, int, int]]:
        """For each practice the encounters ``flt`` selects used: ``(uses, rated, rating_sum, rating_n)``.

        ``uses`` counts encounters, ``rated`` those of them with at least one rating, and ``rating_sum``
        and ``rating_n`` add up all those encounters' ratings (of any value). The limit is ignored.
        The encounters are walked in file order (CROSS JOIN keeps them the outer loop): going from the
        practice index to each encounter would jump about the file, several times slower.
        """
        where, params = _where(flt)
        counts: dict[str, list[int]] = {}
        seen: set[tuple[int, str]] = set()
        with self._guard():
            rows = self._conn.execute(
                "SELECT p.encounter_seq, p.practice_id,"
                " (SELECT count(*) FROM ratings r WHERE r.encounter_seq = e.seq),"
                " (SELECT total(r.rating) FROM ratings r WHERE r.encounter_seq = e.seq)"
                " FROM encounters e CROSS JOIN encounter_practices p ON p.encounter_seq = e.seq"
                f" WHERE {where}",
                params,
            ).fetchall()
        for seq, practice, rating_n, rating_sum in rows:
            if (seq, practice) in seen:  # one practice listed twice counts once for its encounter
                continue
            seen.add((seq, practice))
            numbers = counts.get(practice)
            if numbers is None:
                numbers = counts[practice] = [0, 0, 0, 0]
            numbers[0] += 1
            if rating_n:
                numbers[1] += 1
                numbers[2] += int(rating_sum)
                numbers[3] += rating_n
        return {practice: (uses, rated, total, n) for practice, (uses, rated, total, n) in counts.items()}

    def next_steps(self, flt: Filter, *, pending_only: bool = False) -> builtins.list[NextStep]:
        """The next steps reflections ended on, newest first, within ``flt`` and at most ``flt.limit``.

        One per reflected encounter that has a non-empty answer to a ``next_step`` question (the last
        such answer if a pack asked two). Empty answers are told apart after unsealing, not in SQL,
        because sealed text will be opaque to SQL; so encounters are read in pages until ``limit``
        steps are found. ``flt.statuses``, when given, must include 'reflected' or nothing is found.
        ``pending_only`` keeps the steps not marked as followed up.
        """
        if flt.statuses and "reflected" not in flt.statuses:
            return []
        if flt.limit is not None and flt.limit < 1:
            return []
        where, params = _where(dataclasses.replace(flt, statuses=["reflected"]))
        # One seek in the answers_role index per encounter walked, newest first.
        where += " AND EXISTS (SELECT 1 FROM answers a WHERE a.role = ? AND a.encounter_seq = e.seq)"
        params.append(NEXT_STEP_ROLE)
        if pending_only:
            where += " AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.step_seq = e.seq)"
        # Most steps have text, so a page a little larger than the limit rarely needs a second one.
        size = _CHUNK if flt.limit is None else min(max(flt.limit, 20), _CHUNK)
        found: dict[int, NextStep] = {}
        after: tuple[str, int] | None = None
        with self._guard():
            while flt.limit is None or len(found) < flt.limit:
                clause, args = where, builtins.list(params)
                if after is not None:
                    clause += " AND e.created_at <= ? AND (e.created_at < ? OR e.seq < ?)"
                    args += [after[0], after[0], after[1]]
                rows = self._conn.execute(
                    "SELECT e.seq, e.id, e.created_at, e.domain, e.private,"
                    " EXISTS (SELECT 1 FROM follow_ups f WHERE f.step_seq = e.seq)"
                    f" FROM encounters e WHERE {clause} {_NEWEST_FIRST} LIMIT ?",
                    [*args, size],
                ).fetchall()
                texts = self._next_step_texts([row[0] for row in rows])
                for seq, id_, created_at, domain, private, followed in rows:
                    text = texts.get(seq)
                    if text is None:
                        continue
                    found[seq] = NextStep(
                        encounter_id=id_,
                        created_at=from_iso(created_at),
                        domain=domain,
                        practices=[],
                        values=[],
                        ratings={},
                        text=text,
                        followed_up=bool(followed),
                        private=bool(private),
                    )
                    if flt.limit is not None and len(found) == flt.limit:
                        break
                if len(rows) < size:
                    break
                after = (rows[-1][2], rows[-1][0])
            self._fill_tags(found, _seq_spans(builtins.list(found)))
        return builtins.list(found.values())

    def _next_step_texts(self, seqs: Sequence[int]) -> dict[int, str]:
        """seq -> the last non-empty next-step answer of that encounter (unsealed, stripped)."""
        texts: dict[int, str] = {}
        for condition, args in _seq_spans(seqs, dense=1):
            for seq, sealed in self._conn.execute(
                f"SELECT encounter_seq, answer FROM answers WHERE role = ? AND {condition}"
                " ORDER BY encounter_seq, position",
                [NEXT_STEP_ROLE, *args],
            ):
                text = _answer_text(json.loads(self._unseal(sealed)))
                if text:
                    texts[seq] = text
        return texts

    def mark_followed_up(self, step_encounter_id: str, by_encounter_id: str | None) -> None:
        """Record that the next step of one encounter (full id) was followed up, by another or by none.

        Marking again replaces the earlier mark (and its time). NotFoundError when either encounter
        is missing: a follow-up of nothing, or by nothing that exists, would be a dangling claim.
        """
        with self._write() as conn:
            step = self._seq_of(step_encounter_id)
            by = None if by_encounter_id is None else self._seq_of(by_encounter_id)
            conn.execute(
                "INSERT OR REPLACE INTO follow_ups (step_seq, followed_by_seq, at) VALUES (?, ?, ?)",
                (step, by, to_iso(utcnow())),
            )

    def unmark_followed_up(self, step_encounter_id: str) -> None:
        """Make an encounter's next step pending again. Unmarking an unmarked step is not an error."""
        with self._write() as conn:
            step = self._seq_of(step_encounter_id)
            conn.execute("DELETE FROM follow_ups WHERE step_seq = ?", (step,))

    # -- meta ----------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A small setting kept inside the journal (it travels with the file), or None."""
        with self._guard():
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def participant_secret(self) -> bytes:
        """A random 32-byte id made once per journal: research exports derive pseudonyms from it.

        Never exported itself; an HMAC of it under a study's key names the participant in that study.
        """
        stored = self.get_meta(PARTICIPANT_META_KEY)
        if stored is None:
            from secrets import token_hex  # here, not at the top: it loads OpenSSL (~5 ms of start-up)

            with self._write() as conn:  # two first exports at once must agree on one secret
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                    (PARTICIPANT_META_KEY, token_hex(32)),
                )
            stored = self.get_meta(PARTICIPANT_META_KEY)
            assert stored is not None
        return bytes.fromhex(stored)

    def scrub_names(self) -> builtins.list[str]:
        """Names the person asked to always scrub from exports and nudges, in the order added.

        Sealed like answers: they name citizens.
        """
        self.unlock()
        with self._guard():
            rows = self._conn.execute("SELECT name FROM scrub_names ORDER BY id").fetchall()
        return [self._unseal(name) for (name,) in rows]

    def set_scrub_names(self, names: Sequence[str]) -> None:
        """Replace the list (blank names dropped, duplicates kept once)."""
        self.unlock()
        unique = builtins.list(dict.fromkeys(name.strip() for name in names if name.strip()))
        with self._write() as conn:
            conn.execute("DELETE FROM scrub_names")
            conn.executemany(
                "INSERT INTO scrub_names (name) VALUES (?)", [(self._seal(name),) for name in unique]
            )

    # -- workshop runs -------------------------------------------------------------------------

    def save_workshop_run(self, run: WorkshopRun) -> None:
        """Insert or replace a run by id: called as steps complete, so an interrupted run keeps them."""
        self.unlock()
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO workshop_runs"
                " (id, workshop_id, title, participant, lang, started_at, finished_at, steps)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.id,
                    run.workshop_id,
                    run.title,
                    None if run.participant is None else self._seal(run.participant),
                    run.lang,
                    to_iso(run.started_at),
                    None if run.finished_at is None else to_iso(run.finished_at),
                    json.dumps(run.steps),
                ),
            )

    def list_workshop_runs(self, workshop_id: str | None = None) -> builtins.list[WorkshopRun]:
        """Runs, newest first; only those of ``workshop_id`` when given."""
        self.unlock()
        where, params = ("workshop_id = ?", [workshop_id]) if workshop_id is not None else ("1", [])
        with self._guard():
            rows = self._conn.execute(
                "SELECT id, workshop_id, title, participant, lang, started_at, finished_at, steps"
                f" FROM workshop_runs WHERE {where} ORDER BY started_at DESC, id",
                params,
            ).fetchall()
        return [
            WorkshopRun(
                id=id_,
                workshop_id=workshop,
                title=title,
                participant=None if participant is None else self._unseal(participant),
                lang=lang,
                started_at=from_iso(started),
                finished_at=None if finished is None else from_iso(finished),
                steps=json.loads(steps),
            )
            for id_, workshop, title, participant, lang, started, finished, steps in rows
        ]

    # -- drafts --------------------------------------------------------------------------------

    def save_draft(self, draft: Draft) -> None:
        """Insert or replace a draft by id; stamps ``updated_at`` now so the latest draft lists first."""
        self.unlock()
        draft.updated_at = utcnow()
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts (id, flow, created_at, updated_at, data)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    draft.id,
                    draft.flow,
                    to_iso(draft.created_at),
                    to_iso(draft.updated_at),
                    self._seal(json.dumps(draft.data, ensure_ascii=False)),
                ),
            )

    def list_drafts(self, flow: str | None = None) -> builtins.list[Draft]:
        """Drafts (of one flow, or all), most recently saved first."""
        sql = "SELECT id, flow, created_at, updated_at, data FROM drafts"
        params: tuple[str, ...] = ()
        if flow is not None:
            sql += " WHERE flow = ?"
            params = (flow,)
        with self._guard():
            rows = self._conn.execute(sql + " ORDER BY updated_at DESC, id", params).fetchall()
        return [
            Draft(
                id=id_,
                flow=flow_,
                data=json.loads(self._unseal(data)),
                created_at=from_iso(created_at),
                updated_at=from_iso(updated_at),
            )
            for id_, flow_, created_at, updated_at, data in rows
        ]

    def delete_draft(self, draft_id: str) -> None:
        """Forget a draft. Deleting one that is already gone is not an error: the outcome is the same."""
        with self._write() as conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # -- transactions and errors ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front so ``busy_timeout`` applies."""
        conn = self._conn
        with self._guard():
            conn.execute("BEGIN IMMEDIATE")
            try:
                if self._read_envelope() != self._envelope:
                    # Another process encrypted, decrypted or re-keyed the journal since we read it:
                    # text sealed the way we still think would be unreadable, or readable.
                    raise JournalError(_CHANGED_MEANWHILE)
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures a user can cause (and fix) into a one-line JournalError."""
        try:
            yield
        except sqlite3.Error as exc:
            error = _user_error(exc, self.path, self._busy_timeout)
            if error is None:
                raise  # a bug in our SQL, not something the user can fix
            raise error from exc


class _Tagged(Protocol):
    """What ``Store._fill_tags`` fills: Encounter, Facts and NextStep all have these."""

    practices: list[str]
    values: list[str]
    ratings: dict[str, int]


class _RecordTags:
    """A plain record's tags as ``Store._fill_tags`` fills them: the record's own list and dict."""

    __slots__ = ("practices", "ratings", "values")

    def __init__(self, record: dict[str, Any]) -> None:
        self.practices: list[str] = record["practices"]
        self.values: list[str] = record["values"]
        self.ratings: dict[str, int] = record["ratings"]


def _seq_spans(seqs: Sequence[int], dense: int = _DENSE) -> list[tuple[str, list[int]]]:
    """SQL conditions on ``encounter_seq`` (with their parameters) that together cover ``seqs``.

    One ``BETWEEN`` when the seqs fill at least 1/``dense`` of their range: entries are written in
    time order, so a page by date is usually a run of neighbouring seqs, and reading it in file order
    is much cheaper than a seek per entry. Otherwise ``IN`` lists of ``_CHUNK``. A range may cover
    seqs the caller did not ask for; callers skip those rows.
    """
    if not seqs:
        return []
    low, high = min(seqs), max(seqs)
    if high - low + 1 <= dense * len(seqs):
        return [("encounter_seq BETWEEN ? AND ?", [low, high])]
    ordered = sorted(seqs)
    return [
        (f"encounter_seq IN ({','.join('?' * len(chunk))})", chunk)
        for chunk in (ordered[start : start + _CHUNK] for start in range(0, len(ordered), _CHUNK))
    ]


def _answer_text(value: Any) -> str:
    """An answer as one line of text for showing back ('' when there is nothing to show)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(item.strip() for item in value if isinstance(item, str) and item.strip())
    return ""


def _where(flt: Filter) -> tuple[str, builtins.list[Any]]:
    """SQL conditions on ``encounters e`` for a Filter (its limit is the caller's business)."""
    clauses: builtins.list[str] = []
    params: builtins.list[Any] = []
    if flt.since is not None:
        clauses.append("e.created_at >= ?")
        params.append(to_iso(flt.since))
    if flt.until is not None:
        clauses.append("e.created_at < ?")
        params.append(to_iso(flt.until))
    if flt.statuses:
        statuses = builtins.list(dict.fromkeys(flt.statuses))
        if len(statuses) == 1:
            clauses.append("e.status = ?")  # the (status, created_at) index yields rows already in order
        else:
            # Unary + keeps the planner on the created_at index: a newest-first page then stops after
            # LIMIT rows instead of sorting every row of those statuses.
            clauses.append(f"+e.status IN ({','.join('?' * len(statuses))})")
        params.extend(statuses)
    if flt.domain is not None:
        clauses.append("e.domain = ?")
        params.append(flt.domain)
    if flt.workshop is not None:
        clauses.append("e.workshop = ?")
        params.append(flt.workshop)
    if flt.practice is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM encounter_practices p WHERE p.encounter_seq = e.seq AND p.practice_id = ?)"
        )
        params.append(flt.practice)
    for value in dict.fromkeys(flt.values):
        clauses.append(
            "EXISTS (SELECT 1 FROM encounter_values v WHERE v.encounter_seq = e.seq AND v.value_id = ?)"
        )
        params.append(value)
    return (" AND ".join(clauses) or "1"), params


def _selected(flt: Filter) -> tuple[str, builtins.list[Any]]:
    """A condition on ``encounters e`` (and its parameters) that holds for exactly the entries
    ``list(flt)`` selects: with a limit, the newest ``limit`` of those ``_where`` matches."""
    where, params = _where(flt)
    if flt.limit is None:
        return where, params
    return (
        f"e.seq IN (SELECT e.seq FROM encounters e WHERE {where} {_NEWEST_FIRST} LIMIT ?)",
        [*params, max(flt.limit, 0)],
    )


def fts_query(text: str) -> str:
    """Turn what a user typed into an FTS5 query that cannot be a syntax error.

    Each word becomes a quoted phrase, so FTS operators typed by the user are plain words; phrases
    side by side are ANDed. A trailing ``*`` stays outside the quotes to keep prefix matching.
    Words without a letter or digit are dropped: they produce no token and would match nothing.
    """
    terms: builtins.list[str] = []
    for word in text.split():
        prefix = word.endswith("*")
        core = word.rstrip("*")
        if not any(char.isalnum() for char in core):
            continue
        terms.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def searchable_text(answers: Sequence[Answer]) -> str:
    """What the search index sees of the answers: texts and the texts inside lists (numbers and yes/no say
    nothing a word search could find)."""
    parts: builtins.list[str] = []
    for answer in answers:
        parts.extend(_text_parts(answer.answer))
    return "\n".join(part for part in parts if part.strip())


def _text_parts(value: Any) -> builtins.list[str]:
    """The texts in one answer's value: itself if a string, its strings if a list, else none."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    try:
        return sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise _user_error(exc, path, busy_timeout) or JournalError(f"cannot open {path}: {exc}") from exc


def _use_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch the file to WAL (readers never block the writer), waiting out other processes doing the same.

    SQLite answers a journal-mode change with SQLITE_BUSY at once, without its busy handler, while
    another connection holds the file; that happens when several processes open a new journal
    together. So we retry until ``busy_timeout``. A journal already in WAL (every open after the
    first) needs no change and takes no lock.
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + busy_timeout
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY") or "locked" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _prepare_folder(folder: Path) -> None:
    """Create a missing folder 0700; tighten an existing one only if it is our own data folder.

    A folder named with ``--journal`` (say ~/Documents, or the current folder) belongs to the user:
    making it 0700 would surprise them, and the journal file in it is 0600 anyway.
    """
    if folder.exists() and folder.resolve() != data_dir().resolve():
        return
    ensure_private_dir(folder)


def _prepare_file(path: Path) -> None:
    """Create the journal 0600 ourselves, or check that an existing file is SQLite and make it 0600.

    The header check happens before SQLite opens the file, so a foreign file is never written to.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise JournalError(
            f"cannot create the journal {path}: {exc.strerror or exc}; check the folder's permissions"
        ) from exc
    else:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.chmod(0o600)  # exactly 0600 whatever the umask
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise JournalError(
            f"cannot read the journal {path}: {exc.strerror or exc}; check its permissions"
        ) from exc
    if head and head != SQLITE_HEADER:
        raise JournalError(
            f"{path} is not an encounters journal (not an SQLite database); it was left untouched:"
            " move it aside or use another journal path"
        )
    with contextlib.suppress(OSError):  # not ours to change (e.g. another user's file): SQLite will say so
        stat = path.stat()
        if stat.st_mode & 0o077 and stat.st_uid == getattr(os, "getuid", lambda: stat.st_uid)():
            path.chmod(0o600)


def _user_error(exc: sqlite3.Error, path: Path, busy_timeout: float) -> JournalError | None:
    """A one-line JournalError for failures the user can do something about, else None (a bug: re-raise)."""
    name = getattr(exc, "sqlite_errorname", "") or ""  # Python 3.11+; the message text covers 3.10
    text = str(exc).lower()

    def means(code: str, *phrases: str) -> bool:
        return name.startswith(code) or any(phrase in text for phrase in phrases)

    if means("SQLITE_BUSY", "database is locked") or name.startswith("SQLITE_LOCKED"):
        return JournalError(
            f"the journal {path} stayed locked by another program for over {busy_timeout:g} s;"
            " finish or close the other encounters session and try again"
        )
    if means("SQLITE_FULL", "database or disk is full"):
        return JournalError(f"the disk holding the journal {path} is full; free some space and try again")
    if means("SQLITE_READONLY", "readonly database"):
        return JournalError(
            f"the journal {path} is read-only; make it and its folder writable by you and try again"
        )
    if means("SQLITE_NOTADB", "file is not a database"):
        return JournalError(
            f"{path} is not an encounters journal (not an SQLite database); it was left untouched:"
            " move it aside or use another journal path"
        )
    if means("SQLITE_CORRUPT", "database disk image is malformed"):
        return JournalError(
            f"the journal {path} is damaged ({exc}); it was left untouched: restore it from a backup,"
            " or move it aside to start a new one"
        )
    if means("SQLITE_CANTOPEN", "unable to open database file"):
        return JournalError(
            f"cannot open the journal {path}; check that it and its folder are yours and writable"
        )
    if means("SQLITE_IOERR", "disk i/o error"):
        return JournalError(
            f"the disk failed while reading or writing the journal {path}; check it and try again"
        )
    if means("SQLITE_PERM", "access permission denied"):
        return JournalError(f"no permission to use the journal {path}; check its owner and permissions")
    if "no such module: fts5" in text:
        return JournalError(
            "this Python's SQLite has no FTS5 full-text search; use a Python build that includes it"
        )
    return None
