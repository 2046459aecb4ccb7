"""Several processes writing to one journal at once: every write lands, none is lost or doubled.

The workers start together on a multiprocessing Barrier (no sleeps) and open a journal that does
not exist yet, so creating the file, switching to WAL and migrating race as well as the writes.
"""

from __future__ import annotations

import multiprocessing
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

PER_WORKER = 100
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def encounter_id(worker: int, n: int) -> str:
    return f"{worker:08x}{n:024x}"


def write_encounters(path: str, worker: int, start: Any, results: Any) -> None:
    """Runs in a spawned process: wait for the others, then add PER_WORKER encounters one by one."""
    try:
        start.wait(timeout=120)
        with Store.open(Path(path)) as store:
            for n in range(PER_WORKER):
                store.add(
                    Encounter(
                        id=encounter_id(worker, n),
                        status="logged",
                        lang="en",
                        created_at=T0 + timedelta(seconds=n),
                        values=["trust", f"worker-{worker}"],
                        label=f"worker {worker} entry {n}",
                        answers=[
                            Answer("what", "quick", "What happened?", "text", f"synthetic note {n}", "1")
                        ],
                    )
                )
        results.put((worker, None))
    except BaseException:  # report anything, including a broken barrier, to the parent
        results.put((worker, traceback.format_exc()))


@pytest.mark.parametrize("workers", [2, 4])
def test_simultaneous_writers_lose_nothing(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "shared" / "journal.sqlite3"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=write_encounters, args=(str(path), worker, start, results))
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        reports = dict(results.get(timeout=300) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()

    assert {worker: error for worker, error in reports.items() if error} == {}
    assert all(process.exitcode == 0 for process in processes)
    with Store.open(path) as store:
        assert store.count(Filter()) == workers * PER_WORKER
        stored = {encounter.id: encounter for encounter in store.iter_encounters(Filter())}
        assert set(stored) == {encounter_id(w, n) for w in range(workers) for n in range(PER_WORKER)}
        for worker in range(workers):
            assert store.count(Filter(values=[f"worker-{worker}"])) == PER_WORKER
        assert all(len(encounter.answers) == 1 for encounter in stored.values())
        assert len(store.search("synthetic", Filter())) == workers * PER_WORKER
