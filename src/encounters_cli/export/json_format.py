"""json: one document, ``{"format": "encounters-export", "version": 1, "encounters": [...], "about": {...}}``.

The array is written record by record, so a journal of any size never sits in memory; ``about`` comes
last because its counts are final only once every record has been written. Not anonymised, the file
is lossless: ``encounters import`` restores it into another journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from encounters_cli.export import Paged, record_bytes

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob

FORMAT_NAME = "encounters-export"
FORMAT_VERSION = 1

# check_circular=False: records are plain trees built by to_json(), never cyclic, and the check costs.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


class JsonExporter(Paged):
    name = "json"
    suffix = ".json"
    text = True
    takes_text = True  # a record given as its JSON text (str or UTF-8 bytes) is written as it is
    separator = b",\n"  # between records, so between pages too

    def start(self, job: ExportJob) -> bytes:
        head = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
        return (_ENCODE(head)[:-1] + ',\n"encounters": [\n').encode("utf-8")

    def page(self, records: Iterable[dict[str, Any] | str | bytes], job: ExportJob) -> tuple[int, bytes]:
        texts = [record_bytes(record) for record in records]
        return len(texts), self.separator.join(texts)

    def end(self, job: ExportJob, count: int) -> bytes:
        about = json.dumps(job.describe(), ensure_ascii=False, indent=2)
        close = "\n]" if count else "]"  # the last record's line ends before the bracket
        return f'{close},\n"about": {about}\n}}\n'.encode()


EXPORTER = JsonExporter()
