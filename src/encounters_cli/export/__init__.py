"""Exports: a registry of formats, one module per format, each with a module-level ``EXPORTER``.

Nothing heavy is imported here: ``--format`` choices come from ``FORMATS`` without loading any format,
and ``exporter(name)`` imports the one module asked for. The flow that selects, (optionally)
anonymises and writes lives in ``export/run.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from encounters_cli.errors import UsageError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue

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
