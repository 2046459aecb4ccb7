"""A paged format's pages (``Paged``), read and formatted in several processes at once.

Most of a plain export's time (jsonl, json, csv, md) is spent formatting records, by SQLite or
by Python, and one process uses one core. So the selection is cut into pages (``Store.pages``: ranges
of keys, fixed before the first is read), worker processes each read and format whole pages on
their own connection to the journal, and this process writes the pages in order as they come.
A worker that is ahead waits with one finished page, so memory stays a few pages' worth however
large the journal.

Workers are forked, so they start at once with everything this process has: the catalogue, the
job, an unlocked journal's key. Where fork is not the way to start processes (Windows, and macOS,
where it is unsafe) or one core is all there is, the same pages are formatted here, one by one.
The bytes are the same either way; only the time differs.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from encounters_cli.errors import EncountersError
from encounters_cli.export import PAGE_SIZE

if TYPE_CHECKING:
    from encounters_cli.export import ExportJob, Paged
    from encounters_cli.storage.journal import Store
    from encounters_cli.storage.records import Filter, Page

MAX_JOBS = 4  # by default: an export should not take over a big machine (--jobs may ask for more)
_MIN_PAGES = 4  # fewer pages than this are formatted here: starting workers would cost more


@dataclass(frozen=True)
class _Task:
    store: Store
    flt: Filter
    chosen: Paged
    job: ExportJob
    text: bool  # the format takes records as JSON text (Store.iter_record_bytes)


def default_jobs() -> int:
    """Processes for an export when the person did not say: one a core this process may use, up to
    ``MAX_JOBS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def can_fork() -> bool:
    """Whether workers can be forked here (Linux; elsewhere pages are formatted in this process)."""
    return sys.platform.startswith("linux")


def formatted_pages(
    store: Store, flt: Filter, chosen: Paged, job: ExportJob, *, text: bool, jobs: int
) -> Iterator[tuple[int, bytes]]:
    """``flt``'s selection as ``chosen``'s pages, in order: (records in the page, its bytes).
    ``jobs``: processes that may format at once (1: only this one)."""
    task = _Task(store, flt, chosen, job, text)
    pages = store.pages(flt, PAGE_SIZE)
    workers = min(jobs, len(pages))
    if workers < 2 or len(pages) < _MIN_PAGES or not can_fork():
        for page in pages:
            yield _format(task, store, page)
        return
    yield from _in_workers(task, pages, workers)


def _format(task: _Task, store: Store, page: Page) -> tuple[int, bytes]:
    if task.text:
        records = store.iter_record_bytes(task.flt, page=page)
    else:
        records = store.iter_records(task.flt, page=page)  # type: ignore[assignment]
    return task.chosen.page(records, task.job)


def _in_workers(task: _Task, pages: list[Page], workers: int) -> Iterator[tuple[int, bytes]]:
    """Fork ``workers`` processes, worker k formatting pages k, k + workers, …, and read their pages
    back in order. Each sends its pages down its own pipe, so a worker that is ahead waits for its
    turn there, holding one formatted page."""
    children: list[tuple[int, int]] = []  # (pid, the read end of its pipe)
    done = False
    try:
        for index in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                for _, other in children:
                    os.close(other)
                os.close(read_end)
                _work(task, pages[index::workers], write_end)
            os.close(write_end)
            children.append((pid, read_end))
        for index in range(len(pages)):
            yield _receive(children[index % workers][1])
        done = True
    finally:
        for pid, read_end in children:
            os.close(read_end)
            if not done:
                os.kill(pid, signal.SIGKILL)  # stopped early: a worker may be midway through a page
            os.waitpid(pid, 0)


# A frame on a worker's pipe: a header of two signed 64-bit numbers, then ``size`` bytes. The first
# number is the page's record count, or _FAILED (the bytes are an EncountersError's message) or
# _BROKEN (a description of an unexpected error).
_HEADER = struct.Struct("<qq")
_FAILED = -1
_BROKEN = -2


def _work(task: _Task, pages: list[Page], pipe: int) -> NoReturn:
    """A worker's life: format ``pages`` in order onto ``pipe``, then end the process."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
        try:
            store = task.store.reopen()
            for page in pages:
                found, data = _format(task, store, page)
                _send(pipe, found, data)
        except EncountersError as exc:
            _send(pipe, _FAILED, str(exc).encode("utf-8"))
        except Exception as exc:  # a bug: the parent says what it was
            _send(pipe, _BROKEN, f"{type(exc).__name__}: {exc}".encode("utf-8", "replace"))
        code = 0
    finally:
        os._exit(code)  # nothing of the parent's (open files, buffers, exit handlers) is run twice


def _send(pipe: int, found: int, data: bytes) -> None:
    for part in (_HEADER.pack(found, len(data)), data):
        view = memoryview(part)
        while view:
            view = view[os.write(pipe, view) :]


def _receive(pipe: int) -> tuple[int, bytes]:
    found, size = _HEADER.unpack(_read(pipe, _HEADER.size))
    data = _read(pipe, size)
    if found == _FAILED:
        raise EncountersError(data.decode("utf-8"))
    if found == _BROKEN:
        raise RuntimeError(f"a process writing the export failed: {data.decode('utf-8')}")
    return found, data  # type: ignore[return-value]  # a bytearray: written as it is, not copied again


def _read(pipe: int, size: int) -> bytearray:
    data = bytearray(size)
    view = memoryview(data)
    got = 0
    while got < size:
        count = os.readv(pipe, [view[got:]])
        if count == 0:
            raise EncountersError(
                "a process writing the export stopped unexpectedly; nothing was kept: try again,"
                " or add --jobs 1"
            )
        got += count
    return data
