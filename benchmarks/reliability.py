"""The reliability report: the long runs behind the README's "nothing lost" promise, as one table.

    .venv/bin/python benchmarks/reliability.py            # print the table
    .venv/bin/python benchmarks/reliability.py --write    # and rewrite docs/reliability.md

Rows:

- writers killed with SIGKILL at random moments (``tests/writers.py``, as in
  tests/test_crash_safety.py, with more kills);
- processes writing to one journal at once (as in tests/test_concurrency.py);
- hypothesis cases tried by the property-based ("fuzz") tests, if the test suite has any: the test
  modules that use hypothesis are run with pytest and the cases hypothesis reports are counted.
  Without such modules that row is left out.

The test suite runs shortened versions of the first two on every run (ENCOUNTERS_QUICK=1 shortens
them further); this script is for the long runs and the published figures. Exit code 1 when anything
was lost or failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
REPORT = ROOT / "docs" / "reliability.md"
FUZZ_TIMEOUT = 1800  # seconds
sys.path.insert(0, str(TESTS))  # the writers and checks are the tests' own (tests/writers.py)

import writers  # noqa: E402


@dataclass
class Row:
    what: str
    how_many: str
    lost: int | str
    failed: int
    seconds: float


def kills(count: int, parallel: int) -> Row:
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.sqlite3"
        run = writers.run_kills(journal, count, parallel=parallel, seed=int(time.time()))
        verdict = writers.check_after_kills(journal, run)
    for problem in [*run.failures, *verdict.problems]:
        print(f"  problem: {problem}", file=sys.stderr)
    return Row(
        "writers killed with SIGKILL at random moments",
        f"{run.kills} kills, {parallel} writers at a time; {len(run.saved)} entries and"
        f" {len(run.ids('draft'))} drafts reported saved",
        verdict.lost,
        len(run.failures) + verdict.broken,
        run.seconds,
    )


def concurrent(workers: int, per_worker: int) -> Row:
    from encounters_cli.storage.journal import Store
    from encounters_cli.storage.records import Filter

    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.sqlite3"
        started = time.perf_counter()
        errors = writers.run_concurrent(journal, workers, per_worker)
        seconds = time.perf_counter() - started
        expected = {writers.encounter_id(w, n) for w in range(workers) for n in range(per_worker)}
        with Store.open(journal) as store:
            stored = {encounter.id for encounter in store.iter_encounters(Filter())}
    failed = [error for error in errors.values() if error]
    for error in failed:
        print(f"  problem: {error.strip().splitlines()[-1]}", file=sys.stderr)
    return Row(
        "processes writing to one journal at once",
        f"{workers} processes × {per_worker} entries, started together",
        len(expected - stored),
        len(failed),
        seconds,
    )


def fuzz() -> Row | None:
    modules = sorted(
        path
        for path in TESTS.glob("test_*.py")
        if re.search(r"^\s*(from hypothesis\b|import hypothesis\b)", path.read_text(encoding="utf-8"), re.M)
    )
    if not modules:
        return None
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "hypothesis_only"]
    command += ["--hypothesis-show-statistics", *(str(path) for path in modules)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(TESTS)])}
    try:
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=FUZZ_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        print(f"  problem: the property tests ran longer than {FUZZ_TIMEOUT} s", file=sys.stderr)
        return Row("property-based (fuzz) cases tried by hypothesis", "timed out", "–", 1, FUZZ_TIMEOUT)
    seconds = time.perf_counter() - started
    counts = re.findall(r"(\d+) passing(?: examples)?, (\d+) failing", result.stdout)
    tests = len(re.findall(r"^\S+::\S+:$", result.stdout, re.M))
    cases = sum(int(passing) + int(failing) for passing, failing in counts)
    failed_tests = re.search(r"(\d+) failed", result.stdout)
    failed = int(failed_tests.group(1)) if failed_tests else int(result.returncode != 0)
    if result.returncode not in (0, 1):  # 1: some tests failed, counted below; else pytest itself failed
        print(f"  problem: pytest exited with {result.returncode}: {result.stdout[-500:]}", file=sys.stderr)
    names = ", ".join(path.name for path in modules)
    return Row(
        "property-based (fuzz) cases tried by hypothesis",
        f"{cases} cases in {tests} property tests ({names})",
        "–",
        failed,
        seconds,
    )


def table(rows: list[Row]) -> str:
    lines = ["| what | how many | lost | failed | duration |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.what} | {row.how_many} | {row.lost} | {row.failed} | {row.seconds:.0f} s |")
    return "\n".join(lines) + "\n"


def machine() -> str:
    return (
        f"{platform.system()} {platform.release()} ({platform.machine()}, {os.cpu_count()} CPUs),"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def report(rows: list[Row], command: str) -> str:
    return f"""# Reliability report

What backs the README's promise that nothing is lost, measured by `{command}`
on {datetime.now().astimezone().strftime("%Y-%m-%d")}, on {machine()}.

{table(rows)}
- **lost**: entries or drafts a writer reported as saved (it printed so only after the call had
  returned) that were not in the journal afterwards. For the fuzz row it does not apply.
- **failed**: writers that stopped with an error rather than being killed, and for the kills also
  half-written entries or drafts, a failed `PRAGMA integrity_check` or foreign-key check, and
  search-index rows that do not match the entries; for the fuzz row, failing tests.
- The parent killed each writer after reading a random number (0 to {writers.MAX_LINES_BEFORE_KILL}) of its
  output lines, not after a pause, so the moment ranged from start-up (the first writer creates the
  journal) to the middle of a run of entries; a writer spends most of its time inside write
  transactions. Several writers ran at once on one journal, so a kill could find the killed writer
  holding the write lock while the others waited for it.
- SIGKILL ends the process, not the machine: what the operating system had accepted still reached
  the disk. A power cut is not simulated; there the journal relies on SQLite syncing each commit to
  disk (`PRAGMA synchronous=FULL`, SQLite's default, which encounters keeps).

The test suite runs shorter versions of the first two rows every time (`tests/test_crash_safety.py`,
`tests/test_concurrency.py`; `ENCOUNTERS_QUICK=1` shortens them further for CI). Run
`.venv/bin/python benchmarks/reliability.py --write` to measure again and rewrite this file.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="writers to kill (default 200)")
    parser.add_argument("--parallel", type=int, default=3, help="writers running at once (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent writer processes (default 4)")
    parser.add_argument(
        "--entries", type=int, default=500, help="entries per concurrent writer (default 500)"
    )
    parser.add_argument("--no-fuzz", action="store_true", help="leave out the hypothesis row")
    parser.add_argument("--write", action="store_true", help=f"rewrite {REPORT.relative_to(ROOT)}")
    args = parser.parse_args(argv)

    rows = [kills(args.kills, args.parallel), concurrent(args.workers, args.entries)]
    if not args.no_fuzz and (row := fuzz()) is not None:
        rows.append(row)
    sys.stdout.write(table(rows))
    if args.write:
        command = " ".join(["benchmarks/reliability.py", *(sys.argv[1:] if argv is None else argv)])
        REPORT.write_text(report(rows, command), encoding="utf-8")
        print(f"wrote {REPORT}", file=sys.stderr)
    return 1 if any(row.failed or (isinstance(row.lost, int) and row.lost) for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
