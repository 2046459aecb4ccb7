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
from typing import TYPE_CHECKING, Any

from encounters_cli.errors import EncountersError
from encounters_cli.export import Paged

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


class CsvExporter(Paged):
    name = "csv"
    suffix = ".csv"
    text = True
    sidecar = True  # the about goes to <out>.about.json

    def start(self, job: ExportJob) -> bytes:
        return (_wide_header(job) if job.wide else _tidy_header(job)).encode("utf-8")

    def page(self, records: Iterable[dict[str, Any]], job: ExportJob) -> tuple[int, bytes]:
        count, text = (_wide_rows if job.wide else _tidy_rows)(records, job)
        return count, text.encode("utf-8")


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


def _tidy_header(job: ExportJob) -> str:
    answer_columns = _ANONYMISED_ANSWER if job.anonymised else _PLAIN_ANSWER
    ratings = rating_columns(job.catalogue, job.rating_ids)
    columns = [*_head_columns(job.anonymised), *(RATING_PREFIX + value for value in ratings), "label"]
    return row([*columns, *answer_columns]) + CRLF


# An answer's columns but its answer and time, the same on thousands of rows, as CSV text once:
# (question_id, phase, role, question_type, question, catalogue_version) -> the text before the
# answer, and the text after its time.
_HEADS: dict[tuple[Any, ...], tuple[str, str]] = {}


def _tidy_rows(records: Iterable[dict[str, Any]], job: ExportJob) -> tuple[int, str]:
    """One row per answer. The text is put together here rather than by the csv module: an entry's
    twenty-odd columns are quoted once and repeated on each of its answer rows, and an answer's
    question columns, the same on thousands of rows, once per export (``_HEADS``)."""
    anonymised = job.anonymised
    ratings = rating_columns(job.catalogue, job.rating_ids)
    answer_columns = _ANONYMISED_ANSWER if anonymised else _PLAIN_ANSWER
    no_answer = "," * (len(answer_columns) - 1) + CRLF  # an entry without answers still has its row
    heads = _HEADS
    rated = set(ratings)
    chunk: list[str] = []
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
    return count, "".join(chunk)


def _wide_header(job: ExportJob) -> str:
    ratings = rating_columns(job.catalogue, job.rating_ids)
    questions = question_columns(job.catalogue, job.question_ids)
    text = io.StringIO(newline="")  # as written: the csv module puts in its own CRLF
    csv.writer(text, dialect="excel", lineterminator=CRLF).writerow(
        [
            *_head_columns(job.anonymised),
            *(RATING_PREFIX + value for value in ratings),
            "label",
            *(ANSWER_PREFIX + question_id for question_id in questions),
        ]
    )
    return text.getvalue()


def _wide_rows(records: Iterable[dict[str, Any]], job: ExportJob) -> tuple[int, str]:
    anonymised = job.anonymised
    ratings = rating_columns(job.catalogue, job.rating_ids)
    questions = question_columns(job.catalogue, job.question_ids)
    position = {question_id: index for index, question_id in enumerate(questions)}
    rows: list[list[str]] = []
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
    text = io.StringIO(newline="")
    csv.writer(text, dialect="excel", lineterminator=CRLF).writerows(rows)
    return len(rows), text.getvalue()


EXPORTER = CsvExporter()
