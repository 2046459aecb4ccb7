"""`encounters insights` in the terminal and as JSON, and the quiet line about waiting preparations."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from encounters_cli.cli.app import app
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, utcnow


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def add(store: Store, status: str, *, values: list[str], ratings: dict[str, int] | None = None,
        practices: list[str] | None = None, days_ago: float = 0, next_step: str | None = None,
        label: str = "synthetic encounter") -> Encounter:  # fmt: skip
    moment = utcnow() - timedelta(days=days_ago)
    answers = []
    if next_step is not None:
        answers.append(
            Answer("next-step", "after", "Now what?", "text", next_step, "cat-test", moment, "next_step")
        )
    encounter = Encounter(
        id=store.new_id(), status=status, lang="en", created_at=moment, updated_at=moment, domain="library",
        values=values, ratings=ratings or {}, practices=practices or [], label=label, answers=answers,
    )  # fmt: skip
    store.add(encounter)
    return encounter


@pytest.fixture
def journal(isolated_home: Path) -> Path:
    path = paths.journal_path()
    with Store.open(path) as store:
        add(
            store,
            "reflected",
            values=["trust", "knowledge"],
            ratings={"trust": 4},
            practices=["explain-the-why"],
            days_ago=3,
            next_step="Show where the rule is written.",
        )
        add(store, "reflected", values=["trust"], ratings={"trust": 2, "justice": 3}, days_ago=1)
        add(store, "logged", values=["equality"], days_ago=0.5)
        add(store, "prepared", values=[], days_ago=2, label="parent meeting about a transfer")
    return path


def test_the_terminal_view_counts_bars_and_trends(journal: Path) -> None:
    code, out, _ = run("insights")
    assert code == 0
    assert "4 encounters" in out
    trust_row = next(line for line in out.splitlines() if line.startswith("Trust "))
    assert trust_row.split("│")[-2].strip() == "2"  # touched twice in all
    assert "█" in trust_row  # a bar that reads without colour
    assert "Trust" in out.split("My perception")[1]
    assert "3.0(2)" in out or "4.0(1)" in out  # a mean with the number of ratings behind it
    assert "Justice            " in out
    assert "one rating is not yet a trend" in out  # justice rests on a single rating
    assert "Explain the why" in out
    assert "parent meeting about a transfer" in out  # waiting for a reflection
    assert "Show where the rule is written." in out  # a next step nobody followed up yet
    assert "One thing to try:" in out


def test_json_gives_the_same_figures(journal: Path) -> None:
    code, out, _ = run("insights", "--json")
    assert code == 0
    figures = json.loads(out)
    assert figures["total"] == 4
    assert figures["by_status"] == {"prepared": 1, "reflected": 2, "logged": 1}
    assert figures["value_totals"]["trust"] == 2
    assert sum(point["n"] for point in figures["ratings"]["trust"]) == 2
    assert [step["next_step"] for step in figures["pending_next_steps"]] == [
        "Show where the rule is written."
    ]
    assert figures["open_encounters"][0]["label"] == "parent meeting about a transfer"
    assert figures["suggestion"]["practice_id"]


def test_an_empty_journal_says_so_and_still_suggests(isolated_home: Path) -> None:
    code, out, _ = run("insights")
    assert code == 0
    assert "0 encounters" in out
    assert "No encounters in this period yet" in out
    assert "One thing to try:" in out


def test_in_finnish(journal: Path) -> None:
    code, out, _ = run("--lang", "fi", "insights")
    assert code == 0
    assert "4 kohtaamista" in out
    assert "Luottamus" in out
    assert "Yksi asia kokeiltavaksi" in out


def test_filters_and_their_mistakes(journal: Path) -> None:
    code, out, _ = run("insights", "--since", "1d", "--json")
    assert code == 0
    assert json.loads(out)["total"] == 2  # from the start of yesterday: the reflection a day ago and the log
    code, _, err = run("insights", "--domain", "moon")
    assert code == 1
    assert "unknown domain 'moon'" in err
    code, _, err = run("insights", "--since", "last tuesday")
    assert code == 2
    assert "cannot read the date" in err


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_a_quiet_line_on_a_terminal_when_preparations_wait(journal: Path) -> None:
    env = {**os.environ, "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable, ["-m", "encounters_cli", "list"], env=env, encoding="utf-8", timeout=20
    )
    child.expect_exact("1 prepared encounter(s) older than a day wait for a reflection")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    code, _, err = run("list")  # not a terminal: scripts get no chatter
    assert code == 0
    assert "wait for a reflection" not in err
