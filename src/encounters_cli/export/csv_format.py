"""csv: tidy, one row per answer (the encounter's columns repeated), or ``--wide``: one row per encounter.

Made to be read without cleaning by Python's csv module, pandas, R and DuckDB: UTF-8 without a BOM,
RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes doubled, rows end in
CRLF), a header row, lists joined with ';', yes/no as true/false, nothing as an empty field.

The columns must be known before the first row is written, so they come from the catalogue (a
rating column per value, in catalogue order), and for ``--wide`` from a first pass over the selection
(``ExportJob.question_ids`` / ``rating_ids``, filled in by ``export/run.py``). The data description
goes beside the file, in ``<out>.about.json``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from encounters_cli.errors import EncountersError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.export import ExportJob

LIST_SEPARATOR = ";"
CRLF = "\r\n"  # RFC 4180 line end
_PLAIN_HEAD = (
    "id",
    "status",
    "created_at",
    "updated_at",
    "private",
    "domain",
    "lang",
    "workshop",
    "workshop_step",
    "practices",
    "values",
)
_ANONYMISED_HEAD = (
    "id",
    "participant",
    "status",
    "period",
    "date_precision",
    "domain",
    "lang",
    "workshop",
    "workshop_step",
    "practices",
    "values",
)
_PLAIN_ANSWER = (
    "question_id",
    "phase",
    "role",
    "question_type",
    "question",
    "answer",
    "answered_at",
    "catalogue_version",
)
_ANONYMISED_ANSWER = (
    "question_id",
    "phase",
    "role",
    "question_type",
    "question",
    "answer",
    "catalogue_version",
)
RATING_PREFIX = "rating_"
ANSWER_PREFIX = "answer_"
_ROWS_PER_WRITE = 512
_PIECES_PER_WRITE = 4 * _ROWS_PER_WRITE  # the tidy CSV's rows go to its chunk in pieces


def cell(value: Any) -> str:
    """One value as CSV text: lists joined with ';', true/false, numbers as digits, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell(item) for item in value)
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a shape we do not expect: keep it readable


def rating_columns(catalogue: Catalogue, seen: Sequence[str] | None) -> list[str]:
    """Value ids with a rating column: every value of the catalogue, then any other rated value seen."""
    ids = list(catalogue.values)
    known = set(ids)
    ids.extend(value for value in dict.fromkeys(seen or ()) if value not in known)
    return ids


def question_columns(catalogue: Catalogue, seen: Sequence[str] | None) -> list[str]:
    """Question ids for --wide, in the catalogue's order (question sets, then practices' before and
    after questions); only those ``seen`` when given, and seen ids the catalogue lacks after them."""
    ordered: dict[str, None] = {}
    for question_set in catalogue.question_sets.values():
        ordered.update(dict.fromkeys(question.id for question in question_set.questions))
    for practice_id, practice in catalogue.practices.items():
        for question in (*practice.before, *practice.after):
            ordered[f"{practice_id}.{question.id}"] = None
    if seen is None:
        return list(ordered)
    present = set(seen)
    return [qid for qid in ordered if qid in present] + [
        qid for qid in dict.fromkeys(seen) if qid not in ordered
    ]


class CsvExporter:
    name = "csv"
    suffix = ".csv"
    text = True
    sidecar = True  # the about goes to <out>.about.json

    def write(self, records: Iterable[dict[str, Any]], out: BinaryIO, job: ExportJob) -> int:
        # newline="": the csv module writes its own CRLF and must see line breaks inside fields as they are
        stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        try:
            count = (_write_wide if job.wide else _write_tidy)(records, stream, job)
            stream.flush()
        finally:
            stream.detach()  # the caller owns ``out``: do not close it
        return count


def _head_columns(anonymised: bool) -> tuple[str, ...]:
    return _ANONYMISED_HEAD if anonymised else _PLAIN_HEAD


def _encounter_cells(
    record: dict[str, Any], anonymised: bool, ratings: list[str], rated: set[str] | None = None
) -> list[str]:
    """An entry's columns before its answers. ``rated``: ``set(ratings)``, when the caller has it."""
    given = record.get("ratings") or {}
    unknown = given.keys() - (rated if rated is not None else set(ratings)) if len(given) else ()
    if unknown:
        value = sorted(unknown)[0]
        raise EncountersError(
            f"an entry rates '{value}', a value the catalogue does not have, so the CSV has no column for it:"
            " add the practice pack that defines it, or export as json or jsonl"
        )
    get = record.get
    if anonymised:
        head = [get("id"), get("participant"), get("status"), get("period"), get("date_precision")]
    else:
        head = [get("id"), get("status"), get("created_at"), get("updated_at"), get("private")]
    head += [
        get("domain"),
        get("lang"),
        get("workshop"),
        get("workshop_step"),
        get("practices"),
        get("values"),
    ]
    cells = [item if item.__class__ is str else cell(item) for item in head]
    if given:
        cells.extend("" if (score := given.get(value)) is None else str(score) for value in ratings)
    else:
        cells += [""] * len(ratings)
    cells.append(cell(get("label")))
    return cells


