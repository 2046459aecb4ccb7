"""Paged exports: ``Store.pages`` cuts a selection into key ranges, and ``export/pages.py`` has forked
workers format them. The bytes must be the same whatever the number of processes, and a worker's
failure must end the export with a clear error, nothing kept and no process left behind.
All data is synthetic."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.errors import EncountersError, JournalError
from encounters_cli.export import ExportJob, exporter
from encounters_cli.export import pages as paging
from encounters_cli.export.run import ExportRequest, run_export
from encounters_cli.storage import crypto
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
ENTRIES = 61
PAGE = 7  # so 61 entries make nine pages, the last one short

pytestmark = pytest.mark.skipif(not paging.can_fork(), reason="workers are forked on Linux only")


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", PAGE)
    monkeypatch.setenv(crypto.TEST_SCRYPT_N_ENV, "1024")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def entry(index: int) -> Encounter:
    # Some share a moment, so pages also split between entries of the same created_at.
    moment = T0 + timedelta(hours=index // 2)
    text = f'Asiakas {index} kysyi aikataulusta, "milloin"; selitin vaiheet.\nSovimme soitosta, {index}.'
    return Encounter(
        id=f"{index:08x}" + "0" * 24,
        status=("prepared", "reflected", "logged")[index % 3],
        lang="fi" if index % 2 else "en",
        created_at=moment,
        updated_at=moment,
        domain="social-services" if index % 4 else None,
        values=["trust", "equality"][: index % 3],
        ratings={"trust": 1 + index % 5} if index % 2 else {},
        label=f"tapaaminen {index}",
        answers=[
            Answer("note", "after", "Mitä tapahtui?", "long_text", text, "2026.1", moment),
            Answer("scale", "after", "Kuinka hyvin?", "scale", index % 5 + 1, "2026.1", moment),
            Answer("lifelines", "before", "Mitkä?", "multi", ["trust", "knowledge"], "2026.1", moment),
        ][: 1 + index % 3],
    )


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "j" / "journal.sqlite3"
    with Store.open(path) as store:
        store.add_new([entry(index) for index in range(ENTRIES)])
    return path


FILTERS = [
    Filter(),
    Filter(limit=20),
    Filter(limit=0),
    Filter(limit=1000),
    Filter(values=["trust"]),
    Filter(statuses=["logged", "prepared"], limit=15),
    Filter(since=T0 + timedelta(hours=10), until=T0 + timedelta(hours=25)),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_pages_cover_the_selection_in_its_order(journal: Path, flt: Filter) -> None:
    with Store.open(journal) as store:
        pages = store.pages(flt, PAGE)
        paged = [[record["id"] for record in store.iter_records(flt, page=page)] for page in pages]
        texts = [text for page in pages for text in store.iter_record_texts(flt, page=page)]
        whole = [record["id"] for record in store.iter_records(flt)]
        assert texts == list(store.iter_record_texts(flt))
    assert [record_id for page in paged for record_id in page] == whole
    assert all(len(page) == PAGE for page in paged[:-1])
    assert len(pages) == -(-len(whole) // PAGE)


def test_an_entry_written_or_deleted_meanwhile_moves_nothing_else(journal: Path) -> None:
    with Store.open(journal) as store:
        pages = store.pages(Filter(), PAGE)
        before = [[record["id"] for record in store.iter_records(Filter(), page=page)] for page in pages]
        late = entry(1000)
        late.id, late.created_at = "f" * 32, T0 + timedelta(hours=17, minutes=30)  # inside the 4th page
        store.add(late)
        store.delete(before[1][3])
        after = [[record["id"] for record in store.iter_records(Filter(), page=page)] for page in pages]
        newest = entry(1001)
        newest.id, newest.created_at = "e" * 32, T0 + timedelta(days=30)  # newer than the first page
        store.add(newest)
        unchanged = [[record["id"] for record in store.iter_records(Filter(), page=page)] for page in pages]
    assert after[1] == [record_id for record_id in before[1] if record_id != before[1][3]]
    assert late.id in after[3]
    assert len(after[3]) == PAGE + 1
    assert [page for index, page in enumerate(after) if index not in (1, 3)] == [
        page for index, page in enumerate(before) if index not in (1, 3)
    ]
    assert unchanged == after  # an entry newer than the first page is not in this export


def export_bytes(journal: Path, tmp_path: Path, catalogue: Catalogue, fmt: str, **options: object) -> bytes:
    jobs = options.pop("jobs")
    out = tmp_path / f"out-{fmt}-{jobs}-{len(list(tmp_path.iterdir()))}.{fmt}"
    with Store.open(journal, passphrase=lambda: "synthetic passphrase") as store:
        run_export(store, catalogue, "fi", ExportRequest(fmt, out=out, jobs=jobs, **options))  # type: ignore[arg-type]
    return without_about(fmt, out.read_bytes())


def without_about(fmt: str, data: bytes) -> bytes:
    """The export without its description, which holds the moment of export (md: only its entries)."""
    if fmt == "json":
        return data.split(b'"about": ')[0]
    if fmt == "md":
        return data[data.index(b"\n## ") : data.rindex(b"\n## ")]
    return data


@pytest.mark.parametrize(
    ("fmt", "wide"), [("jsonl", False), ("json", False), ("csv", False), ("csv", True), ("md", False)]
)
@pytest.mark.parametrize("flt", [Filter(), Filter(limit=30), Filter(values=["equality"])])
def test_workers_write_the_bytes_one_process_writes(
    journal: Path, tmp_path: Path, catalogue: Catalogue, fmt: str, wide: bool, flt: Filter
) -> None:
    one = export_bytes(journal, tmp_path, catalogue, fmt, flt=flt, wide=wide, jobs=1)
    for jobs in (2, 3):
        assert export_bytes(journal, tmp_path, catalogue, fmt, flt=flt, wide=wide, jobs=jobs) == one
    # and what the stream writer makes of the same records (the way for an anonymised export)
    with Store.open(journal) as store:
        stream = io.BytesIO()
        question_ids, rating_ids = store.answered_ids(flt) if wide else (None, None)
        job = ExportJob(catalogue, "fi", False, lambda: {}, wide, question_ids, rating_ids)
        records = store.iter_record_bytes(flt) if fmt.startswith("json") else store.iter_records(flt)
        exporter(fmt).write(records, stream, job)  # type: ignore[arg-type]
    assert without_about(fmt, stream.getvalue()) == one


def test_workers_read_an_encrypted_journal_with_the_key_already_given(
    journal: Path, tmp_path: Path, catalogue: Catalogue
) -> None:
    plain = export_bytes(journal, tmp_path, catalogue, "jsonl", flt=Filter(), jobs=1)
    with Store.open(journal) as store:
        store.encrypt("synthetic passphrase")
    assert b"Asiakas 7 kysyi" not in journal.read_bytes()
    asked: list[int] = []

    def passphrase() -> str:
        asked.append(os.getpid())
        return "synthetic passphrase"

    out = tmp_path / "encrypted.jsonl"
    with Store.open(journal, passphrase=passphrase) as store:
        run_export(store, catalogue, "fi", ExportRequest("jsonl", Filter(), out, jobs=3))
    assert asked == [os.getpid()]  # asked once, here; the workers had the key
    assert out.read_bytes() == plain


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the workers forked during a test."""
    pids: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids


