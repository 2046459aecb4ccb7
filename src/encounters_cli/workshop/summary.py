"""What a group chose and rated in a workshop, from the participants' anonymised exports (core layer).

For the debrief: a trainer collects each participant's ``encounters export --anonymise --workshop ID``
(json or jsonl) and asks, per step of the workshop, which values and practices the group chose, how
they rated the values (1–5, their own perception) and how they answered the choice questions.

- Only anonymised exports are read. A plain export (raw ids, timestamps, the private flag) is
  refused: a trainer should never hold one, and the message says how to make the right kind.
- Only records whose ``workshop`` is set count; ``workshop`` narrows to one. Several workshops in
  the files, and none asked for: each gets its own summary.
- The same record in two files (the same anonymised id) counts once.
- Free-text answers are counted, never quoted: the debrief shows what the group chose, not what
  one person wrote.

Everything here is plain data; the CLI draws it. Problems with a file raise ``ExportFileError``
naming the file (and the line of a jsonl file, or the item of a json export) in the asked language.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from encounters_cli.errors import EncountersError, UsageError
from encounters_cli.i18n import translate

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue

EXPORT_FORMAT = "encounters-export"
# Keys only a plain record has: their presence means the export was not anonymised.
PLAIN_ONLY_KEYS = ("created_at", "updated_at", "private")
# Answers whose role already shows as the record's values or ratings (or is free text).
ROLES_SHOWN_ELSEWHERE = ("values", "rating", "label", "intention", "next_step")
# Answers to these are counted per option; text answers only by their number.
COUNTED_TYPES = ("choice", "multi_choice", "scale", "yes_no")
RATING_SCALE = (1, 2, 3, 4, 5)

TEXTS: dict[str, dict[str, str]] = {
    "unreadable": {
        "en": "{where}: cannot read the file ({reason})",
        "fi": "{where}: tiedostoa ei voi lukea ({reason})",
    },
    "not_utf8": {
        "en": "{where}: not UTF-8 text; is this an export from encounters?",
        "fi": "{where}: ei ole UTF-8-tekstiä; onko tämä encounters-ohjelman vienti?",
    },
    "bad_json": {
        "en": "{where}: not valid JSON ({reason})",
        "fi": "{where}: ei ole kelvollista JSONia ({reason})",
    },
    "not_export": {
        "en": '{where}: not an encounters export (expected {{"format": "encounters-export", ...}} or one '
        "record per line)",
        "fi": '{where}: ei ole encounters-vienti (odotettiin {{"format": "encounters-export", ...}} tai '
        "yhtä tietuetta riviä kohden)",
    },
    "not_record": {
        "en": "{where}: expected a record (a JSON object), found {found}",
        "fi": "{where}: odotettiin tietuetta (JSON-objekti), löytyi {found}",
    },
    "bad_field": {
        "en": "{where}: '{field}' {expected} (found {found})",
        "fi": "{where}: '{field}' {expected} (löytyi {found})",
    },
    "expected.text": {"en": "must be text or null", "fi": "pitää olla tekstiä tai null"},
    "expected.ids": {"en": "must be a list of ids", "fi": "pitää olla luettelo tunnisteista"},
    "expected.ratings": {
        "en": "must map value ids to whole numbers from 1 to 5",
        "fi": "pitää liittää arvojen tunnisteisiin kokonaisluku 1–5",
    },
    "expected.answers": {
        "en": "must be a list of answers, each with a question_id",
        "fi": "pitää olla luettelo vastauksista, joilla kullakin on question_id",
    },
    "expected.encounters": {"en": "must be a list of records", "fi": "pitää olla luettelo tietueista"},
    "plain": {
        "en": "{where}: this export is not anonymised, and a workshop summary reads anonymised exports "
        "only; ask the participant for one made with: encounters export --anonymise --workshop {workshop}",
        "fi": "{where}: vientiä ei ole anonymisoitu, ja työpajan yhteenveto lukee vain anonymisoituja "
        "vientejä; pyydä osallistujalta vienti, joka on tehty komennolla: "
        "encounters export --anonymise --workshop {workshop}",
    },
    "no_files": {"en": "give at least one export file", "fi": "anna vähintään yksi vientitiedosto"},
    "no_records": {
        "en": "the files hold no records; an anonymised export leaves out private entries and those too "
        "rare to share under its --k (see 'suppressed' in the .about.json beside each export)",
        "fi": "tiedostoissa ei ole yhtään tietuetta; anonymisoitu vienti jättää pois yksityiset merkinnät "
        "ja ne, jotka ovat sen --k-asetukseen nähden liian harvinaisia jaettaviksi (katso 'suppressed' "
        "kunkin viennin vieressä olevasta .about.json-tiedostosta)",
    },
    "no_workshop_records": {
        "en": "none of the {records} records in the files was written in a workshop (their 'workshop' "
        "is empty); export with: encounters export --anonymise --workshop ID",
        "fi": "yhtäkään tiedostojen {records} tietueesta ei ole kirjoitettu työpajassa (niiden "
        "'workshop' on tyhjä); vie komennolla: encounters export --anonymise --workshop TUNNISTE",
    },
    "no_such_workshop": {
        "en": "no records of workshop '{workshop}' in the files (they hold: {found})",
        "fi": "tiedostoissa ei ole työpajan '{workshop}' tietueita (niissä on: {found})",
    },
    "line": {"en": "{path} line {line}", "fi": "{path} rivi {line}"},
    "item": {"en": "{path} encounters[{index}]", "fi": "{path} encounters[{index}]"},
    "found.list": {"en": "a list", "fi": "luettelo"},
    "found.text": {"en": "text", "fi": "tekstiä"},
    "found.number": {"en": "a number", "fi": "luku"},
    "found.bool": {"en": "true/false", "fi": "true/false"},
    "found.null": {"en": "null", "fi": "null"},
    "found.object": {"en": "an object", "fi": "objekti"},
}


def _t(lang: str, key: str, **values: object) -> str:
    return translate(TEXTS, lang, key, **values)


class ExportFileError(EncountersError):
    """A file given to the summary cannot be used; the message names it (and the line or item)."""


# --- the figures ------------------------------------------------------------------------------------


@dataclass
class ChoiceCount:
    """One value or practice at one step: how many participants chose it, in how many entries."""

    id: str
    name: str
    participants: int
    entries: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "participants": self.participants, "entries": self.entries}


@dataclass
class RatingFigures:
    """How a value was rated at one step: how many 1s … 5s, their mean and their number."""

    value_id: str
    name: str
    distribution: dict[int, int]
    n: int
    mean: float

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value_id,
            "name": self.name,
            "n": self.n,
            "mean": round(self.mean, 2),
            "distribution": {str(score): count for score, count in self.distribution.items()},
        }


@dataclass
class AnswerCount:
    answer: str
    label: str
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "label": self.label, "count": self.count}


@dataclass
class QuestionFigures:
    """The answers to one question of a step: counted per option; a text question only by number."""

    question_id: str
    question: str
    question_type: str
    answered: int
    counts: list[AnswerCount] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.question_id,
            "question": self.question,
            "type": self.question_type,
            "answered": self.answered,
            "counts": [item.to_json() for item in self.counts],
        }


@dataclass
class StepSummary:
    step: str | None  # None: entries of the workshop written outside any step
    entries: int
    participants: int
    values: list[ChoiceCount]
    practices: list[ChoiceCount]
    ratings: list[RatingFigures]
    questions: list[QuestionFigures]
    title: str | None = None  # from the script, when one was given

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "title": self.title,
            "entries": self.entries,
            "participants": self.participants,
            "values": [item.to_json() for item in self.values],
            "practices": [item.to_json() for item in self.practices],
            "ratings": [item.to_json() for item in self.ratings],
            "questions": [item.to_json() for item in self.questions],
        }


@dataclass
class WorkshopSummary:
    workshop: str
    participants: int
    files: int
    entries: int
    steps: list[StepSummary]

    def to_json(self) -> dict[str, Any]:
        return {
            "workshop": self.workshop,
            "participants": self.participants,
            "files": self.files,
            "entries": self.entries,
            "steps": [step.to_json() for step in self.steps],
        }


@dataclass
class Summary:
    workshops: list[WorkshopSummary]
    files: list[str]  # every export read, as given
    records: int  # every record read, in or outside a workshop
    outside: int  # records with no workshop (or another one than asked for): left out
    duplicates: int  # records met a second time (same anonymised id): counted once
    skipped: list[str] = field(default_factory=list)  # data-description sidecars given as exports

    def to_json(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "records": self.records,
            "left_out": self.outside,
            "duplicates": self.duplicates,
            "skipped": list(self.skipped),
            "workshops": [workshop.to_json() for workshop in self.workshops],
        }


# --- reading the exports ----------------------------------------------------------------------------


@dataclass
class Record:
    """One anonymised record, checked, with where it came from."""

    file: str
    where: str
    id: str | None
    participant: str
    workshop: str | None
    step: str | None
    practices: list[str]
    values: list[str]
    ratings: dict[str, int]
    answers: list[dict[str, Any]]


def _found(value: Any, lang: str) -> str:
    if value is None:
        return _t(lang, "found.null")
    if isinstance(value, bool):
        return _t(lang, "found.bool")
    if isinstance(value, (int, float)):
        return _t(lang, "found.number") + f" {value!r}"
    if isinstance(value, str):
        return _t(lang, "found.text") + f" {_short(value)!r}"
    if isinstance(value, list):
        return _t(lang, "found.list")
    return _t(lang, "found.object")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bad(where: str, name: str, expected: str, value: Any, lang: str, found: str = "") -> ExportFileError:
    found = found or _found(value, lang)
    return ExportFileError(
        _t(lang, "bad_field", where=where, field=name, expected=_t(lang, f"expected.{expected}"), found=found)
    )


def _text_or_none(raw: dict[str, Any], name: str, where: str, lang: str) -> str | None:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        raise _bad(where, name, "text", value, lang)
    return value


def _ids(raw: dict[str, Any], name: str, where: str, lang: str) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad(where, name, "ids", value, lang)
    return list(dict.fromkeys(value))  # a repeat in one record is one choice


def _ratings(raw: dict[str, Any], where: str, lang: str) -> dict[str, int]:
    value = raw.get("ratings")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(where, "ratings", "ratings", value, lang)
    for key, score in value.items():
        if isinstance(score, bool) or not isinstance(score, int) or score not in RATING_SCALE:
            raise _bad(where, "ratings", "ratings", score, lang, found=f"{_short(key)!r}: {score!r}")
    return dict(value)


def _answers(raw: dict[str, Any], where: str, lang: str) -> list[dict[str, Any]]:
    value = raw.get("answers")
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("question_id"), str) for item in value
    ):
        raise _bad(where, "answers", "answers", value, lang)
    return value


def _is_plain(raw: dict[str, Any]) -> bool:
    return any(key in raw for key in PLAIN_ONLY_KEYS) or not isinstance(raw.get("participant"), str)


def check_record(raw: Any, file: str, where: str, lang: str, workshop_hint: str) -> Record:
    """``raw`` as a ``Record``, or an error naming ``where`` and what is wrong with it."""
    if not isinstance(raw, dict):
        raise ExportFileError(_t(lang, "not_record", where=where, found=_found(raw, lang)))
    if _is_plain(raw):
        hint = raw.get("workshop") if isinstance(raw.get("workshop"), str) else workshop_hint
        raise ExportFileError(_t(lang, "plain", where=where, workshop=hint))
    record_id = raw.get("id")
    return Record(
        file=file,
        where=where,
        id=record_id if isinstance(record_id, str) else None,
        participant=raw["participant"],
        workshop=_text_or_none(raw, "workshop", where, lang),
        step=_text_or_none(raw, "workshop_step", where, lang),
        practices=_ids(raw, "practices", where, lang),
        values=_ids(raw, "values", where, lang),
        ratings=_ratings(raw, where, lang),
        answers=_answers(raw, where, lang),
    )


def _is_about(document: Any) -> bool:
    """A data description (the sidecar ``<out>.about.json``), not an export."""
    return isinstance(document, dict) and "format_version" in document and "encounters" not in document


def _sidecar_says_plain(path: Path) -> bool:
    """Whether a jsonl file's ``.about.json`` beside it says the export was not anonymised."""
    sidecar = path.with_name(path.name + ".about.json")
    try:
        about = json.loads(sidecar.read_text("utf-8"))
    except (OSError, ValueError):
        return False  # no readable sidecar: each record is checked on its own anyway
    return isinstance(about, dict) and about.get("anonymised") is False


