"""Writer processes that the crash-safety and concurrency tests (and benchmarks/reliability.py) run.

Run as a script, this file is the crash test's writer: ``python writers.py JOURNAL SEED`` opens the
journal and, until it is killed, saves a draft, then adds an encounter that finishes it, printing a
line after each call has returned (never before): ``draft ID``, ``saved ID``, ``dropped ID``. Each
encounter's label says how many answers it has, and each answer's text names its encounter and
position, so a check afterwards can tell a whole entry from half of one. All data is synthetic.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Draft, Encounter, Filter

WRITER = Path(__file__).resolve()
MAX_LINES_BEFORE_KILL = 40  # a writer prints three lines per entry, after one "open"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


# -- the crash test's writer (a subprocess) -------------------------------------------------------


def answer_text(encounter_id: str, position: int, size: int) -> str:
    head = f"{encounter_id}:{position}:"
    return head + "synthetic reflection " * (size // 21 + 1)


def crash_writer(journal: Path, seed: int) -> None:
    rnd = random.Random(seed)

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    with Store.open(journal) as store:
        say("open")
        while True:
            count = rnd.randint(1, 8)
            encounter_id = Store.new_id()
            # Sizes from a line to several pages, so an entry often spans pages of the file.
            sizes = [rnd.choice((20, 300, 3000, 12000)) for _ in range(count)]
            draft = Draft(
                id=Store.new_id(),
                flow="reflect",
                data={
                    "count": count,
                    "answers": {f"q{n}": answer_text(encounter_id, n, size) for n, size in enumerate(sizes)},
                },
            )
            store.save_draft(draft)
            say(f"draft {draft.id}")
            store.add(
                Encounter(
                    id=encounter_id,
                    status="reflected",
                    lang="en",
                    label=f"answers={count}",
                    values=["trust", "knowledge"][: 1 + count % 2],
                    ratings={"trust": 1 + count % 5},
                    answers=[
                        Answer(
                            f"q{n}",
                            "after",
                            f"Question {n}?",
                            "long_text",
                            answer_text(encounter_id, n, size),
                            "1",
                        )
                        for n, size in enumerate(sizes)
                    ],
                ),
                finishes_draft=draft.id,  # entry in, draft out: one transaction
            )
            say(f"saved {encounter_id}")
            say(f"dropped {draft.id}")


# -- the crash test's parent: start writers, read them, kill them -----------------------------------


@dataclass
class KillRun:
    """What the writers reported before they were killed, and what went wrong on the way."""

    kills: int = 0
    reports: list[list[str]] = field(default_factory=list)  # each writer's lines, in order
    failures: list[str] = field(default_factory=list)  # writers that stopped by themselves, with why
    seconds: float = 0.0

    def ids(self, kind: str) -> set[str]:
        """The ids of every ``kind`` line ('saved', 'draft' or 'dropped') any writer printed."""
        return {line.split()[1] for lines in self.reports for line in lines if line.startswith(kind + " ")}

    @property
    def saved(self) -> set[str]:
        return self.ids("saved")

    def maybe_deleted(self) -> set[str]:
        """Drafts a writer may have finished without saying so.

        The entry and the end of its draft commit together, so a writer killed after printing
        'draft' and before 'dropped' may have finished its last draft: the draft is gone then, and
        its entry is there unreported (which is allowed; an entry reported saved must be there).
        """
        found = set()
        for lines in self.reports:
            if lines and lines[-1].startswith("draft "):  # killed before 'saved'
                found.add(lines[-1].split()[1])
            elif len(lines) >= 2 and lines[-1].startswith("saved ") and lines[-2].startswith("draft "):
                found.add(lines[-2].split()[1])  # killed before 'dropped'
        return found


def run_kills(journal: Path, kills: int, *, parallel: int = 3, seed: int = 0) -> KillRun:
    """Start ``kills`` writers on ``journal``, ``parallel`` at a time, and SIGKILL each at a random moment.

    The moment is set by output, not time: the parent reads a random number of lines (0 to
    MAX_LINES_BEFORE_KILL) and kills at once, so a writer dies during start-up, while opening or
    creating the journal, in the middle of a transaction or between two, depending on the draw.
    Lines still in the pipe when the writer died count too: each was printed after its call returned.
    """
    rnd = random.Random(seed)
    plan = iter([(rnd.randint(0, MAX_LINES_BEFORE_KILL), rnd.randrange(1 << 30)) for _ in range(kills)])
    run = KillRun()
    lock = threading.Lock()
    started = time.perf_counter()

    def slot() -> None:
        while True:
            with lock:
                item = next(plan, None)
            if item is None:
                return
            lines, writer_seed = item
            outcome = _one_kill(journal, lines, writer_seed)
            with lock:
                run.reports.append(outcome[0])
                if outcome[1] is None:
                    run.kills += 1
                else:
                    run.failures.append(outcome[1])

    threads = [threading.Thread(target=slot) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def _one_kill(journal: Path, lines: int, seed: int) -> tuple[list[str], str | None]:
    """Lines the writer printed, and None if we killed it, else why it stopped on its own."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), str(journal), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    read: list[str] = []
    ended = False
    for _ in range(lines):
        line = process.stdout.readline()
        if not line:
            ended = True  # the writer stopped by itself before we killed it
            break
        read.append(line)
    process.send_signal(signal.SIGKILL)
    rest = process.stdout.read()
    errors = process.stderr.read()
    process.wait()
    process.stdout.close()
    process.stderr.close()
    read += rest.splitlines(keepends=True)
    complete = [line.rstrip("\n") for line in read if line.endswith("\n")]
    if ended or process.returncode != -signal.SIGKILL:
        return complete, f"writer exited with {process.returncode}: {errors.strip()[-2000:]}"
    return complete, None