def assert_reaped(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already waited for: not a zombie, not running


def failing_on_third_page(monkeypatch: pytest.MonkeyPatch, failure: BaseException | None) -> None:
    """Make a worker fail on the third page: raise ``failure``, or (None) die without a word."""
    parent = os.getpid()
    real = paging._format

    def format_page(task: object, store: Store, page: object) -> tuple[int, bytes]:
        if os.getpid() != parent and page == store.pages(Filter(), PAGE)[2]:
            if failure is None:
                os._exit(3)
            raise failure
        return real(task, store, page)  # type: ignore[arg-type]

    monkeypatch.setattr(paging, "_format", format_page)


@pytest.mark.parametrize(
    ("failure", "error", "message"),
    [
        (JournalError("the journal was encrypted meanwhile"), EncountersError, "encrypted meanwhile"),
        (ValueError("a synthetic bug"), RuntimeError, "ValueError: a synthetic bug"),
        (None, EncountersError, "stopped unexpectedly"),
    ],
)
def test_a_failing_worker_ends_the_export_with_nothing_kept(
    journal: Path,
    tmp_path: Path,
    catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
    forked: list[int],
    failure: BaseException | None,
    error: type[Exception],
    message: str,
) -> None:
    failing_on_third_page(monkeypatch, failure)
    folder = tmp_path / "out"
    folder.mkdir()
    with Store.open(journal) as store, pytest.raises(error, match=message):
        run_export(store, catalogue, "fi", ExportRequest("csv", Filter(), folder / "x.csv", jobs=2))
    assert list(folder.iterdir()) == []
    assert len(forked) == 2
    assert_reaped(forked)


def test_a_worker_that_cannot_open_the_journal_says_why(
    journal: Path, tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    def refuse(store: Store) -> Store:
        raise JournalError("cannot open the synthetic journal: too many open files")

    monkeypatch.setattr(Store, "reopen", refuse)
    with Store.open(journal) as store, pytest.raises(EncountersError, match="too many open files"):
        run_export(store, catalogue, "fi", ExportRequest("jsonl", Filter(), tmp_path / "x.jsonl", jobs=2))
    assert not (tmp_path / "x.jsonl").exists()
    assert_reaped(forked)


def test_stopping_early_ends_every_worker(journal: Path, catalogue: Catalogue, forked: list[int]) -> None:
    job = ExportJob(catalogue, "fi", False, lambda: {})
    with Store.open(journal) as store:
        pages: Iterator[tuple[int, bytes]] = paging.formatted_pages(
            store,
            Filter(),
            exporter("jsonl"),
            job,
            text=True,
            jobs=2,  # type: ignore[arg-type]
        )
        found, data = next(pages)
        assert found == PAGE
        assert data.count(b"\n") == PAGE
        pages.close()  # as when writing the file fails: the generator is closed
    assert len(forked) == 2
    assert_reaped(forked)


def test_one_process_when_asked_or_when_there_is_little(
    journal: Path, tmp_path: Path, catalogue: Catalogue, forked: list[int]
) -> None:
    export_bytes(journal, tmp_path, catalogue, "jsonl", flt=Filter(), jobs=1)
    export_bytes(journal, tmp_path, catalogue, "jsonl", flt=Filter(limit=2 * PAGE), jobs=4)  # two pages
    assert forked == []
    export_bytes(journal, tmp_path, catalogue, "jsonl", flt=Filter(), jobs=4)
    assert len(forked) == 4


def test_jobs_from_the_command_line(journal: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ENCOUNTERS_HOME": str(journal.parent)}
    command = [sys.executable, "-m", "encounters_cli", "export", "--format", "csv", "--out", "-"]
    outputs = [
        subprocess.run([*command, "--jobs", jobs], env=env, capture_output=True, check=True).stdout
        for jobs in ("1", "2")
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"tapaaminen") == sum(1 + index % 3 for index in range(ENTRIES))  # row per answer
    refused = subprocess.run([*command, "--jobs", "0"], env=env, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "--jobs" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_terminal_export_shows_its_progress_while_workers_format(
    tmp_path: Path, isolated_home: Path, terminal_env: dict[str, str]
) -> None:
    """At a terminal a long export draws a progress bar from a thread of its own while the workers
    are forked: the export must still finish, and write what one process writes."""
    from terminal import Person

    entries = 2_100  # more than the bar's threshold, and five of the real pages of 500
    with Store.open(isolated_home / "journal.sqlite3") as store:
        store.add_new([entry(index) for index in range(entries)])
    out = tmp_path / "at-a-terminal.csv"
    person = Person(terminal_env, "export", "-f", "csv", "-o", str(out))
    person.sees(f"Wrote {entries} encounter(s) to")
    assert person.done() == 0
    command = [sys.executable, "-m", "encounters_cli", "export", "-f", "csv", "--jobs", "1", "--out", "-"]
    one = subprocess.run(command, env=terminal_env, capture_output=True, check=True).stdout
    assert out.read_bytes() == one
