"""jsonl: one record per line, the same object as an item of ``list --json`` (or an anonymised record).

The data description goes beside it, in ``<out>.about.json`` (written by ``export/run.py``), so every
line of the file is a record and DuckDB, pandas or ``jq -c`` read it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from encounters_cli.export import Paged, record_bytes

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob


class JsonlExporter(Paged):
    name = "jsonl"
    suffix = ".jsonl"
    text = True
    sidecar = True  # the about goes to <out>.about.json
    takes_text = True  # a record given as its JSON text (str or UTF-8 bytes) is written as it is

    def page(self, records: Iterable[dict[str, Any] | str | bytes], job: ExportJob) -> tuple[int, bytes]:
        lines = [record_bytes(record) for record in records]
        return len(lines), _lines(lines) if lines else b""


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