def read_export(path: Path, lang: str = "en", workshop_hint: str = "ID") -> Iterator[Record] | None:
    """The records of one export file (json or jsonl, told apart by content), checked one by one.

    None when the file is a data-description sidecar rather than an export.
    """
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportFileError(_t(lang, "unreadable", where=name, reason=error.strerror or error)) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportFileError(_t(lang, "not_utf8", where=name)) from error
    stripped = text.lstrip()
    if not stripped:
        return iter(())
    if stripped.startswith("{") and not path.name.endswith((".jsonl", ".ndjson")):
        try:
            document = json.loads(text)
        except ValueError:
            document = None  # more than one line of JSON: a jsonl file with another name
        if isinstance(document, dict):
            if _is_about(document):
                return None
            if "encounters" in document or "format" in document:
                return _export_records(document, path, lang, workshop_hint)
    elif stripped.startswith("[") and not path.name.endswith((".jsonl", ".ndjson")):
        raise ExportFileError(_t(lang, "not_export", where=name))
    if _sidecar_says_plain(path):
        raise ExportFileError(_t(lang, "plain", where=name, workshop=workshop_hint))
    return _jsonl_records(text, name, lang, workshop_hint)


def _export_records(document: dict[str, Any], path: Path, lang: str, hint: str) -> Iterator[Record]:
    name = str(path)
    if document.get("format") != EXPORT_FORMAT:
        raise ExportFileError(_t(lang, "not_export", where=name))
    about = document.get("about")
    if isinstance(about, dict) and about.get("anonymised") is False:
        raise ExportFileError(_t(lang, "plain", where=name, workshop=hint))
    items = document.get("encounters")
    if not isinstance(items, list):
        raise _bad(name, "encounters", "encounters", items, lang)
    return (
        check_record(raw, name, _t(lang, "item", path=name, index=index), lang, hint)
        for index, raw in enumerate(items)
    )


