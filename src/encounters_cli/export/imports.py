"""Importing entries into the journal: our own json and jsonl exports, and jrnl's JSON export.

Every import reads the whole file twice. The first pass checks every entry and stops at the first
problem with a one-line error naming the file and the entry, before anything is written; the second
adds the entries. Nothing is held in memory but the entry being read, so a 100,000-entry export
imports in bounded memory.

Ids are kept, so an entry whose id is already in the journal is skipped and counted: importing the
same file twice adds nothing the second time. jrnl entries have no id; theirs is derived from the
entry's date, time and text (uuid5), so a re-import of the same jrnl export skips them too. Entries
are added a few hundred to a transaction (``Store.add_new``; one transaction per entry cost more than
the entry): if the disk fills half-way, what was added stays, and running the import again adds the
rest.

Anonymised exports are refused: they are for researchers, hold no dates or ids to restore, and
their records must never pass for someone's own journal.

Core module: no typer, no rich.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from encounters_cli.errors import EncountersError, NotFoundError
from encounters_cli.export import batches
from encounters_cli.export.json_format import FORMAT_NAME, FORMAT_VERSION
from encounters_cli.storage.records import PHASES, STATUSES, Answer, Encounter, from_iso

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.storage.journal import Store

SOURCES = ("encounters", "jrnl")
_ID = re.compile(r"[0-9a-f]{32}")
_CHUNK = 1 << 20
_BATCH = 500  # entries per transaction
# uuid5 namespace for ids of jrnl entries (a fixed random uuid: same entry, same id, on every machine)
JRNL_NAMESPACE = uuid.UUID("6f0e6c52-8a43-4d1e-9d0b-3a8f5c1e2b77")
JRNL_TAGS_ID = "jrnl-tags"
JRNL_STARRED_ID = "jrnl-starred"
JRNL_QUESTIONS = {
    JRNL_TAGS_ID: {"en": "Tags in jrnl", "fi": "Tunnisteet jrnl:ssä"},
    JRNL_STARRED_ID: {"en": "Starred in jrnl", "fi": "Tähdellä merkitty jrnl:ssä"},
}
ANONYMISED_REFUSAL = (
    "{file} is an anonymised research export: it has no dates or ids to restore and is meant for a"
    " researcher, not for a journal, so it cannot be imported"
)


class ImportFileError(EncountersError):
    """A file that cannot be imported; the message names the file and, when known, the entry."""


@dataclass
class ImportSummary:
    source: str  # "encounters" or "jrnl"
    added: int = 0
    skipped: int = 0  # already in the journal (same id)

    @property
    def total(self) -> int:
        return self.added + self.skipped


def import_file(
    store: Store,
    catalogue: Catalogue,
    path: Path,
    *,
    source: str = "encounters",
    lang: str = "en",
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Check every entry of ``path``, then add those not yet in the journal; see the module docstring.

    ``on_progress(done, total)`` is called now and then while adding.
    """
    if source not in SOURCES:
        raise ImportFileError(f"unknown import source '{source}' (choose from {', '.join(SOURCES)})")
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not found"
        raise ImportFileError(f"cannot import {path}: {what}")

    def entries() -> Iterator[Encounter]:
        if source == "jrnl":
            return _jrnl_entries(path, catalogue, lang)
        return _our_entries(path)

    count = 0
    for _ in entries():  # pass 1: everything is checked before anything is written
        count += 1
    store.unlock()  # an encrypted journal asks for its passphrase before the first write
    summary = ImportSummary(source)
    done = 0
    for batch in batches(entries(), _BATCH):
        added = store.add_new(batch)
        summary.added += added
        summary.skipped += len(batch) - added
        done += len(batch)
        if on_progress is not None:
            on_progress(done, count)
    if on_progress is not None and done < count:
        on_progress(count, count)
    return summary


# --- our json and jsonl -------------------------------------------------------------------------


