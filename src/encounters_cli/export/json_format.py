"""json: one document, ``{"format": "encounters-export", "version": 1, "encounters": [...], "about": {...}}``.

The array is written record by record, so a journal of any size never sits in memory; ``about`` comes
last because its counts are final only once every record has been written. Not anonymised, the file
is lossless: ``encounters import`` restores it into another journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

from encounters_cli.export import record_bytes

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob

FORMAT_NAME = "encounters-export"
FORMAT_VERSION = 1
_FLUSH_EVERY = 256  # records per write call: fewer, larger writes without holding much

# check_circular=False: records are plain trees built by to_json(), never cyclic, and the check costs.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


class JsonExporter:
    name = "json"
    suffix = ".json"
    text = True
    takes_text = True  # a record given as its JSON text (str or UTF-8 bytes) is written as it is

    def write(self, records: Iterable[dict[str, Any] | str | bytes], out: BinaryIO, job: ExportJob) -> int:
        head = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
        out.write((_ENCODE(head)[:-1] + ',\n"encounters": [').encode("utf-8"))
        count = 0
        chunk: list[bytes] = []
        for record in records:
            chunk.append(b"\n" if count == 0 else b",\n")
            chunk.append(record_bytes(record))
            count += 1
            if len(chunk) >= 2 * _FLUSH_EVERY:
                out.write(b"".join(chunk))
                chunk.clear()
        chunk.append(b"\n],\n" if count else b"],\n")
        out.write(b"".join(chunk))
        about = json.dumps(job.describe(), ensure_ascii=False, indent=2)
        out.write(f'"about": {about}\n}}\n'.encode())
        return count


EXPORTER = JsonExporter()
