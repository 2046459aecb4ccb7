"""Measure issue 7, "fast at any journal size", and say for each target whether it is met.

    .venv/bin/python benchmarks/run.py                 # the full run: journals of 0, 10,000, 100,000
    .venv/bin/python benchmarks/run.py --quick         # a smoke run CI can afford (small journals)
    .venv/bin/python benchmarks/run.py --write         # also rewrite the results in docs/performance.md
    .venv/bin/python benchmarks/run.py --jrnl /tmp/jrnl-venv/bin/jrnl   # compare with jrnl too

How: every command is a fresh process, run with the interpreter running this script (so the same
environment), input not a terminal, output thrown away. Each figure is the median of several runs;
peak memory is the largest resident set of the runs (``os.wait4`` gives each child's own). Where a
target compares two commands, their runs are interleaved (A B A B ...) so that a burst of load
from other processes hits both alike. Bytecode is compiled first, as ``pip install`` does, and the
catalogue cache is warmed by a first run that is not counted.

Journals come from ``benchmarks/generate.py`` (realistic synthetic text, every status, values,
ratings, practices, private and workshop entries) and are kept in ``--work`` for the next run.
The export rows need ``encounters export``; the jrnl rows need a jrnl executable (``--jrnl``, else
/tmp/jrnl-venv/bin/jrnl or ``jrnl`` on PATH). Install jrnl into a venv of its own, never into the
project's: ``python -m venv /tmp/jrnl-venv && /tmp/jrnl-venv/bin/pip install jrnl==4.6``. Rows
whose command is missing are reported as "not available".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- results: start (benchmarks/run.py --write) -->", "<!-- results: end -->"
sys.path.insert(0, str(HERE))
GENERATED = __import__("generate").VERSION  # journals made by an older generator are made again
NOTE = "A quick visit to the library: helped a visitor renew a permit online, explained each step."
STUDY_KEY = "benchmark-study-key-not-secret"
EXPORT_FORMATS = ("jsonl", "csv", "json", "md", "qdpx")


# --- running one command ---------------------------------------------------------------------


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0
    failed: str | None = None  # the first failure's stderr

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def run_once(command: list[str], env: dict[str, str], sample: Sample, cwd: Path) -> None:
    """One run: wall time from fork to exit, and the child's own peak memory (from wait4)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0 and sample.failed is None:
            errors.seek(0)
            sample.failed = f"exit {process.returncode}: {errors.read().decode(errors='replace')[-400:]}"
    sample.seconds.append(elapsed)
    sample.peak_kb = max(sample.peak_kb, usage.ru_maxrss)


def measure(
    commands: list[list[str]], env: dict[str, str], runs: int, cwd: Path, warm: int | None = None
) -> list[Sample]:
    """Run the commands interleaved, ``runs`` times each, after one uncounted warm-up of the first
    ``warm`` of them (all by default; jrnl keeps no cache worth warming, and takes minutes)."""
    samples = [Sample() for _ in commands]
    for command in commands[: len(commands) if warm is None else warm]:
        run_once(command, env, Sample(), cwd)
    for _ in range(runs):
        for command, sample in zip(commands, samples, strict=True):
            run_once(command, env, sample, cwd)
    return samples


# --- what is measured ------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    entries: int | None
    ours: Sample | None
    reference: Sample | None = None
    reference_name: str = ""
    target: str = ""
    check: Callable[[Row], tuple[str, bool]] | None = None  # -> (the figure compared, met)
    note: str = ""

    def verdict(self) -> tuple[str, str]:
        if self.ours is None:
            return "not available", "–"
        failed = self.ours.failed or (self.reference.failed if self.reference else None)
        if failed:
            return f"failed: {failed.strip().splitlines()[-1] if failed.strip() else failed}", "no"
        if self.check is None:
            return "", ""
        figure, met = self.check(self)
        return figure, "yes" if met else "**no**"


def ratio_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        ratio = row.ours.median / row.reference.median
        return f"{ratio:.2f}×", ratio <= limit

    return check


def added_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        added = row.ours.median - row.reference.median
        return f"+{added:.3f} s", added <= limit

    return check


