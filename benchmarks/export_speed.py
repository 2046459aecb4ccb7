"""Time, CPU and peak memory of ``encounters export`` in every format, end to end (issue 7).

    .venv/bin/python benchmarks/export_speed.py                       # 20,000 entries, generated
    .venv/bin/python benchmarks/export_speed.py --home /tmp/b100k     # an existing ENCOUNTERS_HOME
    .venv/bin/python benchmarks/export_speed.py --home /tmp/b100k --repeat 5 --only jsonl csv

Without ``--home`` a journal of ``--entries`` synthetic encounters is generated into a temporary
folder by ``benchmarks/generate.py``. Each case runs the real command, ``python -m encounters_cli
export ... --force``, in a fresh process, ``--repeat`` times; its rusage (``os.wait4``: this one child's
user and system CPU and peak RSS) and wall time are taken, and the medians printed (peak RSS: the
largest). Encounters/s is the journal's entries (all are selected) over the median CPU seconds, so
a busy machine shows in the wall column more than in that one. Targets: jsonl and csv of 100,000
entries in 3 s, anonymised at 5,000 entries/s on one core, every format under 200 MB.

Output goes to a temporary folder and is deleted; ``--keep DIR`` writes it there instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDY_KEY = "benchmark-study-key"
ANONYMISE = ("--anonymise", "--study-key", STUDY_KEY, "--yes")
CASES: dict[str, tuple[str, tuple[str, ...]]] = {  # name: (format, extra arguments)
    "json": ("json", ()),
    "jsonl": ("jsonl", ()),
    "csv": ("csv", ()),
    "csv-wide": ("csv", ("--wide",)),
    "md": ("md", ()),
    "qdpx": ("qdpx", ()),
    "jsonl-anonymised": ("jsonl", ANONYMISE),
    "csv-anonymised": ("csv", ANONYMISE),
}
SUFFIX = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv", "md": ".md", "qdpx": ".qdpx"}


def entries(home: Path) -> int:
    connection = sqlite3.connect(f"file:{home / 'journal.sqlite3'}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM encounters").fetchone()[0])
    finally:
        connection.close()


def run_once(home: Path, out: Path, fmt: str, extra: tuple[str, ...]) -> dict[str, float]:
    """One export in a fresh process: wall seconds, its own CPU seconds and peak RSS."""
    command = [sys.executable, "-m", "encounters_cli", "export", "-f", fmt, "-o", str(out), "--force", *extra]
    env = {**os.environ, "ENCOUNTERS_HOME": str(home)}
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()  # read before waiting: a full pipe would stall the child
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting
    if child.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed ({child.returncode}):\n{errors.decode(errors='replace')}"
        )
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "out_mb": out.stat().st_size / 2**20,
    }


def measure(home: Path, folder: Path, names: list[str], repeat: int) -> list[dict[str, object]]:
    count = entries(home)
    results = []
    for name in names:
        fmt, extra = CASES[name]
        out = folder / f"bench-{name}{SUFFIX[fmt]}"
        runs = [run_once(home, out, fmt, extra) for _ in range(repeat)]
        cpu = statistics.median(run["cpu"] for run in runs)
        results.append(
            {
                "case": name,
                "entries": count,
                "wall_s": statistics.median(run["wall"] for run in runs),
                "cpu_s": cpu,
                "peak_rss_mb": max(run["rss_mb"] for run in runs),
                "entries_per_cpu_s": count / cpu if cpu else 0.0,
                "output_mb": runs[-1]["out_mb"],
                "walls": [round(run["wall"], 2) for run in runs],
            }
        )
        print(line(results[-1]), flush=True)
    return results


def line(result: dict[str, object]) -> str:
    return (
        f"{result['case']:<17} {result['entries']:>7} entries  wall {result['wall_s']:6.2f} s"
        f"  cpu {result['cpu_s']:6.2f} s  peak {result['peak_rss_mb']:6.1f} MB"
        f"  {result['entries_per_cpu_s']:8.0f} entries/cpu-s  out {result['output_mb']:7.1f} MB"
        f"  walls {result['walls']}"
    )


def generate(count: int, home: Path) -> None:
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--entries", str(count), "--home", str(home)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, help="an ENCOUNTERS_HOME with a journal (default: generate one)")
    parser.add_argument("--entries", type=int, default=20_000, help="entries to generate without --home")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the medians are printed")
    parser.add_argument("--only", nargs="+", choices=list(CASES), help="these cases only")
    parser.add_argument("--keep", type=Path, help="write the exports to this folder and keep them")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON document")
    args = parser.parse_args()
    names = args.only or list(CASES)
    with tempfile.TemporaryDirectory(prefix="export-speed-") as scratch:
        home = args.home
        if home is None:
            home = Path(scratch) / "home"
            print(f"generating {args.entries} entries in {home} ...", file=sys.stderr, flush=True)
            generate(args.entries, home)
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = measure(home, folder, names, max(args.repeat, 1))
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
