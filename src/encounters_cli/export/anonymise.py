"""Anonymisation at source: what ``export --anonymise`` turns each journal entry into.

Per export, in two passes over the same selection:

1. ``Anonymiser.plan_groups(store.fact_groups(flt))`` counts entries by their quasi-identifiers in
   SQL (``plan(store.iter_facts(flt))`` does the same from facts; no free text is read either way)
   and decides k-anonymity: which entries keep the chosen date precision, which are
   generalised (coarser period, then domain "other") and which are suppressed (``kanon.py``).
2. ``Anonymiser.transform_record(record)`` for each plain record of the same selection (exports read
   ``store.iter_records(flt)``; ``transform(encounter)`` does the same for an Encounter) returns
   the anonymised record (the shape in docs/research.md), or None for an entry left out (private, or
   suppressed by the plan).

Identifiers in free text are replaced by one ``privacy.Scrubber`` for the whole export, so
``[PERSON-1]`` is the same person in every record of it. Pseudonyms are HMAC-SHA256 under the
study key: the participant id from the journal's random participant secret, a record id from the
secret and the entry id. The same key gives the same pseudonyms in every export of the journal;
another study's key gives unlinkable ones. Nothing else identifying (entry ids, timestamps, times of
day, user or host names, paths) is copied into a record.

Core module: no typer, no rich.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from encounters_cli.errors import UsageError
from encounters_cli.export.kanon import PRECISIONS, Cell, PeriodCache, plan_cells
from encounters_cli.storage.records import Encounter, FactGroup, Facts, from_iso, to_iso

CHOICE_TYPES = frozenset({"choice", "multi_choice"})
_OPTION_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")  # catalogue ids (catalogue/models.py ID_PATTERN)
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z-]*-\d+\]")
MAX_EXAMPLES = 3
EXAMPLE_WIDTH = 36  # characters shown either side of a placeholder in an example

# (day, domain, lang, practices): what k-anonymity decides by, before any generalisation. The day is
# the start of ``created_at`` as stored (``Anonymiser.date_chars``), so a record's unit needs no date
# parsed.
Unit = tuple[str, "str | None", str, tuple[str, ...]]


@dataclass
class AnonymiseSettings:
    study_key: str
    date_precision: str = "month"  # day | week | month | quarter
    k: int = 5

    def __post_init__(self) -> None:
        if not self.study_key:
            raise UsageError("an anonymised export needs a study key (the one your researcher gave you)")
        if self.date_precision not in PRECISIONS:
            raise UsageError(
                f"unknown date precision '{self.date_precision}' (choose from {', '.join(PRECISIONS)})"
            )
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise UsageError(f"k must be a whole number of at least 1 (got {self.k!r})")


def keyed_hex(study_key: str, message: bytes, length: int) -> str:
    return hmac.new(study_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:length]


def participant_id(study_key: str, participant_secret: bytes) -> str:
    """'P-' and 12 hex of HMAC-SHA256(study key, participant secret): stable per study, unlinkable across."""
    return "P-" + keyed_hex(study_key, participant_secret, 12)


def record_id(study_key: str, participant_secret: bytes, entry_id: str) -> str:
    """16 hex of HMAC-SHA256(study key, participant secret || entry id)."""
    return keyed_hex(study_key, participant_secret + entry_id.encode("utf-8"), 16)


class AnonymisationReport:
    """What an anonymised export did, in counts. Never holds an original identifier.

    ``examples`` holds a few short scrubbed excerpts around placeholders, for the person exporting
    to see what was replaced; they are free text and never go into the data description.
    """

    def __init__(self, scrubber: Any) -> None:
        self._scrubber = scrubber
        self.private_left_out = 0
        self.suppressed = 0
        self.generalised: dict[str, int] = {}  # records per step taken
        self.generalised_records = 0  # records that took at least one step
        self.exported = 0
        self.examples: list[str] = []

    @property
    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced, per kind."""
        return dict(sorted(self._scrubber.counts.items()))

    @property
    def replaced(self) -> dict[str, int]:
        """Occurrences replaced, per kind."""
        return dict(sorted(self._scrubber.replaced.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "identifiers": self.counts,
            "identifier_occurrences": self.replaced,
            "private_left_out": self.private_left_out,
            "suppressed": self.suppressed,
            "generalised": dict(self.generalised),
            "generalised_records": self.generalised_records,
            "exported": self.exported,
        }


def make_scrubber(names: Sequence[str]) -> Any:
    """One Scrubber for the export, given the person's always-scrub names when it takes them."""
    from encounters_cli.privacy import Scrubber

    try:
        takes_names = "names" in inspect.signature(Scrubber).parameters
    except (TypeError, ValueError):
        takes_names = False
    return Scrubber(names=list(names)) if takes_names else Scrubber()


class Anonymiser:
    def __init__(
        self, settings: AnonymiseSettings, participant_secret: bytes, names: Sequence[str] = ()
    ) -> None:
        self.settings = settings
        self.participant = participant_id(settings.study_key, participant_secret)
        # HMAC(key, secret || id): the keyed state after the secret is computed once, copied per record
        self._record_mac = hmac.new(settings.study_key.encode("utf-8"), participant_secret, hashlib.sha256)
        self._scrubber = make_scrubber(names)
        self._scrub = self._scrubber.scrub
        self._period = PeriodCache()
        # Units are keyed by the start of created_at: the month is enough at month or quarter
        # precision (every day of a month has that month and quarter, so they share every step of
        # the plan, and there are far fewer units to plan); a week may straddle two months, so the
        # day is kept at day and week precision.
        self.date_chars = 7 if settings.date_precision in ("month", "quarter") else 10
        self._cells: dict[Unit, Cell | None] = {}
        self._planned = False
        self.report = AnonymisationReport(self._scrubber)

    # -- pass 1: k-anonymity ---------------------------------------------------------------------

    def plan(self, facts: Iterable[Facts]) -> None:
        """Count the selection by quasi-identifiers and decide generalisation and suppression."""
        units: Counter[Unit] = Counter()
        days: dict[str, date] = {}
        private = 0
        for fact in facts:
            if fact.private:
                private += 1
                continue
            if fact.workshop is not None:  # an exercise, not a citizen's encounter: see transform()
                continue
            day = to_iso(fact.created_at)[: self.date_chars]
            days.setdefault(day, fact.created_at.date())
            units[_unit(day, fact.domain, fact.lang, fact.practices)] += 1
        self._decide(units, days, private)

    def plan_groups(self, groups: Iterable[FactGroup]) -> None:
        """``plan`` from the selection's counts, ``Store.fact_groups(flt, self.date_chars)``, rather
        than its entries."""
        units: Counter[Unit] = Counter()
        days: dict[str, date] = {}
        private = 0
        for group in groups:
            if group.private:
                private += group.count
            elif not group.workshop:
                days.setdefault(group.day, from_iso(group.first).date())
                units[(group.day, group.domain, group.lang, group.practices)] += group.count
        self._decide(units, days, private)

    def _decide(self, units: Mapping[Unit, int], days: Mapping[str, date], private: int) -> None:
        period = self._period

        def start(unit: Unit) -> Cell:
            day, domain, lang, practices = unit
            precision = self.settings.date_precision
            return Cell(domain, period(days[day], precision), precision, lang, practices)

        def coarsen(unit: Unit, cell: Cell, precision: str) -> Cell:
            return cell._replace(period=period(days[unit[0]], precision), precision=precision)

        decided = plan_cells(units, start, coarsen, self.settings.k)
        self._cells = decided.cells
        self._planned = True
        self.report.private_left_out = private
        self.report.suppressed = decided.suppressed
        self.report.generalised = dict(sorted(decided.generalised.items()))
        self.report.generalised_records = decided.generalised_records

    # -- pass 2: records -------------------------------------------------------------------------

    def transform(self, encounter: Encounter) -> dict[str, Any] | None:
        """The anonymised record of ``encounter``, or None when it is left out."""
        return self._transform(encounter.to_json())

    def transform_record(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """``transform`` for the entry's plain record (``Encounter.to_json()``, as ``Store.iter_records``
        gives it): exports read entries that way, without building Encounters."""
        return self._transform(record)

    def _transform(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """The anonymised record of the plain ``record``, or None when it is left out."""
        if not self._planned:
            raise RuntimeError("Anonymiser.plan() must see the selection before transform()")
        if record["private"]:  # counted by plan()
            return None
        domain, lang, workshop = record["domain"], record["lang"], record["workshop"]
        if workshop is not None:
            # Written in a workshop run: an exercise with no citizen in it, so there is nobody for the
            # structured fields to single out. Kept at the export's precision, never generalised or
            # suppressed (a participant's handful of workshop answers would otherwise always be).
            precision = self.settings.date_precision
            day = from_iso(record["created_at"]).date()
            cell = Cell(domain, self._period(day, precision), precision, lang, ())
        else:
            unit = _unit(record["created_at"][: self.date_chars], domain, lang, record["practices"])
            found = self._cells.get(unit)
            if found is None:  # suppressed, or written after the plan was made (then it was not counted)
                if unit not in self._cells:
                    self.report.suppressed += 1
                return None
            cell = found
        mac = self._record_mac.copy()
        mac.update(record["id"].encode("utf-8"))
        label = record["label"]
        anonymised = {
            "id": mac.hexdigest()[:16],
            "participant": self.participant,
            "status": record["status"],
            "period": cell.period,
            "date_precision": cell.precision,
            "domain": cell.domain,
            "lang": lang,
            "practices": list(record["practices"]),
            "values": list(record["values"]),
            "ratings": dict(record["ratings"]),
            "label": self._text(label) if label else label,
            "workshop": workshop,
            "workshop_step": record["workshop_step"],
            "answers": [self._answer_record(answer) for answer in record["answers"]],
        }
        self.report.exported += 1
        return anonymised

    def _answer_record(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        value, kind = answer["answer"], answer["question_type"]
        if value.__class__ is str and value and kind not in CHOICE_TYPES:
            value = self._text(value)  # the common case, without a second call
        elif value is not None and value.__class__ is not int and value.__class__ is not bool:
            value = self._answer(value, kind)
        return {
            "question_id": answer["question_id"],
            "phase": answer["phase"],
            "question": answer["question"],  # the catalogue's wording, not the person's
            "question_type": kind,
            "role": answer["role"],
            "answer": value,
            "catalogue_version": answer["catalogue_version"],
        }

    def _text(self, text: str) -> str:
        scrubbed = self._scrub(text)
        if len(self.report.examples) < MAX_EXAMPLES and scrubbed != text:
            found = _PLACEHOLDER.search(scrubbed)
            if found:
                start, end = max(0, found.start() - EXAMPLE_WIDTH), found.end() + EXAMPLE_WIDTH
                excerpt = " ".join(scrubbed[start:end].split())
                self.report.examples.append(
                    f"{'…' if start else ''}{excerpt}{'…' if end < len(scrubbed) else ''}"
                )
        return scrubbed

    def _answer(self, value: Any, question_type: str) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            if not value or (question_type in CHOICE_TYPES and _OPTION_ID.fullmatch(value)):
                return value  # an option id; anything else in a choice answer is free text
            return self._text(value)
        if isinstance(value, list):
            return [self._answer(item, question_type) for item in value]
        return self._text(str(value))  # no other shapes are stored; text if one ever is


def _unit(day: str, domain: str | None, lang: str, practices: Iterable[str]) -> Unit:
    return (day, domain, lang, tuple(sorted(set(practices))))