def seconds_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        return f"{row.ours.median:.2f} s", row.ours.median <= limit

    return check


def rate_at_least(limit: float, entries: int) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        rate = entries / row.ours.median
        return f"{rate:,.0f}/s", rate >= limit

    return check


def memory_below(limit_mb: float) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        return f"{row.ours.peak_mb:.0f} MB", row.ours.peak_mb < limit_mb

    return check


def faster_at_least(times: float) -> Callable[[Row], tuple[str, bool]]:
    def check(row: Row) -> tuple[str, bool]:
        speedup = row.reference.median / row.ours.median
        return f"{speedup:.0f}× faster", speedup >= times

    return check


# --- the journals ----------------------------------------------------------------------------


def journal(work: Path, entries: int, with_jrnl: bool) -> tuple[Path, Path | None, dict]:
    """ENCOUNTERS_HOME holding a generated journal of ``entries`` (reused when already there)."""
    home, jrnl = work / f"home-{entries}", work / f"jrnl-{entries}"
    about_path = home / "benchmark.json"
    about = json.loads(about_path.read_text(encoding="utf-8")) if about_path.exists() else {}
    if about.get("version") == GENERATED and (not with_jrnl or (jrnl / "journal.txt").exists()):
        return home, (jrnl if with_jrnl else None), about
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(jrnl, ignore_errors=True)
    command = [sys.executable, str(HERE / "generate.py"), "--entries", str(entries), "--home", str(home)]
    if with_jrnl:
        command += ["--jrnl", str(jrnl)]
    say(f"generating a journal of {entries:,} entries in {home} ...")
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    say(f"  done in {time.perf_counter() - started:.1f} s")
    return home, (jrnl if with_jrnl else None), json.loads(about_path.read_text(encoding="utf-8"))


def matching(home: Path, word: str) -> int:
    with sqlite3.connect(f"file:{home / 'journal.sqlite3'}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM encounter_text WHERE encounter_text MATCH ?", (word,)
        ).fetchone()[0]


# --- the run ---------------------------------------------------------------------------------


def say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def encounters_command() -> list[str]:
    script = Path(sys.executable).with_name("encounters")
    return [str(script)] if script.exists() else [sys.executable, "-m", "encounters_cli"]


