"""Merging several participants' anonymised exports into one data set for a study.

Input: our ``json`` exports (the about inline) and ``jsonl`` exports (the about in the sidecar
``<file>.about.json``), made with ``export --anonymise`` under one study key. Output, in one folder:
``merged.jsonl``, ``merged.csv`` (tidy), ``merged.qdpx`` (when that format is available) and
``about.json`` (the merged description).

Everything is checked before anything is written: an export that is not anonymised, one made with
another study key, or codebooks that contradict each other (the same value or question id with a
different kind or type) refuse the merge with one line saying what differs. Then k-anonymity is
decided again over the merged records (``kanon.py``: a group of records that was big enough within one
participant's export can still be small among all of them only if it was at a different period; the
check is repeated because exports may come with different date precisions), records already coarser
stay as they are, and the records are written.

Memory: jsonl is read line by line; our json is read record by record from its ``encounters`` array
(any key order; the top level must be an object). Pass 1 keeps one small key per distinct
combination of quasi-identifiers and one 32-character id per record (to drop a record given twice);
pass 2 streams. Core module: no typer, no rich.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from encounters_cli.errors import EncountersError, NotFoundError
from encounters_cli.export import about as describing
from encounters_cli.export.kanon import PRECISIONS, Cell, period_date, period_of, plan_cells

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue

EXPORT_FORMAT = "encounters-export"
OUTPUT_FORMATS = ("jsonl", "csv", "qdpx")
OUTPUT_STEM = "merged"
ABOUT_NAME = "about.json"
_REQUIRED = ("id", "participant", "period", "date_precision", "lang", "answers")
_PLAIN_ONLY = ("created_at", "updated_at", "private")
_READ_CHUNK = 1 << 20
_RECORD_PSEUDONYM = re.compile(r"[0-9a-f]{16}")
_PARTICIPANT_PSEUDONYM = re.compile(r"P-[0-9a-f]{6,64}")
_VALID_PERIODS: set[tuple[Any, Any]] = set()  # (period, precision) pairs already checked: few distinct


class MergeError(EncountersError):
    """The exports cannot be merged; the message says which file and what differs."""


@dataclass
class ExportFile:
    path: Path
    format: str  # json | jsonl
    about: dict[str, Any]


@dataclass
class MergeResult:
    inputs: int
    participants: int
    entries: int
    suppressed: int
    generalised: dict[str, int]  # records per step taken ("month->quarter", "domain->other")
    generalised_records: int  # records that took at least one step
    duplicates: int
    written: list[Path] = field(default_factory=list)
    skipped_formats: list[str] = field(default_factory=list)  # formats not available in this version
    about: dict[str, Any] = field(default_factory=dict)


# -- reading -------------------------------------------------------------------------------------


def _display(path: Path) -> str:
    return path.name


def sidecar_of(path: Path) -> Path | None:
    """The about file beside a jsonl export: ``x.jsonl.about.json``, else ``x.about.json``."""
    for candidate in (path.with_name(path.name + ".about.json"), path.with_suffix(".about.json")):
        if candidate.is_file():
            return candidate
    return None


def _load_json(path: Path, what: str) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise MergeError(f"cannot read {_display(path)}: {exc.strerror or exc}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MergeError(f"{_display(path)} is not {what} (it does not read as JSON: {exc})") from exc


def _iter_json_export(path: Path, on_about: Callable[[dict[str, Any]], None]) -> Iterator[dict[str, Any]]:
    """Records of one of our json exports, one at a time; ``on_about`` gets the about when it is read.

    Our writer puts ``format`` and ``version`` first, then the ``encounters`` array, then ``about``;
    any other key order works too, as long as the top level is an object.
    """
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8") as handle:
        buffer = ""
        position = 0
        at_end = False

        def fill() -> bool:
            nonlocal buffer, position, at_end
            # at least as much again as is waiting: a value longer than a chunk costs reads that
            # double, not a re-parse per chunk
            chunk = handle.read(max(_READ_CHUNK, len(buffer) - position))
            if not chunk:
                at_end = True
                return False
            buffer = buffer[position:] + chunk
            position = 0
            return True

        def skip_space() -> str:
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n":
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not fill():
                    return ""

        def value() -> Any:
            nonlocal position
            while True:
                skip_space()
                try:
                    parsed, end = decoder.raw_decode(buffer, position)
                except json.JSONDecodeError:
                    if at_end or not fill():
                        raise
                    continue
                # a number at the end of the buffer may go on in the next chunk
                if end == len(buffer) and not at_end and fill():
                    continue
                position = end
                return parsed

        def expect(char: str) -> None:
            nonlocal position
            if skip_space() != char:
                found = buffer[position : position + 20] or "the end of the file"
                raise json.JSONDecodeError(f"expected {char!r}, found {found!r}", buffer, position)
            position += 1

        expect("{")
        if skip_space() == "}":
            return
        while True:
            key = value()
            expect(":")
            if key == "encounters" and skip_space() == "[":
                position += 1
                if skip_space() == "]":
                    position += 1
                else:
                    while True:
                        yield value()
                        char = skip_space()
                        position += 1
                        if char == "]":
                            break
                        if char != ",":
                            raise json.JSONDecodeError("expected ',' or ']'", buffer, position - 1)
            else:
                item = value()
                if key == "about" and isinstance(item, dict):
                    on_about(item)
            char = skip_space()
            position += 1
            if char == "}":
                return
            if char != ",":
                raise json.JSONDecodeError("expected ',' or '}'", buffer, position - 1)


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    loads = json.loads
    with path.open("rb") as handle:  # json.loads reads UTF-8 bytes itself: no text layer in between
        for number, line in enumerate(handle, start=1):
            try:
                yield number, loads(line)
            except ValueError:
                if line.strip():  # a blank line (one at the end, say) is no error
                    raise


def _json_about(path: Path) -> dict[str, Any] | None:
    """The about of a json export, read without keeping its records."""
    found: list[dict[str, Any]] = []
    for _ in _iter_json_export(path, found.append):
        pass
    return found[0] if found else None


def open_export(path: Path) -> ExportFile:
    """Recognise one input and read its about (not its records). Refuses what is not ours."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no such export file: {path}")
    name = _display(path)
    if path.name.endswith(".about.json"):
        raise MergeError(f"{name} is a data description; give the export beside it (its .jsonl file)")
    if path.suffix.lower() == ".jsonl":
        sidecar = sidecar_of(path)
        if sidecar is None:
            raise MergeError(
                f"{name} has no data description beside it (expected {path.name}.about.json, written by"
                " 'encounters export'); it cannot be checked, so it is not merged"
            )
        about = _load_json(sidecar, "a data description")
        fmt = "jsonl"
    elif path.suffix.lower() == ".json":
        try:
            about = _json_about(path)
        except OSError as exc:
            raise MergeError(f"cannot read {name}: {exc.strerror or exc}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise MergeError(f"{name} is not an encounters export (it does not read as JSON: {exc})") from exc
        fmt = "json"
    else:
        raise MergeError(
            f"{name} is not a json or jsonl export (merge reads the json and jsonl files 'encounters"
            " export --anonymise' writes; csv, md and qdpx cannot be read back)"
        )
    if not isinstance(about, dict) or "codebook" not in about:
        raise MergeError(f"{name} has no data description, so it is not an encounters export")
    if about.get("anonymised") is not True:
        raise MergeError(
            f"{name} is not anonymised; only exports made with 'encounters export --anonymise"
            " --study-key KEY' can be merged"
        )
    settings = about.get("settings") or {}
    if not isinstance(settings, dict) or not settings.get("study_key_check"):
        raise MergeError(f"{name} does not say which study key it was made with (settings.study_key_check)")
    return ExportFile(path, fmt, about)


def iter_records(export: ExportFile) -> Iterator[dict[str, Any]]:
    """The records of one export, checked to be anonymised ones."""
    name = _display(export.path)
    if export.format == "jsonl":
        try:
            for number, record in _iter_jsonl(export.path):
                problem = _problem(record)
                if problem:
                    raise MergeError(f"{name} line {number} {problem}")
                yield record
        except (ValueError, UnicodeDecodeError) as exc:
            raise MergeError(f"{name} has a line that is not JSON ({exc})") from exc
        return
    try:
        for index, record in enumerate(_iter_json_export(export.path, lambda _: None), start=1):
            problem = _problem(record)
            if problem:
                raise MergeError(f"{name} record {index} {problem}")
            yield record
    except (ValueError, UnicodeDecodeError) as exc:
        raise MergeError(f"{name} does not read as JSON ({exc})") from exc


def _problem(record: Any) -> str | None:
    """What makes ``record`` something other than an anonymised record, or None. Called for every
    record on every pass, so the usual case is a few dictionary lookups and two regular expressions."""
    if not isinstance(record, dict):
        return "is not a record (expected a JSON object)"
    answers = record.get("answers")
    if not isinstance(answers, list):
        return "has no answers list, so it is not an anonymised record"
    leaked = [key for key in _PLAIN_ONLY if key in record]
    if any(isinstance(answer, dict) and "answered_at" in answer for answer in answers):
        leaked.append("answered_at")
    if leaked:
        return f"is not anonymised (it has {', '.join(leaked)}); it is not merged"
    missing = [key for key in _REQUIRED if key not in record]
    if missing:
        return f"is not an anonymised record (it has no {', '.join(missing)})"
    ident, participant = record["id"], record["participant"]
    if not (isinstance(ident, str) and _RECORD_PSEUDONYM.fullmatch(ident)):
        return "has an id that is not a record pseudonym (16 hex digits)"
    if not (isinstance(participant, str) and _PARTICIPANT_PSEUDONYM.fullmatch(participant)):
        return "has a participant that is not a pseudonym ('P-' and hex digits)"
    period = (record["period"], record["date_precision"])
    if period not in _VALID_PERIODS:
        if period[1] not in PRECISIONS:
            return f"has an unknown date precision {period[1]!r}"
        try:
            period_date(str(period[0]), period[1])
        except ValueError as exc:
            return f"has a period that does not fit its precision ({exc})"
        _VALID_PERIODS.add(period)
    return None


# -- checking the descriptions agree -------------------------------------------------------------


def _question_key(question: dict[str, Any]) -> tuple[str, str]:
    return (str(question.get("set")), str(question.get("id")))


def merge_codebooks(exports: Sequence[ExportFile]) -> dict[str, Any]:
    """One codebook holding every code of every export; refuses contradictions, naming them.

    A value or question that appears in only some exports is fine (a practice pack one participant
    had): the union is kept. The same value id with another kind, or the same question id in the same
    set with another type, means the codes do not mean the same thing, and the merge stops.
    """
    values: dict[str, tuple[dict[str, Any], str]] = {}
    domains: dict[str, dict[str, Any]] = {}
    practices: dict[str, dict[str, Any]] = {}
    questions: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for export in exports:
        name = _display(export.path)
        book = export.about.get("codebook") or {}
        for value in book.get("values") or ():
            known = values.get(value.get("id"))
            if known is None:
                values[value.get("id")] = (value, name)
            elif known[0].get("kind") != value.get("kind"):
                raise MergeError(
                    f"the codebooks disagree: value '{value.get('id')}' is a {known[0].get('kind')} in"
                    f" {known[1]} but a {value.get('kind')} in {name}"
                )
        for domain in book.get("domains") or ():
            domains.setdefault(domain.get("id"), domain)
        for practice in book.get("practices") or ():
            practices.setdefault(practice.get("id"), practice)
        for question in book.get("questions") or ():
            key = _question_key(question)
            known_question = questions.get(key)
            if known_question is None:
                questions[key] = (dict(question), name)
                continue
            first = known_question[0]
            if first.get("type") != question.get("type"):
                raise MergeError(
                    f"the codebooks disagree: question '{key[1]}' ({key[0]}) is {first.get('type')} in"
                    f" {known_question[1]} but {question.get('type')} in {name}"
                )
            if first.get("options") and question.get("options"):
                have = {option.get("id") for option in first["options"]}
                first["options"] = first["options"] + [
                    option for option in question["options"] if option.get("id") not in have
                ]
    return {
        "values": [value for value, _ in values.values()],
        "domains": list(domains.values()),
        "practices": list(practices.values()),
        "questions": [question for question, _ in questions.values()],
    }


def _same_study(exports: Sequence[ExportFile]) -> str:
    first = exports[0]
    check = first.about["settings"]["study_key_check"]
    for export in exports[1:]:
        other = export.about["settings"]["study_key_check"]
        if other != check:
            raise MergeError(
                f"{_display(export.path)} was exported with another study key than {_display(first.path)}"
                f" (study key check {other} vs {check}); ask the participant to export again with the"
                " study's key"
            )
    return str(check)


# -- k-anonymity over the merged set -------------------------------------------------------------


def record_cell(record: dict[str, Any]) -> Cell:
    practices = record.get("practices") or ()
    return Cell(
        record.get("domain"),
        str(record["period"]),
        record["date_precision"],
        str(record.get("lang")),
        tuple(sorted(set(practices))),
    )


def _coarsen(unit: Cell, cell: Cell, precision: str) -> Cell:
    return cell._replace(
        period=period_of(period_date(cell.period, cell.precision), precision), precision=precision
    )


def _records(exports: Sequence[ExportFile], tally: Counter[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every record of every export once: a record given twice (two overlapping exports of one
    participant) has the same participant and record pseudonym, and only its first copy counts."""
    seen: dict[str, set[int]] = {}  # participant -> record pseudonyms as 64-bit numbers (small in memory)
    for export in exports:
        for record in iter_records(export):
            ids = seen.setdefault(record["participant"], set())
            ident = int(record["id"], 16)
            if ident in ids:
                if tally is not None:
                    tally["duplicates"] += 1
                continue
            ids.add(ident)
            yield record


# -- the merge -----------------------------------------------------------------------------------


def _sum_counts(exports: Sequence[ExportFile]) -> dict[str, Any]:
    totals: dict[str, Any] = {
        "identifiers": Counter(),
        "identifier_occurrences": Counter(),
        "private_left_out": 0,
        "suppressed": 0,
        "generalised": Counter(),
        "generalised_records": 0,
        "exported": 0,
    }
    for export in exports:
        counts = export.about.get("counts") or {}
        for key, total in totals.items():
            given = counts.get(key)
            if isinstance(total, Counter) and isinstance(given, dict):
                total.update({kind: n for kind, n in given.items() if isinstance(n, int)})
            elif isinstance(given, int) and not isinstance(given, bool):
                totals[key] += given
    return {
        key: dict(sorted(total.items())) if isinstance(total, Counter) else total
        for key, total in totals.items()
    }


def _one_or_mixed(items: Sequence[Any]) -> Any:
    unique = sorted({str(item) for item in items if item is not None})
    return unique[0] if len(unique) == 1 else ("mixed" if unique else None)


def merge(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    catalogue: Catalogue,
    lang: str = "en",
    k: int | None = None,
    formats: Sequence[str] = OUTPUT_FORMATS,
) -> MergeResult:
    """Check ``paths``, merge them, and write ``out_dir``/merged.* and about.json.

    ``k`` defaults to the largest k among the exports. ``catalogue`` is the one the writers name
    codes from (the csv's rating columns); the merged codebook in about.json comes from the exports.
    Nothing is written unless every check passes.
    """
    if not paths:
        raise MergeError("nothing to merge: give the exports' files")
    exports = [open_export(Path(path)) for path in dict.fromkeys(Path(p) for p in paths)]
    study_check = _same_study(exports)
    book = merge_codebooks(exports)
    input_ks = [export.about["settings"].get("k") for export in exports]
    if k is None:
        k = max((value for value in input_ks if isinstance(value, int)), default=5)
    if k < 1:
        raise MergeError(f"k must be at least 1 (got {k})")

    # pass 1: check every record, count the merged set by quasi-identifiers
    units: Counter[Cell] = Counter()
    rated: dict[str, None] = {}
    tally: Counter[str] = Counter()
    records = 0
    for record in _records(exports, tally):
        if not record.get("workshop"):  # workshop exercises are exempt, as in each export
            units[record_cell(record)] += 1
        rated.update(dict.fromkeys(record.get("ratings") or {}))
        records += 1
    plan = plan_cells(units, lambda unit: unit, _coarsen, k)
    participants: set[str] = set()

    def merged_records() -> Iterator[dict[str, Any]]:
        for record in _records(exports):
            if record.get("workshop"):
                participants.add(record["participant"])
                yield record
                continue
            cell = plan.cells[record_cell(record)]
            if cell is None:
                continue
            if cell.precision != record["date_precision"] or cell.domain != record.get("domain"):
                record = {
                    **record,
                    "period": cell.period,
                    "date_precision": cell.precision,
                    "domain": cell.domain,
                }
            participants.add(record["participant"])
            yield record

    settings = [export.about["settings"] for export in exports]
    result = MergeResult(
        inputs=len(exports),
        participants=0,
        entries=records - plan.suppressed,
        suppressed=plan.suppressed,
        generalised=dict(sorted(plan.generalised.items())),
        generalised_records=plan.generalised_records,
        duplicates=tally["duplicates"],
    )

    def description() -> dict[str, Any]:
        """Built once the records have been written: only then are the participants counted."""
        result.participants = len(participants)
        return describing.merged_description(
            book,
            inputs=result.inputs,
            participants=result.participants,
            entries=result.entries,
            counts=_sum_counts(exports),
            merge_counts={
                "k": k,
                "suppressed": result.suppressed,
                "generalised": result.generalised,
                "generalised_records": result.generalised_records,
                "duplicates": result.duplicates,
            },
            settings={
                "date_precision": _one_or_mixed([s.get("date_precision") for s in settings]),
                "date_precisions": sorted({str(s.get("date_precision")) for s in settings}),
                "k": k,
                "input_k": sorted({value for value in input_ks if isinstance(value, int)}),
                "study_key_check": study_check,
                "recognised": sorted({kind for s in settings for kind in s.get("recognised") or ()}),
            },
            catalogue_versions=[export.about.get("catalogue_version") for export in exports],
            lang=lang,
        )

    _write_outputs(out_dir, merged_records, description, catalogue, lang, list(rated), formats, result)
    return result


def _write_outputs(
    out_dir: Path,
    merged_records: Callable[[], Iterator[dict[str, Any]]],
    description: Callable[[], dict[str, Any]],
    catalogue: Catalogue,
    lang: str,
    rating_ids: list[str],
    formats: Sequence[str],
    result: MergeResult,
) -> None:
    """Write each format to a temporary file and move them all into place at the end.

    merged.jsonl is written first, from the inputs; the other formats are written from it.
    """
    from encounters_cli.export import FORMATS, ExportJob, exporter

    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # pseudonymised personal data
    except OSError as exc:
        raise MergeError(f"cannot create the folder {out_dir}: {exc.strerror or exc}") from exc
    job = ExportJob(
        catalogue=catalogue,
        lang=lang,
        anonymised=True,
        describe=lambda: result.about,
        rating_ids=rating_ids,
    )
    temps: list[Path] = []
    moves: list[tuple[Path, Path]] = []

    def temporary(target: Path) -> Path:
        """An empty 0600 file beside ``target``: readable by no one else, not even for a moment."""
        temp = out_dir / f".{target.name}.partial"
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        temps.append(temp)
        return temp

    try:
        jsonl_temp = temporary(out_dir / f"{OUTPUT_STEM}.jsonl")
        with jsonl_temp.open("wb") as out:
            exporter("jsonl").write(merged_records(), out, job)
        if "jsonl" in formats:
            moves.append((jsonl_temp, out_dir / f"{OUTPUT_STEM}.jsonl"))
        result.about = description()
        for name in formats:
            if name == "jsonl":
                continue
            try:
                writer = exporter(name)
            except ModuleNotFoundError as exc:  # a format this version does not have yet
                if exc.name != FORMATS.get(name):
                    raise  # the format is there but something it needs is not: say so
                result.skipped_formats.append(name)
                continue
            target = out_dir / f"{OUTPUT_STEM}{writer.suffix}"
            temp = temporary(target)
            with temp.open("wb") as out:
                writer.write(_read_back(jsonl_temp), out, job)
            moves.append((temp, target))
        about_temp = temporary(out_dir / ABOUT_NAME)
        about_temp.write_text(json.dumps(result.about, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        moves.append((about_temp, out_dir / ABOUT_NAME))
        for temp, target in moves:
            temp.replace(target)
            result.written.append(target)
    except OSError as exc:
        raise MergeError(f"cannot write in {out_dir}: {exc.strerror or exc}") from exc
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _read_back(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