def _jsonl_records(text: str, name: str, lang: str, hint: str) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = _t(lang, "line", path=name, line=number)
        try:
            raw = json.loads(line)
        except ValueError as error:
            reason = getattr(error, "msg", str(error))
            column = getattr(error, "colno", None)
            detail = f"{reason} at column {column}" if column else reason
            raise ExportFileError(_t(lang, "bad_json", where=where, reason=detail)) from error
        yield check_record(raw, name, where, lang, hint)


# --- counting ---------------------------------------------------------------------------------------


def summarise(
    paths: Iterable[Path],
    catalogue: Catalogue,
    lang: str = "en",
    *,
    workshop: str | None = None,
    script_steps: Sequence[tuple[str, str]] = (),
) -> Summary:
    """Read every export and count, per workshop and step, what the group chose and how they rated.

    Every file is read and checked before anything is counted, so one bad file stops the whole
    summary rather than leaving it silently short. ``script_steps`` ((id, title) in the script's
    order) orders and titles the steps; without it they come in the order they were written.
    """
    paths = list(paths)
    if not paths:
        raise UsageError(_t(lang, "no_files"))
    hint = workshop or "ID"
    records: list[Record] = []
    skipped: list[str] = []
    for path in paths:
        found = read_export(path, lang, hint)
        if found is None:
            skipped.append(str(path))
            continue
        records.extend(found)
    if not records:
        raise ExportFileError(_t(lang, "no_records"))

    seen: set[str] = set()
    duplicates = 0
    kept: list[Record] = []
    for record in records:
        if record.id is not None:
            if record.id in seen:
                duplicates += 1
                continue
            seen.add(record.id)
        kept.append(record)

    in_workshops = [record for record in kept if record.workshop]
    if not in_workshops:
        raise ExportFileError(_t(lang, "no_workshop_records", records=len(kept)))
    present = list(dict.fromkeys(record.workshop for record in in_workshops if record.workshop))
    if workshop is not None:
        if workshop not in present:
            raise ExportFileError(_t(lang, "no_such_workshop", workshop=workshop, found=", ".join(present)))
        present = [workshop]
    names = _Names(catalogue, lang)
    by_workshop: dict[str, list[Record]] = defaultdict(list)
    for record in in_workshops:
        if record.workshop in present:
            by_workshop[record.workshop].append(record)
    titles = dict(script_steps)
    summaries = [
        _workshop(
            workshop_id,
            by_workshop[workshop_id],
            names,
            _step_order(by_workshop[workshop_id], script_steps),
            titles,
        )
        for workshop_id in present
    ]
    used = sum(len(group) for group in by_workshop.values())
    return Summary(
        workshops=summaries,
        files=[str(path) for path in paths if str(path) not in skipped],
        records=len(records),
        outside=len(kept) - used,
        duplicates=duplicates,
        skipped=skipped,
    )


