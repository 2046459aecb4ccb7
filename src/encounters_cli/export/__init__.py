"""Exports: a registry of formats, one module per format, each with a module-level ``EXPORTER``.

Nothing heavy is imported here: ``--format`` choices come from ``FORMATS`` without loading any format,
and ``exporter(name)`` imports the one module asked for. The flow that selects, (optionally)
anonymises and writes lives in ``export/run.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from encounters_cli.errors import UsageError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue

T = TypeVar("T")

FORMATS: dict[str, str] = {
    "json": "encounters_cli.export.json_format",
    "jsonl": "encounters_cli.export.jsonl_format",
    "csv": "encounters_cli.export.csv_format",
    "md": "encounters_cli.export.markdown_format",
    "qdpx": "encounters_cli.export.qdpx",
}


@dataclass
class ExportJob:
    """What a writer needs besides the records."""

    catalogue: Catalogue
    lang: str
    anonymised: bool
    # The data description ("about"). Call it AFTER the records iterator is exhausted to get final
    # counts; its static parts (settings, codebook) may be read earlier.
    describe: Callable[[], dict[str, Any]]
    wide: bool = False  # csv only: one row per encounter instead of one per answer
    # csv --wide: the question ids and rated value ids the selection holds (a first pass found them),
    # so the columns are known before the first row. None: the catalogue's ids.
    question_ids: Sequence[str] | None = None
    rating_ids: Sequence[str] | None = None


class Exporter(Protocol):
    """One format. Records are ``Encounter.to_json()`` dicts, or anonymised records (SHARED.md).

    A format that writes records as JSON may also say ``takes_text = True``: it is then also given
    a record as its JSON text (what ``json.dumps(record, ensure_ascii=False)`` writes, as a ``str``
    or UTF-8 ``bytes``), and ``export/run.py`` hands it a journal's plain records that way, straight
    from ``Store.iter_record_bytes``, never parsed. Without it (the default), records are dicts.
    """

    name: str  # "csv"
    suffix: str  # ".csv"
    text: bool  # may be written to stdout with --out -

    def write(self, records: Iterable[dict[str, Any]], out: BinaryIO, job: ExportJob) -> int:
        """Write every record to ``out`` (streaming: never hold them all); return how many were written."""
        ...


PAGE_SIZE = 500  # records in a page read from the journal: a couple of megabytes of text at most
_STREAM_PAGE = 128  # records in a page of a stream (in_pages), held as dicts while it is formatted


class Paged:
    """A format whose body is its records' pages one after another: ``start``, each page's bytes
    (``page``), ``separator`` between two pages that hold records, then ``end``; by default nothing
    but the pages. A page is formatted on its own, so ``export/pages.py`` can have several processes
    format pages at once; ``write`` formats a stream of records page by page in this one."""

    separator = b""

    def start(self, job: ExportJob) -> bytes:
        """What comes before the first record (a header row, the opening of a document)."""
        return b""

    def page(self, records: Iterable[Any], job: ExportJob) -> tuple[int, bytes]:
        """Some records, formatted: how many there were, and their bytes."""
        raise NotImplementedError

    def end(self, job: ExportJob, count: int) -> bytes:
        """What comes after the last of ``count`` records; ``job.describe()`` is final by now."""
        return b""

    def write(self, records: Iterable[Any], out: BinaryIO, job: ExportJob) -> int:
        return write_pages(self, in_pages(self, records, job), out, job)


def is_paged(chosen: Exporter) -> bool:
    """Whether ``chosen`` is written in pages (see ``Paged``)."""
    return isinstance(chosen, Paged)


def write_pages(chosen: Paged, pages: Iterable[tuple[int, bytes]], out: BinaryIO, job: ExportJob) -> int:
    """Write a paged format: its start, its pages in order, its end; return how many records."""
    out.write(chosen.start(job))
    count = 0
    for found, data in pages:
        if found:
            if count:
                out.write(chosen.separator)
            out.write(data)
            count += found
    out.write(chosen.end(job, count))
    return count


def in_pages(chosen: Paged, records: Iterable[Any], job: ExportJob) -> Iterator[tuple[int, bytes]]:
    """A stream of records as ``chosen``'s pages, formatted in this process, a few at a time."""
    for batch in batches(records, _STREAM_PAGE):
        yield chosen.page(batch, job)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), taken as they come."""
    stream = iter(items)
    while batch := list(islice(stream, size)):
        yield batch


def record_bytes(record: dict[str, Any] | str | bytes) -> bytes:
    """A record as UTF-8 JSON text for a format that takes text: as it is when it is text already.

    A dict (an anonymised record, or a plain one from an encrypted journal) goes through orjson,
    three times faster than the json module here; its output is compact (no spaces after ',' and
    ':'), which every JSON reader takes alike. The rare value orjson refuses (an integer beyond 64
    bits) goes through the json module instead.
    """
    if isinstance(record, bytes):
        return record
    if isinstance(record, str):
        return record.encode("utf-8")
    import orjson

    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        import json

        return json.dumps(record, ensure_ascii=False).encode("utf-8")


def takes_text(chosen: Exporter) -> bool:
    """Whether ``chosen`` also takes records as JSON text (see ``Exporter``)."""
    return bool(getattr(chosen, "takes_text", False))


def exporter(name: str) -> Exporter:
    """The exporter of format ``name`` (a key of FORMATS), its module imported on first use."""
    try:
        module_name = FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown export format '{name}' (choose from {', '.join(FORMATS)})") from None
    module = importlib.import_module(module_name)
    return module.EXPORTER  # type: ignore[no-any-return]