_HEADS_KEPT = 4096  # distinct question columns remembered; a journal has a few dozen


def field(text: str) -> str:
    """One field as RFC 4180 and the csv module's excel dialect write it: quoted when it holds a comma,
    a quote or a line break, its quotes doubled."""
    # four substring tests, not one regular expression: each is a memchr, the class a loop per character
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def row(cells: Iterable[str]) -> str:
    """Cells as one CSV line, without its line end."""
    cells = cells if isinstance(cells, list) else list(cells)
    line = ",".join(cells)
    # Most lines need no quoting: then the joined line has only the separators' commas and no quote
    # or line break, which four scans of it tell at once, rather than a test per cell.
    if line.count(",") == len(cells) - 1 and '"' not in line and "\n" not in line and "\r" not in line:
        return line
    return ",".join(map(field, cells))


def _plain(value: Any) -> str:
    """A column the tidy CSV has always written as ``value or ""``: text as it is, nothing as empty."""
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    return str(value) if value else ""


def _write_tidy(records: Iterable[dict[str, Any]], stream: TextIO, job: ExportJob) -> int:
    """One row per answer. The text is put together here rather than by the csv module: an entry's
    twenty-odd columns are quoted once and repeated on each of its answer rows, and an answer's
    question columns, the same on thousands of rows, once per export."""
    anonymised = job.anonymised
    ratings = rating_columns(job.catalogue, job.rating_ids)
    answer_columns = _ANONYMISED_ANSWER if anonymised else _PLAIN_ANSWER
    header = [
        *_head_columns(anonymised),
        *(RATING_PREFIX + value for value in ratings),
        "label",
        *answer_columns,
    ]
    chunk: list[str] = [row(header) + CRLF]
    no_answer = "," * (len(answer_columns) - 1) + CRLF  # an entry without answers still has its row
    # An answer's columns but its answer and time, the same on thousands of rows: CSV text once
    heads: dict[tuple[Any, ...], tuple[str, str]] = {}  # -> (question_id .. question + ",", "," + version)
    rated = set(ratings)
    count = 0
    for record in records:
        prefix = row(_encounter_cells(record, anonymised, ratings, rated)) + ","
        answers = record.get("answers") or ()
        if not answers:
            chunk.append(prefix + no_answer)
        for answer in answers:
            key = (
                answer["question_id"],
                answer["phase"],
                answer["role"],
                answer["question_type"],
                answer["question"],
                answer["catalogue_version"],
            )
            parts = heads.get(key)
            if parts is None:
                if len(heads) >= _HEADS_KEPT:
                    heads.clear()
                parts = heads[key] = (row(map(_plain, key[:5])) + ",", "," + field(_plain(key[5])) + CRLF)
            value = answer["answer"]
            text = field(value if value.__class__ is str else cell(value))
            # the pieces, not their sum: joining the chunk copies each piece once, '+' would again
            if anonymised:
                chunk += (prefix, parts[0], text, parts[1])
            else:
                chunk += (prefix, parts[0], text, ",", field(_plain(answer.get("answered_at"))), parts[1])
        count += 1
        if len(chunk) >= _PIECES_PER_WRITE:
            stream.write("".join(chunk))
            chunk.clear()
    stream.write("".join(chunk))
    return count


def _write_wide(records: Iterable[dict[str, Any]], stream: TextIO, job: ExportJob) -> int:
    writer = csv.writer(stream, dialect="excel", lineterminator=CRLF)
    anonymised = job.anonymised
    ratings = rating_columns(job.catalogue, job.rating_ids)
    questions = question_columns(job.catalogue, job.question_ids)
    position = {question_id: index for index, question_id in enumerate(questions)}
    writer.writerow(
        [
            *_head_columns(anonymised),
            *(RATING_PREFIX + value for value in ratings),
            "label",
            *(ANSWER_PREFIX + question_id for question_id in questions),
        ]
    )
    rows: list[list[str]] = []
    count = 0
    for record in records:
        answers: list[str | None] = [None] * len(questions)
        for answer in record.get("answers") or ():
            question_id = answer.get("question_id")
            index = position.get(question_id)  # type: ignore[arg-type]
            if index is None:
                raise EncountersError(
                    f"an entry answers the question '{question_id}', which has no column in this wide CSV;"
                    " export without --wide (one row per answer) or as json"
                )
            text = cell(answer.get("answer"))
            # the same question twice in one entry (a label asked before and after): keep both
            answers[index] = text if answers[index] is None else f"{answers[index]}\n{text}"
        rows.append(
            _encounter_cells(record, anonymised, ratings) + ["" if text is None else text for text in answers]
        )
        count += 1
        if len(rows) >= _ROWS_PER_WRITE:
            writer.writerows(rows)
            rows.clear()
    writer.writerows(rows)
    return count


EXPORTER = CsvExporter()