def _our_entries(path: Path) -> Iterator[Encounter]:
    with _open_text(path) as handle:
        first = _first_line(handle)
        handle.seek(0)
        if not first:
            raise ImportFileError(f"{path} is empty: nothing to import")
        if _is_record_line(first):
            yield from _jsonl_entries(path, handle)
        else:
            yield from _document_entries(path, handle)


def _open_text(path: Path) -> TextIO:
    try:
        # utf-8-sig: a file saved by an editor that adds a BOM still reads
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from error


def _first_line(handle: TextIO) -> str:
    try:
        for line in handle:
            if line.strip():
                return line.strip()
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{handle.name} is not UTF-8 text, so not an encounters export") from error
    return ""


def _is_record_line(line: str) -> bool:
    """Whether the first line is a whole record (jsonl), rather than the start of a json document."""
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and "format" not in value and "entries" not in value


def _jsonl_entries(path: Path, handle: TextIO) -> Iterator[Encounter]:
    for number, line in _lines(path, handle):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            raise ImportFileError(f"{path}, line {number}: not valid JSON ({_reason(error)})") from None
        yield _encounter(record, f"{path}, line {number}")


def _lines(path: Path, handle: TextIO) -> Iterator[tuple[int, str]]:
    try:
        yield from enumerate(handle, start=1)
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{path} is not UTF-8 text, so not an encounters export") from error


def _document_entries(path: Path, handle: TextIO) -> Iterator[Encounter]:
    stream = _JsonStream(handle, path)
    if stream.is_array():  # what 'encounters list --json' prints: a list of plain records
        for index, record in enumerate(stream.array_items(), start=1):
            yield _encounter(record, f"{path}, entry {index}")
        stream.expect_end()
        return
    head: dict[str, Any] = {}
    for key, value in stream.object_items(stream_key="encounters"):
        if key != "encounters":
            head[key] = value
            continue
        if head.get("format") not in (None, FORMAT_NAME):
            break  # not ours: said below
        for index, record in enumerate(value, start=1):
            yield _encounter(record, f"{path}, entry {index}")
    if "entries" in head and "format" not in head:
        raise ImportFileError(f"{path} looks like a jrnl export: import it with --from jrnl")
    if head.get("format") != FORMAT_NAME:
        raise ImportFileError(f'{path} is not an encounters export (no "format": "{FORMAT_NAME}" in it)')
    version = head.get("version")
    if version != FORMAT_VERSION:
        raise ImportFileError(
            f"{path} is an encounters export of version {version!r}; this encounters reads version"
            f" {FORMAT_VERSION}: update encounters to import it"
        )
    about = head.get("about")
    if isinstance(about, dict) and about.get("anonymised"):
        raise ImportFileError(ANONYMISED_REFUSAL.format(file=path))


# Keys of a plain record, and what each must be. Anything else is refused, so a typo is not lost.
_RECORD_KEYS = {
    "id",
    "status",
    "created_at",
    "updated_at",
    "domain",
    "practices",
    "values",
    "ratings",
    "label",
    "private",
    "lang",
    "workshop",
    "workshop_step",
    "answers",
}
_ANSWER_KEYS = {
    "question_id",
    "phase",
    "question",
    "question_type",
    "answer",
    "role",
    "catalogue_version",
    "answered_at",
}


