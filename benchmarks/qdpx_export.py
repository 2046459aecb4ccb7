"""Time and peak memory of the REFI-QDA (.qdpx) export for many synthetic records.

    .venv/bin/python benchmarks/qdpx_export.py                 # 20,000 and 100,000 records
    .venv/bin/python benchmarks/qdpx_export.py 5000 --anonymised

Each size runs in a fresh process (peak RSS is per process), the records are generated on the fly as
dicts of the export record shape (no journal involved), and the archive is written to a temporary
folder. Prints one line per size: records, wall and CPU seconds (the generation of the synthetic
records included), peak RSS in MB, archive size in MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LINES = (
    "asiakas kysyi päätöksestä ja kerroin perustelut selkeästi sekä mitä seuraavaksi tapahtuu",
    "the parent asked about the transfer and I explained the reasons and what happens next while",
    "we planned together öljy äiti <tärkeä> & \"lainaus\" 'toinen' kävi hyvin",
)
WORDS = tuple(word for line in LINES for word in line.split())
QUESTIONS = (
    ("what", "long_text", "What happened? Describe what was said and done."),
    ("feelings", "long_text", "What did you feel and think during the encounter, and afterwards?"),
    ("their-experience", "long_text", "How do you think the other person experienced the encounter?"),
    ("so-what", "long_text", "What did it mean for equality and freedom?"),
    ("next-step", "text", "What will you do next time?"),
)
VALUES = ("equality", "freedom", "participation", "trust", "knowledge", "justice")
PRACTICES = ("explain-the-why", "listen-to-the-end", "plan-together", "ask-how-it-was")


def records(count: int, anonymised: bool, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for index in range(count):
        values = rng.sample(VALUES, rng.randint(0, 3))
        answers = [
            {
                "question_id": qid,
                "phase": "after",
                "question": question,
                "question_type": qtype,
                "role": None,
                "answer": " ".join(rng.choices(WORDS, k=rng.randint(20, 60))),
                "catalogue_version": "bench",
            }
            for qid, qtype, question in QUESTIONS
        ]
        record: dict[str, Any] = {
            "id": f"{index:016x}",
            "status": "reflected",
            "domain": rng.choice(("library", "school", "social-services")),
            "lang": "fi",
            "practices": rng.sample(PRACTICES, rng.randint(0, 1)),
            "values": values,
            "ratings": {value: rng.randint(1, 5) for value in values},
            "label": f"kohtaaminen {index}",
            "workshop": None,
            "workshop_step": None,
            "answers": answers,
        }
        if anonymised:
            record["participant"] = f"P-{index % 50:012x}"
            record["period"] = f"2026-{index % 12 + 1:02d}"
            record["date_precision"] = "month"
        else:
            record["created_at"] = f"2026-{index % 12 + 1:02d}-14T10:00:00.000000Z"
        yield record


def run_one(count: int, anonymised: bool) -> dict[str, float]:
    from encounters_cli.catalogue.loader import load_catalogue
    from encounters_cli.export import ExportJob
    from encounters_cli.export.qdpx import EXPORTER

    catalogue = load_catalogue([])
    job = ExportJob(
        catalogue=catalogue,
        lang="en",
        anonymised=anonymised,
        describe=lambda: {"statement": "benchmark", "counts": {"exported": count}},
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.qdpx"
        started, cpu_started = time.perf_counter(), time.process_time()
        with path.open("wb") as out:
            written = EXPORTER.write(records(count, anonymised), out, job)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        size = path.stat().st_size
    assert written == count
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "records": count,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": peak_kb / 1024,
        "archive_mb": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--anonymised", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.sizes[0], args.anonymised)))
        return
    for size in args.sizes:
        command = [sys.executable, __file__, str(size), "--one"] + (
            ["--anonymised"] if args.anonymised else []
        )
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(
            f"{result['records']:>8,} records  {result['seconds']:6.1f} s"
            f" (CPU {result['cpu_seconds']:5.1f} s)  "
            f"peak RSS {result['peak_rss_mb']:6.1f} MB  archive {result['archive_mb']:6.1f} MB"
        )


if __name__ == "__main__":
    main()
