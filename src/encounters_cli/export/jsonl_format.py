"""jsonl: one record per line, the same object as an item of ``list --json`` (or an anonymised record).

The data description goes beside it, in ``<out>.about.json`` (written by ``export/run.py``), so every
line of the file is a record and DuckDB, pandas or ``jq -c`` read it as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob

_FLUSH_EVERY = 256
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


class JsonlExporter:
    name = "jsonl"
    suffix = ".jsonl"
    text = True
    sidecar = True  # the about goes to <out>.about.json
    takes_text = True  # a record given as its JSON text is written as it is

    def write(self, records: Iterable[dict[str, Any] | str], out: BinaryIO, job: ExportJob) -> int:
        count = 0
        chunk: list[str] = []
        for record in records:
            chunk.append(record if isinstance(record, str) else _ENCODE(record))
            count += 1
            if len(chunk) >= _FLUSH_EVERY:
                out.write(_lines(chunk))
                chunk.clear()
        if chunk:
            out.write(_lines(chunk))
        return count


def _lines(chunk: list[str]) -> bytes:
    """Records as lines. JSON escapes every control character, so a record holds no line feed; NEL, LS
    and PS are escaped too, because some line readers (Python's ``str.splitlines``) break at them."""
    text = "\n".join(chunk) + "\n"
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_ESCAPE_BREAKS)
    return text.encode("utf-8")


_ESCAPE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


EXPORTER = JsonlExporter()