def _encounter(record: Any, where: str) -> Encounter:
    """A plain record (``Encounter.to_json()``) back as an Encounter, checked field by field."""
    if not isinstance(record, dict):
        raise ImportFileError(f"{where}: expected an object, found {_kind(record)}")
    if "participant" in record or ("period" in record and "created_at" not in record):
        raise ImportFileError(ANONYMISED_REFUSAL.format(file=where.rsplit(",", 1)[0]))
    missing = [key for key in ("id", "status", "created_at", "lang") if key not in record]
    if missing:
        raise ImportFileError(f"{where}: '{missing[0]}' is missing")
    unknown = sorted(set(record) - _RECORD_KEYS)
    if unknown:
        raise ImportFileError(f"{where}: unknown field '{unknown[0]}'")
    check = _Checker(where)
    encounter_id = check.text(record["id"], "id")
    if not _ID.fullmatch(encounter_id):
        raise ImportFileError(f"{where}: 'id' must be 32 lowercase hex characters, as encounters writes them")
    status = check.text(record["status"], "status")
    if status not in STATUSES:
        raise ImportFileError(f"{where}: 'status' must be one of {', '.join(STATUSES)} (found {status!r})")
    created = check.time(record["created_at"], "created_at")
    answers_in = record.get("answers") or []
    if not isinstance(answers_in, list):
        raise ImportFileError(f"{where}: 'answers' must be a list")
    return Encounter(
        id=encounter_id,
        status=status,
        lang=check.text(record["lang"], "lang"),
        created_at=created,
        updated_at=check.time(record.get("updated_at", record["created_at"]), "updated_at"),
        domain=check.optional_text(record.get("domain"), "domain"),
        practices=check.texts(record.get("practices"), "practices"),
        values=check.texts(record.get("values"), "values"),
        ratings=check.ratings(record.get("ratings")),
        label=check.optional_text(record.get("label"), "label"),
        private=check.flag(record.get("private", False), "private"),
        workshop=check.optional_text(record.get("workshop"), "workshop"),
        workshop_step=check.optional_text(record.get("workshop_step"), "workshop_step"),
        answers=[_answer(item, f"{where}, answer {number}") for number, item in enumerate(answers_in, 1)],
    )


def _answer(item: Any, where: str) -> Answer:
    if not isinstance(item, dict):
        raise ImportFileError(f"{where}: expected an object, found {_kind(item)}")
    missing = [key for key in ("question_id", "phase", "question", "question_type") if key not in item]
    if missing:
        raise ImportFileError(f"{where}: '{missing[0]}' is missing")
    unknown = sorted(set(item) - _ANSWER_KEYS)
    if unknown:
        raise ImportFileError(f"{where}: unknown field '{unknown[0]}'")
    check = _Checker(where)
    phase = check.text(item["phase"], "phase")
    if phase not in PHASES:
        raise ImportFileError(f"{where}: 'phase' must be one of {', '.join(PHASES)} (found {phase!r})")
    answered = item.get("answered_at")
    return Answer(
        question_id=check.text(item["question_id"], "question_id"),
        phase=phase,
        question=check.text(item["question"], "question"),
        question_type=check.text(item["question_type"], "question_type"),
        answer=check.answer(item.get("answer")),
        catalogue_version=check.text(item.get("catalogue_version", ""), "catalogue_version"),
        **({} if answered is None else {"answered_at": check.time(answered, "answered_at")}),
        role=check.optional_text(item.get("role"), "role"),
    )


