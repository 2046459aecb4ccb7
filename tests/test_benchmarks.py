"""The benchmarks still run: the generator writes a journal the tool reads, and the runner's smoke run
(``--quick``) prints every row. No timing is asserted here; docs/performance.md has the figures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Filter

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def bench_env(home: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENCOUNTERS_")}
    if home is not None:
        env["ENCOUNTERS_HOME"] = str(home)
    return env


def test_the_generator_writes_a_journal_the_tool_reads(tmp_path: Path) -> None:
    home, jrnl = tmp_path / "home", tmp_path / "jrnl"
    subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "generate.py"),
            "--entries",
            "150",
            "--home",
            str(home),
            "--jrnl",
            str(jrnl),
        ],
        env=bench_env(),
        check=True,
        capture_output=True,
    )
    with Store.open(home / "journal.sqlite3") as store:
        records = list(store.iter_records(Filter()))
        assert store.search("interpreter", Filter())  # the search index was written too
    assert len(records) == 150
    assert {record["status"] for record in records} == {"prepared", "reflected", "logged"}
    assert all(len(record["values"]) <= 3 for record in records)
    assert all(record["values"] for record in records if record["status"] == "reflected")  # 1 to 3
    longest = [max(len(str(answer["answer"]).split()) for answer in record["answers"]) for record in records]
    assert 40 <= sorted(longest)[len(longest) // 2] <= 160  # main answers of about 80 words
    exported = subprocess.run(
        [sys.executable, "-m", "encounters_cli", "export", "-f", "jsonl", "--out", "-"],
        env=bench_env(home),
        check=True,
        capture_output=True,
    ).stdout
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [record["id"] for record in records]
    # jrnl's plain-text format: an entry starts with "[date time] title"
    text = next(path for path in jrnl.rglob("*") if path.is_file() and path.suffix != ".yaml").read_text()
    assert len(re.findall(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d", text, flags=re.MULTILINE)) == 150


def test_the_runner_smoke_run_prints_every_row(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--quick",
            "--entries",
            "200",
            "--runs",
            "1",
            "--work",
            str(tmp_path),
            "--jrnl",
            str(tmp_path / "no-jrnl-here"),
        ],
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert "a smoke run (--quick)" in table
    for row in (
        "encounters --version",
        "log | 200",
        "list --value trust -n 20",
        "search interpreter -n 20",
        "show ID",
        "insights",
        "export --format jsonl",
        "export --format csv",
        "export --format qdpx: peak memory",
        "export --anonymise",
    ):
        assert f"| {row}" in table, row
    assert re.search(r"Targets met: \d+, not met: \d+", table)
