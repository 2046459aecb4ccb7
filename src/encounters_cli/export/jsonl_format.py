"""jsonl: one record per line, the same object as an item of ``list --json`` (or an anonymised record).

The data description goes beside it, in ``<out>.about.json`` (written by ``export/run.py``), so every
line of the file is a record and DuckDB, pandas or ``jq -c`` read it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

from encounters_cli.export import record_bytes

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob

_FLUSH_EVERY = 256


class JsonlExporter:
    name = "jsonl"
    suffix = ".jsonl"
    text = True
    sidecar = True  # the about goes to <out>.about.json
    takes_text = True  # a record given as its JSON text (str or UTF-8 bytes) is written as it is

    def write(self, records: Iterable[dict[str, Any] | str | bytes], out: BinaryIO, job: ExportJob) -> int:
        count = 0
        chunk: list[bytes] = []
        for record in records:
            chunk.append(record_bytes(record))
            count += 1
            if len(chunk) >= _FLUSH_EVERY:
                out.write(_lines(chunk))
                chunk.clear()
        if chunk:
            out.write(_lines(chunk))
        return count


def _lines(chunk: list[bytes]) -> bytes:
    """Records as lines. JSON escapes every control character, so a record holds no line feed; NEL, LS
    and PS are escaped too, because some line readers (Python's ``str.splitlines``) break at them.
    (In UTF-8 their byte sequences stand for nothing else, and in JSON they can only be in a string.)"""
    data = b"\n".join(chunk) + b"\n"
    for last, raw, escaped in _ESCAPE_BREAKS:
        # A lone byte is found at memory speed, a three-byte sequence much more slowly (its first byte,
        # 0xE2, starts every dash and curly quote): look for the rare last byte first.
        if last in data and raw in data:
            data = data.replace(raw, escaped)
    return data


_ESCAPE_BREAKS = tuple(
    (char.encode("utf-8")[-1:], char.encode("utf-8"), f"\\u{ord(char):04x}".encode())
    for char in ("\x85", "\u2028", "\u2029")
)


EXPORTER = JsonlExporter()