class _Checker:
    """Field checks with one-line errors that say where."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, name: str, expected: str, value: Any) -> ImportFileError:
        return ImportFileError(f"{self.where}: '{name}' must be {expected} (found {_kind(value)})")

    def text(self, value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise self.fail(name, "text", value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ImportFileError(f"{self.where}: '{name}' is not valid UTF-8 text") from None
        return value

    def optional_text(self, value: Any, name: str) -> str | None:
        return None if value is None else self.text(value, name)

    def texts(self, value: Any, name: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(name, "a list of ids", value)
        return [self.text(item, name) for item in value]

    def flag(self, value: Any, name: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(name, "true or false", value)
        return value

    def time(self, value: Any, name: str) -> datetime:
        text = self.text(value, name)
        try:
            moment = from_iso(text)
        except ValueError:
            raise ImportFileError(
                f"{self.where}: '{name}' is not a time like 2026-11-27T14:30:00.000000Z (found {text!r})"
            ) from None
        return moment

    def ratings(self, value: Any) -> dict[str, int]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail("ratings", "an object of value ids and ratings", value)
        for value_id, score in value.items():
            self.text(value_id, "ratings")
            if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
                raise ImportFileError(f"{self.where}: the rating for '{value_id}' must be a whole number 1-5")
        return dict(value)

    def answer(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int)):
            return value
        if isinstance(value, str):
            return self.text(value, "answer")
        if isinstance(value, list):
            return [self.text(item, "answer") for item in value]
        raise self.fail("answer", "text, a list of texts, a number, true/false or null", value)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number"}
    if value is None:
        return "null"
    return names.get(type(value), type(value).__name__)


def _reason(error: ValueError) -> str:
    return getattr(error, "msg", None) or str(error)


class _JsonStream:
    """Read one large JSON object from a file key by key, the array under one key item by item.

    The array's items are decoded one at a time (``json.JSONDecoder.raw_decode`` on a sliding
    buffer), so a file of any size is read in bounded memory. Other keys' values are decoded whole.
    """

    def __init__(self, handle: TextIO, path: Path) -> None:
        self.handle = handle
        self.path = path
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decode = json.JSONDecoder().raw_decode

    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(_CHUNK)
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{self.path} is not UTF-8 text, so not an encounters export") from error
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str) -> str:
        char = self._peek()
        if not char or char not in chars:
            found = repr(char) if char else "the end of the file"
            raise ImportFileError(
                f"{self.path} is not valid JSON: expected {' or '.join(chars)}, found {found}"
            )
        self.pos += 1
        return char

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self.decode(self.buffer, self.pos)
            except ValueError as error:
                if self._fill():
                    continue  # the value went on past the buffer: read more and decode again
                raise ImportFileError(f"{self.path} is not valid JSON ({_reason(error)})") from None
            if end == len(self.buffer) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            if self.pos > _CHUNK:  # drop what was read so the buffer stays small
                self.buffer = self.buffer[self.pos :]
                self.pos = 0
            return value

    def _items(self) -> Iterator[Any]:
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self._value()
            if self._expect(",]") == "]":
                return

    def is_array(self) -> bool:
        return self._peek() == "["

    def array_items(self) -> Iterator[Any]:
        return self._items()

    def expect_end(self) -> None:
        if self._peek():
            raise ImportFileError(f"{self.path} is not valid JSON: more follows the end of the list")

    def object_items(self, stream_key: str) -> Iterator[tuple[str, Any]]:
        """(key, value) of the top-level object; the value of ``stream_key`` is an iterator of items.

        The caller must exhaust that iterator before asking for the next key.
        """
        if self._peek() != "{":
            raise ImportFileError(
                f"{self.path} is not an encounters export (neither a JSON object nor a list of entries)"
            )
        self.pos += 1
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise ImportFileError(f"{self.path} is not valid JSON: expected a key")
            self._expect(":")
            if key == stream_key and self._peek() == "[":
                items = self._items()
                yield key, items
                for _ in items:  # whatever the caller left unread
                    pass
            else:
                yield key, self._value()
            if self._expect(",}") == "}":
                if self._peek():
                    raise ImportFileError(
                        f"{self.path} is not valid JSON: more follows the end of the object"
                    )
                return


# --- jrnl -----------------------------------------------------------------------------------------


def _jrnl_entries(path: Path, catalogue: Catalogue, lang: str) -> Iterator[Encounter]:
    """jrnl's JSON export (``jrnl --export json``): ``{"tags": {...}, "entries": [{title, body, date,
    time, tags, starred, [uuid]}]}``, as jrnl's json exporter writes it."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not UTF-8 text, so not a jrnl JSON export") from None
    except ValueError as error:
        raise ImportFileError(f"{path} is not valid JSON ({_reason(error)})") from None
    if isinstance(document, dict) and document.get("format") == FORMAT_NAME:
        raise ImportFileError(
            f"{path} is an encounters export, not a jrnl one: import it without --from jrnl"
        )
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ImportFileError(
            f'{path} is not a jrnl JSON export (expected an object with a list of "entries";'
            " make one with 'jrnl --export json')"
        )
    tags = _TagMatcher(catalogue)
    note = _quick_note(catalogue, lang)
    for index, entry in enumerate(document["entries"], start=1):
        yield _jrnl_entry(entry, f"{path}, entry {index}", tags, note, catalogue.version, lang)


