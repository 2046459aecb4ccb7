"""Writers killed with SIGKILL at random moments lose nothing that was reported saved, and leave no
half-written entry or draft behind.

Each writer is a separate Python process (``writers.py``) adding entries to one journal, several at a
time; the parent kills it after reading a random number of its lines. ENCOUNTERS_QUICK=1 (for CI)
runs fewer kills; ``benchmarks/reliability.py`` runs more.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import writers
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter

KILLS = 20 if os.environ.get("ENCOUNTERS_QUICK") == "1" else 50


def test_writers_killed_at_random_moments_lose_nothing(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"  # created by the first writer, which may die doing so
    seed = random.randrange(1 << 30)  # a new draw of kill moments each run; the seed replays one
    run = writers.run_kills(journal, KILLS, seed=seed)

    assert run.failures == [], f"seed {seed}"
    assert run.kills == KILLS
    assert run.saved, "no writer got far enough to report an entry; the kills tested nothing"
    assert run.ids("dropped"), "no draft was reported deleted"
    assert writers.check_after_kills(journal, run).problems == [], f"seed {seed}"


def test_the_check_notices_a_lost_and_a_half_written_entry(tmp_path: Path) -> None:
    """The check above must be able to fail: here it is shown a loss and a torn entry."""
    journal = tmp_path / "journal.sqlite3"
    run = writers.run_kills(journal, 2, parallel=1, seed=7)
    torn = "c" * 32
    with Store.open(journal) as store:  # a whole entry as a writer makes them, then torn below
        store.add(
            Encounter(
                id=torn,
                status="reflected",
                lang="en",
                label="answers=2",
                values=["trust"],
                ratings={"trust": 3},
                answers=[
                    Answer(f"q{n}", "after", "Q?", "long_text", writers.answer_text(torn, n, 40), "1")
                    for n in range(2)
                ],
            )
        )
    assert writers.check_after_kills(journal, run).problems == []

    run.reports.append(["open", f"draft {'e' * 32}", f"saved {'f' * 32}"])  # never written
    run.reports.append(["open", f"draft {'d' * 32}", "open"])  # never written, and not finished either
    raw = sqlite3.connect(str(journal))
    with raw:
        raw.execute(
            "DELETE FROM answers WHERE position = 1"
            " AND encounter_seq = (SELECT seq FROM encounters WHERE id = ?)",
            (torn,),
        )
    raw.close()
    verdict = writers.check_after_kills(journal, run)
    problems = verdict.problems
    assert (verdict.lost, verdict.broken) == (2, 1)
    assert any(problem.startswith("1 encounters reported saved are missing") for problem in problems)
    assert any(problem.startswith("1 drafts reported saved are missing") for problem in problems)
    assert any("incomplete" in problem for problem in problems)
