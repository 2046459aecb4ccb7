"""The journal file: the only module in encounters that speaks SQL.

Shape, with what is coming in mind:

- Free text (labels, answers, draft data) passes through ``Store._seal``/``Store._unseal`` on every
  write and read, so encryption at rest can plug in there without touching a query.
- The search index (FTS5 ``encounter_text``) is filled here rather than by triggers because it must
  see the *unsealed* text; when encryption arrives it is the one place to decide what the index keeps.
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
from typing import Any, Protocol

from encounters_cli.errors import AmbiguousIdError, JournalError, NotFoundError
from encounters_cli.storage import migrations
from encounters_cli.storage.paths import data_dir, ensure_private_dir
from encounters_cli.storage.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Answer,
    Draft,
    Encounter,
    Facts,
    Filter,
    NextStep,
    SearchHit,
    from_iso,
    to_iso,
    utcnow,
)

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
_ENCOUNTER_COLUMNS = "e.seq, e.id, e.status, e.created_at, e.updated_at, e.domain, e.lang, e.label, e.private"
_NEWEST_FIRST = "ORDER BY e.created_at DESC, e.seq DESC"


class Store:
    """An open journal. Get one with ``Store.open(path)``; use it as a context manager or ``close()`` it."""

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
        self._conn = conn
        self.path = path
        self._busy_timeout = busy_timeout

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Store:
        """Open (creating if needed) the journal at ``path`` and bring its schema up to date.

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
        try:
            conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _user_error(exc, path, busy_timeout) or JournalError(f"cannot open {path}: {exc}") from exc
        store = cls(conn, path, busy_timeout)
        try:
            with store._guard():
                # Read-only checks first: a damaged, foreign or newer file fails before anything is written.
                migrations.check(conn, path=str(path))
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                _use_wal(conn, busy_timeout)
                migrations.migrate(conn, path=str(path))
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (safe to call twice); the last one out folds the WAL back into the file."""
        self._conn.close()

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

    def _seal(self, text: str) -> str:
        """Encode free text on its way into the file. Identity today; encryption at rest plugs in here."""
        return text

    def _unseal(self, text: str) -> str:
        """Inverse of ``_seal`` for text read back from the file."""
        return text

    # -- encounters: writing -------------------------------------------------------------------

    def add(self, encounter: Encounter) -> None:
        """Store a new encounter with its practices, values, ratings, answers and search text, atomically."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO encounters (id, status, created_at, updated_at, domain, lang, label, private)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (encounter.id, *self._encounter_fields(encounter)),
            )
            seq = cursor.lastrowid
            assert seq is not None  # an INSERT into a rowid table always sets it
            self._insert_children(seq, encounter)

    def update(self, encounter: Encounter) -> None:
        """Replace a stored encounter by id (children and search text included); stamps ``updated_at`` now."""
        previous = encounter.updated_at
        encounter.updated_at = utcnow()
        try:
            with self._write() as conn:
                seq = self._seq_of(encounter.id)
                conn.execute(
                    "UPDATE encounters SET status = ?, created_at = ?, updated_at = ?, domain = ?, lang = ?,"
                    " label = ?, private = ? WHERE seq = ?",
                    (*self._encounter_fields(encounter), seq),
                )
                for table in _CHILD_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE encounter_seq = ?", (seq,))
                conn.execute("DELETE FROM encounter_text WHERE rowid = ?", (seq,))
                self._insert_children(seq, encounter)
        except BaseException:
            encounter.updated_at = previous  # nothing was stored, so the object should not claim it was
            raise

    def delete(self, encounter_id: str) -> None:
        """Remove an encounter (full id) with its children and its search text."""
        with self._write() as conn:
            seq = self._seq_of(encounter_id)
            conn.execute("DELETE FROM encounter_text WHERE rowid = ?", (seq,))
            conn.execute("DELETE FROM encounters WHERE seq = ?", (seq,))  # children go by ON DELETE CASCADE

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
        if batch < 1:
            raise ValueError("batch must be at least 1")
        where, params = _where(flt)
        remaining = flt.limit
        after: tuple[str, int] | None = None
        while remaining is None or remaining > 0:
            size = batch if remaining is None else min(batch, remaining)
            clause, args = where, list(params)
            if after is not None:
                clause += " AND e.created_at <= ? AND (e.created_at < ? OR e.seq < ?)"
                args += [after[0], after[0], after[1]]
            with self._guard():
                rows = self._conn.execute(
                    f"SELECT {_ENCOUNTER_COLUMNS} FROM encounters e WHERE {clause} {_NEWEST_FIRST} LIMIT ?",
                    [*args, size],
                ).fetchall()
                page = self._load(rows)
            yield from page
            if len(rows) < size:
                return
            if remaining is not None:
                remaining -= len(rows)
            after = (rows[-1][3], rows[-1][0])

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
        match = fts_query(query)
        if not match:
            return []
        where, params = _where(flt)
        sql = (
            f"SELECT {_ENCOUNTER_COLUMNS}, bm25(encounter_text, {LABEL_WEIGHT}, 1.0) AS rank_,"
            f" snippet(encounter_text, -1, ?, ?, '…', {SNIPPET_TOKENS})"
            " FROM encounter_text JOIN encounters e ON e.seq = encounter_text.rowid"
            f" WHERE encounter_text MATCH ? AND {where}"
            " ORDER BY rank_, e.created_at DESC, e.seq DESC LIMIT ?"
        )
        limit = -1 if flt.limit is None else flt.limit
        with self._guard():
            rows = self._conn.execute(sql, [HIGHLIGHT_START, HIGHLIGHT_END, match, *params, limit]).fetchall()
            encounters = self._load([row[:9] for row in rows])
        return [
            SearchHit(encounter=encounter, score=-float(row[9]), snippet=row[10] or "")
            for encounter, row in zip(encounters, rows, strict=True)
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
        for seq, id_, status, created_at, updated_at, domain, lang, label, private in rows:
            by_seq[seq] = Encounter(
                id=id_,
                status=status,
                lang=lang,
                created_at=from_iso(created_at),
                updated_at=from_iso(updated_at),
                domain=domain,
                label=None if label is None else self._unseal(label),
                private=bool(private),
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
                    "SELECT e.seq, e.id, e.created_at, e.status, e.domain FROM encounters e"
                    f" WHERE {clause} ORDER BY e.created_at, e.seq LIMIT ?",
                    [*args, batch],
                ).fetchall()
                page = {
                    seq: make(id_, parse(created_at), status, domain, [], [], {})
                    for seq, id_, created_at, status, domain in rows
                }
                self._fill_tags(page, _seq_spans(builtins.list(page)))
            yield from page.values()  # a dict keeps the page's (oldest first) order
            if len(rows) < batch:
                return
            after = (rows[-1][2], rows[-1][0])

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

    # -- drafts --------------------------------------------------------------------------------

    def save_draft(self, draft: Draft) -> None:
        """Insert or replace a draft by id; stamps ``updated_at`` now so the latest draft lists first."""
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
        value = answer.answer
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(item for item in value if isinstance(item, str))
    return "\n".join(part for part in parts if part.strip())


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