class _Names:
    """Names in the asked language from the catalogue; an id the catalogue does not know stays an id."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang
        self.value_order = {value_id: index for index, value_id in enumerate(catalogue.values)}

    def value(self, value_id: str) -> str:
        value = self.catalogue.values.get(value_id)
        return value.name.get(self.lang) if value else value_id

    def practice(self, practice_id: str) -> str:
        practice = self.catalogue.practices.get(practice_id)
        return practice.title.get(self.lang) if practice else practice_id

    def option(self, answer: str) -> str:
        """A choice answer's label: a value, practice or domain name when the id is one, else as given."""
        for table, attribute in (
            (self.catalogue.values, "name"),
            (self.catalogue.practices, "title"),
            (self.catalogue.domains, "name"),
        ):
            item = table.get(answer)
            if item is not None:
                return getattr(item, attribute).get(self.lang)
        return answer


def _step_order(records: list[Record], script_steps: Sequence[tuple[str, str]]) -> dict[str | None, int]:
    """Each step's place: the script's order when given; else the order the participants wrote them in.

    A participant runs the steps in order, so within one file an older entry is an earlier step
    (exports list the newest first, so each file is read from its end). The files' sequences are
    merged as a partial order (a step before another in any file comes first), ties broken by
    when a step was first met; should files contradict each other, the first-met order stands.
    Steps the script does not name follow its own, and entries outside any step come last.
    """
    order: dict[str | None, int] = {step_id: index for index, (step_id, _) in enumerate(script_steps)}
    sequences: dict[str, list[str]] = {record.file: [] for record in records}  # the files' order
    for record in reversed(records):
        sequence = sequences[record.file]
        if record.step is not None and record.step not in order and record.step not in sequence:
            sequence.append(record.step)
    for step in _merged(list(sequences.values())):
        order[step] = len(order)
    order[None] = len(order)
    return order