def _quick_note(catalogue: Catalogue, lang: str) -> tuple[str, str, str]:
    """(id, question text, type) of the note ``encounters log`` asks for, which a jrnl body becomes."""
    try:
        questions = catalogue.question_set("quick").questions
    except NotFoundError:
        return ("note", "What happened, and what did you notice?", "long_text")
    question = next((item for item in questions if item.id == "note"), questions[0])
    return (question.id, question.prompt.get(lang), question.type)


class _TagMatcher:
    """A jrnl tag ('@trust', '#Luottamus') to a value id by the value's id or its name in en or fi."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.values: dict[str, str] = {}
        for value in catalogue.values.values():
            for word in (value.id, value.name.en, value.name.fi):
                self.values.setdefault(word.casefold(), value.id)

    def value(self, tag: str) -> str | None:
        return self.values.get(tag.lstrip("@#+&%!~*").casefold())


def _jrnl_entry(
    entry: Any, where: str, tags: _TagMatcher, note: tuple[str, str, str], version: str, lang: str
) -> Encounter:
    if not isinstance(entry, dict):
        raise ImportFileError(f"{where}: expected an object, found {_kind(entry)}")
    check = _Checker(where)
    for key in ("date", "title"):
        if key not in entry:
            raise ImportFileError(f"{where}: '{key}' is missing (is this a jrnl JSON export?)")
    day = check.text(entry["date"], "date")
    clock = check.text(entry.get("time") or "00:00", "time")
    try:
        # jrnl writes the local time of the machine it ran on; we take it as this machine's
        created = datetime.fromisoformat(f"{day}T{clock}").astimezone().astimezone(timezone.utc)
    except ValueError:
        raise ImportFileError(
            f"{where}: cannot read the date {day!r} and time {clock!r} (jrnl writes YYYY-MM-DD and HH:MM)"
        ) from None
    title = " ".join(check.text(entry["title"], "title").split())
    body = check.text(entry.get("body") or "", "body").strip("\n")
    starred = check.flag(entry.get("starred", False), "starred")
    values: list[str] = []
    kept: list[str] = []
    for tag in check.texts(entry.get("tags"), "tags"):
        value = tags.value(tag)
        if value is not None:
            values.append(value)
        else:
            kept.append(tag)
    note_id, note_question, note_type = note
    answers = [Answer(note_id, "quick", note_question, note_type, body or title, version, created)]
    if kept:
        question = JRNL_QUESTIONS[JRNL_TAGS_ID].get(lang, JRNL_QUESTIONS[JRNL_TAGS_ID]["en"])
        answers.append(Answer(JRNL_TAGS_ID, "quick", question, "multi_choice", kept, version, created))
    if starred:
        question = JRNL_QUESTIONS[JRNL_STARRED_ID].get(lang, JRNL_QUESTIONS[JRNL_STARRED_ID]["en"])
        answers.append(Answer(JRNL_STARRED_ID, "quick", question, "yes_no", True, version, created))
    given = entry.get("uuid")
    if isinstance(given, str) and _ID.fullmatch(given.replace("-", "").lower()):
        entry_id = given.replace("-", "").lower()
    else:
        entry_id = uuid.uuid5(JRNL_NAMESPACE, f"{day} {clock}\n{title}\n{body}").hex
    return Encounter(
        id=entry_id,
        status="logged",
        lang=lang,
        created_at=created,
        updated_at=created,
        values=list(dict.fromkeys(values)),
        label=title or None,
        answers=answers,
    )