@dataclass
class Verdict:
    """How the journal compares with what the writers reported."""

    lost: int = 0  # entries and drafts reported saved that are not there
    broken: int = 0  # half-written entries or drafts, and failed integrity or foreign-key checks
    problems: list[str] = field(default_factory=list)  # each of the above, in words

    def add(self, kind: str, count: int, text: str) -> None:
        if count:
            setattr(self, kind, getattr(self, kind) + count)
            self.problems.append(text)


def check_after_kills(journal: Path, run: KillRun) -> Verdict:
    """Every way the journal disagrees with what the writers reported; no problems when nothing was lost."""
    verdict = Verdict()
    raw = sqlite3.connect(str(journal))
    try:
        integrity = [row[0] for row in raw.execute("PRAGMA integrity_check")]
        verdict.add("broken", integrity != ["ok"], f"integrity_check: {integrity[:5]}")
        dangling = raw.execute("PRAGMA foreign_key_check").fetchall()
        verdict.add("broken", len(dangling), f"rows pointing at missing encounters: {dangling[:5]}")
        indexed = raw.execute("SELECT count(*) FROM encounter_text").fetchone()[0]
        total = raw.execute("SELECT count(*) FROM encounters").fetchone()[0]
        verdict.add(
            "broken", abs(total - indexed), f"{total} encounters but {indexed} rows in the search index"
        )
    finally:
        raw.close()
    with Store.open(journal) as store:
        stored = {encounter.id: encounter for encounter in store.iter_encounters(Filter())}
        missing = sorted(run.saved - set(stored))
        verdict.add(
            "lost", len(missing), f"{len(missing)} encounters reported saved are missing: {missing[:3]}"
        )
        for encounter in stored.values():
            expected = int((encounter.label or "answers=-1").split("=")[1])
            texts = [answer.answer for answer in encounter.answers]
            whole = len(texts) == expected and all(
                isinstance(text, str) and text.startswith(f"{encounter.id}:{n}:")
                for n, text in enumerate(texts)
            )
            whole = whole and bool(encounter.values) and bool(encounter.ratings)
            verdict.add(
                "broken", not whole, f"encounter {encounter.id} is incomplete: {expected} answers expected"
            )
        drafts = {draft.id: draft for draft in store.list_drafts()}
        gone = sorted(run.ids("draft") - run.ids("dropped") - run.maybe_deleted() - set(drafts))
        verdict.add("lost", len(gone), f"{len(gone)} drafts reported saved are missing: {gone[:3]}")
        undead = run.ids("dropped") & set(drafts)
        verdict.add("broken", len(undead), f"{len(undead)} drafts reported deleted are still there")
        for draft in drafts.values():
            whole = len(draft.data.get("answers", {})) == draft.data.get("count")
            verdict.add("broken", not whole, f"draft {draft.id} is incomplete")
    return verdict


# -- the concurrency test's writers (multiprocessing, spawned) ---------------------------------------


def encounter_id(worker: int, n: int) -> str:
    return f"{worker:08x}{n:024x}"


def write_encounters(path: str, worker: int, count: int, start: Any, results: Any) -> None:
    """Runs in a spawned process: wait for the others, then add ``count`` encounters one by one."""
    try:
        start.wait(timeout=120)
        with Store.open(Path(path)) as store:
            for n in range(count):
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


def run_concurrent(path: Path, workers: int, per_worker: int) -> dict[int, str | None]:
    """Start ``workers`` processes together on a Barrier, each adding ``per_worker`` entries.

    Returns each worker's error (a traceback, or its exit code), None for a worker that finished.
    """
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=write_encounters, args=(str(path), worker, per_worker, start, results))
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
    for worker, process in enumerate(processes):
        if process.exitcode != 0 and reports.get(worker) is None:
            reports[worker] = f"exit code {process.exitcode}"
    return reports


if __name__ == "__main__":
    crash_writer(Path(sys.argv[1]), int(sys.argv[2]))