def _merged(sequences: list[list[str]]) -> list[str]:
    """One order that keeps every sequence's order where they agree (Kahn's algorithm)."""
    first_met = list(dict.fromkeys(step for sequence in sequences for step in sequence))
    after: dict[str, set[str]] = {step: set() for step in first_met}
    before_count = dict.fromkeys(first_met, 0)
    for sequence in sequences:
        for earlier, later in pairwise(sequence):
            if later not in after[earlier]:
                after[earlier].add(later)
                before_count[later] += 1
    out: list[str] = []
    ready = [step for step in first_met if before_count[step] == 0]
    while ready:
        step = min(ready, key=first_met.index)
        ready.remove(step)
        out.append(step)
        for later in after[step]:
            before_count[later] -= 1
            if before_count[later] == 0:
                ready.append(later)
    return out if len(out) == len(first_met) else first_met  # a contradiction: first met stands


def _workshop(
    workshop_id: str,
    records: list[Record],
    names: _Names,
    order: dict[str | None, int],
    titles: dict[str, str],
) -> WorkshopSummary:
    steps: dict[str | None, list[Record]] = defaultdict(list)
    for record in records:
        steps[record.step].append(record)
    ordered = sorted(steps, key=lambda step: order.get(step, len(order)))
    return WorkshopSummary(
        workshop=workshop_id,
        participants=len({record.participant for record in records}),
        files=len({record.file for record in records}),
        entries=len(records),
        steps=[_step(step, steps[step], names, titles.get(step or "")) for step in ordered],
    )


