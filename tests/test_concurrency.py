"""Several processes writing to one journal at once: every write lands, none is lost or doubled.

The workers (``writers.write_encounters``) start together on a multiprocessing Barrier (no sleeps)
and open a journal that does not exist yet, so creating the file, switching to WAL and migrating race
as well as the writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import writers
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Filter


@pytest.mark.parametrize(("workers", "per_worker"), [(2, 100), (4, 500)])
def test_simultaneous_writers_lose_nothing(tmp_path: Path, workers: int, per_worker: int) -> None:
    path = tmp_path / "shared" / "journal.sqlite3"
    reports = writers.run_concurrent(path, workers, per_worker)

    assert {worker: error for worker, error in reports.items() if error} == {}
    assert sorted(reports) == list(range(workers))
    with Store.open(path) as store:
        assert store.count(Filter()) == workers * per_worker
        stored = {encounter.id: encounter for encounter in store.iter_encounters(Filter())}
        assert set(stored) == {writers.encounter_id(w, n) for w in range(workers) for n in range(per_worker)}
        for worker in range(workers):
            assert store.count(Filter(values=[f"worker-{worker}"])) == per_worker
        assert all(len(encounter.answers) == 1 for encounter in stored.values())
        assert len(store.search("synthetic", Filter())) == workers * per_worker