def find_jrnl(given: str | None) -> str | None:
    for candidate in (given, "/tmp/jrnl-venv/bin/jrnl", shutil.which("jrnl")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ENCOUNTERS_", "PYTHON"))}
    env.update(ENCOUNTERS_HOME=str(home), LANG="C.UTF-8", ENCOUNTERS_LANG="en", COLUMNS="100")
    return env


def run(args: argparse.Namespace) -> list[Row]:
    quick = args.quick
    big = args.entries or (1_000 if quick else 100_000)
    jrnl_sizes = [200, 1_000] if quick else [10_000, 100_000]
    runs = args.runs or (3 if quick else 7)
    few = max(1, min(runs, 3))  # for the slow commands: exports, and jrnl on big journals
    work = Path(args.work) if args.work else Path(tempfile.gettempdir()) / "encounters-bench"
    work.mkdir(parents=True, exist_ok=True)
    enc = encounters_command()
    baseline = [sys.executable, str(HERE / "minimal_app.py")]
    jrnl = find_jrnl(args.jrnl)
    cwd = Path(tempfile.mkdtemp(prefix="bench-cwd-", dir=work))

    # bytecode, as an installed package has it (a checkout run with PYTHONDONTWRITEBYTECODE has none)
    package = Path(__import__("encounters_cli").__file__).parent
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], check=False, stdout=subprocess.DEVNULL
    )

    rows: list[Row] = []
    empty = work / "home-0"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    env0 = environment(empty)

    say("start-up against a one-command Typer app ...")
    for label, ours, theirs in (
        ("--version", [*enc, "--version"], [*baseline, "--version"]),
        ("--help", [*enc, "--help"], [*baseline, "--help"]),
        ('log "text"', [*enc, "log", NOTE], [*baseline, NOTE]),
    ):
        subject, reference = measure([ours, theirs], env0, runs, cwd)
        rows.append(
            Row(
                f"encounters {label}",
                0,
                subject,
                reference,
                "minimal Typer app",
                "≤ 1.2× the app",
                ratio_at_most(1.2),
            )
        )

    home, _, about = journal(work, big, with_jrnl=jrnl is not None and big in jrnl_sizes)
    env = environment(home)
    word, common, tag, shown = (
        about["search_word"],
        about["common_word"],
        about["tag_value"],
        about["show_id"],
    )
    say(f"commands on {big:,} entries ...")
    # interleaved by hand: the same command, on two journals (the first run of each is a warm-up)
    log_small, log_big = Sample(), Sample()
    run_once([*enc, "log", NOTE], env, Sample(), cwd)
    for _ in range(runs):
        run_once([*enc, "log", NOTE], env0, log_small, cwd)
        run_once([*enc, "log", NOTE], env, log_big, cwd)
    rows.append(
        Row("log", big, log_big, log_small, "log on an empty journal", "within 10 %", ratio_at_most(1.10))
    )
    for label, command in (
        ("list -n 20", ["list", "-n", "20"]),
        (f"list --value {tag} -n 20", ["list", "--value", tag, "-n", "20"]),
        (f"search {word} -n 20", ["search", word, "-n", "20"]),
        (f"search {common} -n 20", ["search", common, "-n", "20"]),
        ("show ID", ["show", shown]),
    ):
        subject, reference = measure([[*enc, *command], [*enc, "--version"]], env, runs, cwd)
        searched = command[1] if command[0] == "search" else None
        note = f"in {matching(home, searched):,} entries" if searched else ""
        rows.append(
            Row(
                label, big, subject, reference, "encounters --version", "≤ +0.15 s", added_at_most(0.15), note
            )
        )
    (subject,) = measure([[*enc, "insights"]], env, runs, cwd)
    rows.append(Row("insights", big, subject, None, "", "≤ 1 s", seconds_at_most(1.0)))

    say("export ...")
    has_export = (
        subprocess.run([*enc, "export", "--help"], env=env, capture_output=True, check=False).returncode == 0
    )
    for fmt in EXPORT_FORMATS:
        out = work / f"export.{fmt}"
        sample = None
        if has_export:
            (sample,) = measure(
                [[*enc, "export", "--format", fmt, "--out", str(out), "--force"]], env, few, cwd
            )
        if fmt in ("jsonl", "csv"):
            rows.append(Row(f"export --format {fmt}", big, sample, None, "", "≤ 3 s", seconds_at_most(3.0)))
        rows.append(
            Row(f"export --format {fmt}: peak memory", big, sample, None, "", "< 200 MB", memory_below(200))
        )
    sample = None
    if has_export:
        anonymise = [*enc, "export", "--format", "jsonl", "--anonymise", "--study-key", STUDY_KEY, "--yes"]
        (sample,) = measure(
            [[*anonymise, "--out", str(work / "export.anon.jsonl"), "--force"]], env, few, cwd
        )
    rows.append(
        Row("export --anonymise", big, sample, None, "", "≥ 5,000 entries/s", rate_at_least(5000, big))
    )
    rows.append(Row("export --anonymise: peak memory", big, sample, None, "", "< 200 MB", memory_below(200)))

    say("jrnl ..." if jrnl else "jrnl: not found (give --jrnl), its rows are not available")
    for size in jrnl_sizes:
        home_j, jrnl_dir, about_j = journal(work, size, with_jrnl=jrnl is not None)
        env_j = environment(home_j)
        word_j, tag_j = about_j["search_word"], about_j["tag_value"]
        config = ["--config-file", str(jrnl_dir / "jrnl.yaml")] if jrnl_dir else []
        pairs = (
            ("add", [*enc, "log", NOTE], [jrnl, *config, NOTE] if jrnl else None),
            (
                "tag filter",
                [*enc, "list", "--value", tag_j, "-n", "20"],
                [jrnl, *config, "-n", "20", f"@{tag_j}"] if jrnl else None,
            ),
            (
                "text search",
                [*enc, "search", word_j, "-n", "20"],
                [jrnl, *config, "-contains", word_j, "-n", "20"] if jrnl else None,
            ),
            (
                "JSON export",  # both to standard output, as jrnl writes its export
                [*enc, "export", "--format", "json", "--out", "-"],
                [jrnl, *config, "--export", "json"] if jrnl else None,
            ),
        )
        for label, ours, theirs in pairs:
            if theirs is None or (label == "JSON export" and not has_export):
                rows.append(Row(f"vs jrnl: {label}", size, None, None, "jrnl 4.6", "≥ 10× faster"))
                continue
            # jrnl reads and parses the whole journal on every call (minutes for an add at 100,000):
            # fewer runs there, and the margins are wide
            runs_here = runs if size < 10_000 else few if size < 100_000 else 1
            subject, reference = measure([ours, theirs], env_j, runs_here, cwd, warm=1)
            rows.append(
                Row(
                    f"vs jrnl: {label}", size, subject, reference, "jrnl", "≥ 10× faster", faster_at_least(10)
                )
            )
    shutil.rmtree(cwd, ignore_errors=True)
    return rows


