"""Researchers load our files without cleaning: DuckDB reads the csv and jsonl exports as they are.

DuckDB stands in for the analysis tools (it is what R's and pandas' users reach for with files this
size, and its readers sniff dialect, header and types the way theirs do). Nothing is configured:
each file is read with DuckDB's automatic detection, and the test checks what a researcher would.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from encounters_cli.cli.app import app
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
AWKWARD = 'Kävimme lomakkeen läpi, "miksi tulotiedot?"\nToinen rivi; pilkku, puolipiste ja € 100'
ENTRIES = 12


def ok(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def journal() -> None:
    with Store.open(paths.journal_path()) as store:
        for n in range(ENTRIES):
            when = T0 + timedelta(days=n)
            store.add(
                Encounter(
                    id=store.new_id(),
                    status="reflected",
                    lang="fi",
                    created_at=when,
                    updated_at=when,
                    domain="library",
                    practices=["explain-the-why"],
                    values=["trust", "justice"],
                    ratings={"trust": 1 + n % 5, "justice": 5 - n % 5},
                    label=f"neuvonta {n}",
                    answers=[
                        Answer("what", "after", "Mitä tapahtui?", "long_text", AWKWARD, "test", when),
                        Answer(
                            "values", "after", "Arvot?", "multi_choice", ["trust", "justice"], "test", when
                        ),
                    ],
                )
            )


def one(sql: str, *params: Any) -> Any:
    return duckdb.sql(sql, params=list(params) or None).fetchall()


def test_duckdb_reads_the_tidy_csv_with_types_and_text_intact(journal: None, tmp_path: Path) -> None:
    out = tmp_path / "tidy.csv"
    ok("export", "-f", "csv", "-o", str(out))
    rows = one(f"SELECT count(*), count(DISTINCT id) FROM read_csv_auto('{out}')")
    assert rows == [(ENTRIES * 2, ENTRIES)]  # one row per answer
    types = dict(one(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_csv_auto('{out}'))"))
    assert types["rating_trust"] in ("BIGINT", "INTEGER", "TINYINT", "SMALLINT")
    assert one(
        f"SELECT avg(rating_trust) FROM (SELECT DISTINCT id, rating_trust FROM read_csv_auto('{out}'))"
    ) == [(sum(1 + n % 5 for n in range(ENTRIES)) / ENTRIES,)]
    answers = one(f"SELECT DISTINCT answer FROM read_csv_auto('{out}') WHERE question_id = 'what'")
    assert answers == [(AWKWARD,)]


def test_duckdb_reads_the_wide_csv_one_row_per_encounter(journal: None, tmp_path: Path) -> None:
    out = tmp_path / "wide.csv"
    ok("export", "-f", "csv", "--wide", "-o", str(out))
    assert one(f"SELECT count(*) FROM read_csv_auto('{out}')") == [(ENTRIES,)]
    assert one(f"SELECT DISTINCT answer_what FROM read_csv_auto('{out}')") == [(AWKWARD,)]


def test_duckdb_reads_the_anonymised_jsonl_and_its_nested_fields(journal: None, tmp_path: Path) -> None:
    out = tmp_path / "study.jsonl"
    ok(
        "export",
        "-f",
        "jsonl",
        "--anonymise",
        "--study-key",
        "a study key",
        "--k",
        "1",
        "--yes",
        "-o",
        str(out),
    )
    rows = one(
        f"SELECT count(*), count(DISTINCT participant), min(period), max(len(answers))"
        f" FROM read_json_auto('{out}')"
    )
    assert rows == [(ENTRIES, 1, "2026-03", 2)]
    trust = one(f"SELECT sum(ratings.trust) FROM read_json_auto('{out}')")
    assert trust == [(sum(1 + n % 5 for n in range(ENTRIES)),)]
    # an answer is text, a list, a number or yes/no by its question's type, so DuckDB types the field
    # JSON; ->> '$' reads it as text
    assert one(f"SELECT DISTINCT answers[1].answer ->> '$' FROM read_json_auto('{out}')") == [(AWKWARD,)]


def test_duckdb_reads_a_merged_study(journal: None, tmp_path: Path) -> None:
    part = tmp_path / "p1.jsonl"
    ok(
        "export",
        "-f",
        "jsonl",
        "--anonymise",
        "--study-key",
        "a study key",
        "--k",
        "1",
        "--yes",
        "-o",
        str(part),
    )
    ok("research", "merge", str(part), "--out", str(tmp_path / "study"), "--k", "1")
    merged_csv = tmp_path / "study" / "merged.csv"
    merged_jsonl = tmp_path / "study" / "merged.jsonl"
    assert one(f"SELECT count(DISTINCT id) FROM read_csv_auto('{merged_csv}')") == [(ENTRIES,)]
    assert one(f"SELECT count(*) FROM read_json_auto('{merged_jsonl}')") == [(ENTRIES,)]