def _choices(records: list[Record], attribute: str, name: Any) -> list[ChoiceCount]:
    entries: Counter[str] = Counter()
    people: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for item_id in getattr(record, attribute):
            entries[item_id] += 1
            people[item_id].add(record.participant)
    counts = [ChoiceCount(item_id, name(item_id), len(people[item_id]), n) for item_id, n in entries.items()]
    counts.sort(key=lambda item: (-item.participants, -item.entries, item.name.casefold(), item.id))
    return counts


def _ratings_of(records: list[Record], names: _Names) -> list[RatingFigures]:
    scores: dict[str, list[int]] = defaultdict(list)
    for record in records:
        for value_id, score in record.ratings.items():
            scores[value_id].append(score)
    order = names.value_order
    figures = []
    for value_id in sorted(scores, key=lambda v: (order.get(v, len(order)), v)):
        given = scores[value_id]
        counted = Counter(given)
        figures.append(
            RatingFigures(
                value_id=value_id,
                name=names.value(value_id),
                distribution={score: counted.get(score, 0) for score in RATING_SCALE},
                n=len(given),
                mean=sum(given) / len(given),
            )
        )
    return figures


def _answer_key(answer: Any) -> list[str]:
    """The countable parts of one answer: each chosen option, a yes/no, a number."""
    if answer is None:
        return []
    if isinstance(answer, bool):
        return ["yes" if answer else "no"]
    if isinstance(answer, list):
        return [str(item) for item in answer if item is not None]
    return [str(answer)]


def _questions(records: list[Record], names: _Names) -> list[QuestionFigures]:
    figures: dict[str, QuestionFigures] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        for answer in record.answers:
            if answer.get("role") in ROLES_SHOWN_ELSEWHERE:
                continue
            value = answer.get("answer")
            if value is None or value == "" or value == []:
                continue
            question_id = answer["question_id"]
            qtype = answer.get("question_type") if isinstance(answer.get("question_type"), str) else "text"
            item = figures.get(question_id)
            if item is None:
                text = answer.get("question") if isinstance(answer.get("question"), str) else question_id
                item = figures[question_id] = QuestionFigures(question_id, text, qtype, 0)
            item.answered += 1
            if qtype in COUNTED_TYPES:
                counts[question_id].update(_answer_key(value))
    for question_id, item in figures.items():
        counted = counts.get(question_id, Counter())
        ordered = sorted(counted.items(), key=lambda pair: (-pair[1], _sort_key(pair[0])))
        item.counts = [AnswerCount(answer, names.option(answer), n) for answer, n in ordered]
    return list(figures.values())


def _sort_key(answer: str) -> tuple[int, float, str]:
    try:
        return (0, float(answer), answer)
    except ValueError:
        return (1, 0.0, answer)


def _step(step: str | None, records: list[Record], names: _Names, title: str | None) -> StepSummary:
    return StepSummary(
        title=title,
        step=step,
        entries=len(records),
        participants=len({record.participant for record in records}),
        values=_choices(records, "values", names.value),
        practices=_choices(records, "practices", names.practice),
        ratings=_ratings_of(records, names),
        questions=_questions(records, names),
    )