# --- reporting -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    memory = first("/proc/meminfo", "MemTotal")
    if memory.endswith("kB"):
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.1f} GB"
    import typer

    return {
        "date": dt.date.today().isoformat(),
        "cpus": str(os.cpu_count()),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "typer": typer.__version__,
        "system": f"{platform.system()} {platform.release()}",
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?",
    }


def table(rows: list[Row]) -> str:
    lines = [
        "| measurement | entries | encounters (median) | compared with | their median | peak memory"
        " | result | target | met |",
        "|---|---:|---:|---|---:|---:|---:|---|:---:|",
    ]
    for row in rows:
        figure, met = row.verdict()
        ours = f"{row.ours.median:.3f} s" if row.ours and row.ours.seconds else "–"
        theirs = f"{row.reference.median:.3f} s" if row.reference and row.reference.seconds else "–"
        peak = f"{row.ours.peak_mb:.0f} MB" if row.ours and row.ours.seconds else "–"
        name = row.name + (f" ({row.note})" if row.note else "")
        entries = f"{row.entries:,}" if row.entries is not None else ""
        cells = [name, entries, ours, row.reference_name or "–", theirs, peak, figure, row.target, met]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: list[Row], info: dict[str, str], quick: bool, runs: int) -> str:
    met = sum(1 for row in rows if row.verdict()[1] == "yes")
    missed = sum(1 for row in rows if row.verdict()[1] not in ("yes", "–"))
    absent = sum(1 for row in rows if row.verdict()[1] == "–")
    head = (
        f"Measured {info['date']} on {info['cpus']} × {info['cpu']}, {info['memory']} RAM, {info['system']};"
        f" Python {info['python']}, SQLite {info['sqlite']}, Typer {info['typer']};"
        f" load average at the end {info['load']}. Medians of {runs} runs"
        + (
            " (3 for exports) — a smoke run (--quick): the targets are for 100,000 entries"
            if quick
            else " (3 for exports and for jrnl at 10,000 entries, 1 for jrnl at 100,000)"
        )
        + f". Targets met: {met}, not met: {missed}, not available: {absent}."
    )
    return head + "\n\n" + table(rows) + "\n"


def write_doc(text: str) -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in current or END not in current:
        current = current.rstrip("\n") + f"\n\n{START}\n{END}\n"
    before, rest = current.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{text}{END}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small journals and 3 runs: a smoke test")
    parser.add_argument("--entries", type=int, help="size of the large journal (default 100,000)")
    parser.add_argument("--runs", type=int, help="runs per command (default 7, quick 3)")
    parser.add_argument("--jrnl", help="the jrnl executable (in a venv of its own)")
    parser.add_argument("--work", help="where journals are generated and kept (default: a temp folder)")
    parser.add_argument("--write", action="store_true", help="update the results in docs/performance.md")
    args = parser.parse_args()
    rows = run(args)
    text = report(rows, machine(), args.quick, args.runs or (3 if args.quick else 7))
    sys.stdout.write(text)
    if args.write:
        write_doc(text)
        say(f"wrote {DOC}")
    failed = [row.name for row in rows if row.ours and row.ours.failed]
    if failed:
        say("commands failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
