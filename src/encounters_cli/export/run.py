"""One export from start to finish: select, (optionally) anonymise, write atomically, describe.

Core code: no typer, no rich. The command line gives a ``Filter``, the format and where to write;
it hears back through two callbacks, ``on_progress(n)`` (entries read so far) and ``confirm(report)``
(an anonymised export's counts, before anything is kept), and gets an ``ExportSummary``.

Records go from the journal to the writer one page at a time; nothing holds the whole
selection. No Encounter objects are built on the way: a writer that takes text (jsonl, json) gets
each record as the JSON text SQLite writes (``Store.iter_record_bytes``), the others get plain
dicts filled straight from the rows (``Store.iter_records``), and the anonymiser works on those.
A plain export in a paged format (jsonl, json, csv, md) has its pages read and formatted by
several processes at once (``export/pages.py``); an anonymised one, whose pseudonyms and counts
run across the whole selection, streams through this process, as qdpx does.

A file is written to a temporary file in the same folder (0600 from the start) and renamed over the
target only when the writer has finished, so an error, Ctrl-C or a "no" at the preview leaves no
file and no half of one.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from encounters_cli.errors import EncountersError, UsageError
from encounters_cli.export import (
    Exporter,
    ExportJob,
    Paged,
    exporter,
    is_paged,
    takes_text,
    write_pages,
)

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.export.anonymise import AnonymisationReport, Anonymiser, AnonymiseSettings
    from encounters_cli.storage.journal import Store
    from encounters_cli.storage.records import Filter

SIDECAR_SUFFIX = ".about.json"
PROGRESS_EVERY = 250  # entries between progress callbacks: a bar needs no more, and each call costs
_BUFFER = 1 << 16


@dataclass
class ExportRequest:
    format: str
    flt: Filter
    out: Path | None  # None: standard output (the ``stdout`` stream given to run_export)
    force: bool = False  # replace an existing file
    wide: bool = False  # csv: one row per encounter
    anonymise: AnonymiseSettings | None = None
    jobs: int | None = None  # processes formatting a plain paged export (pages.py); None: one a core


@dataclass
class ExportSummary:
    format: str
    path: Path | None  # None: written to standard output
    sidecar: Path | None  # the data description beside a jsonl or csv file
    written: int  # records written
    report: AnonymisationReport | None  # anonymised exports: what was replaced, left out, generalised
    kept: bool = True  # False when the person said no at the preview: nothing was written


def default_path(fmt: str, *, anonymised: bool, today: date | None = None) -> Path:
    """``encounters-2026-11-27.csv`` (``encounters-anonymised-…`` when anonymised) in the current folder."""
    day = today or date.today()
    kind = "encounters-anonymised" if anonymised else "encounters"
    return Path(f"{kind}-{day:%Y-%m-%d}{exporter(fmt).suffix}")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def has_sidecar(fmt: str) -> bool:
    return bool(getattr(exporter(fmt), "sidecar", False))


def check_target(request: ExportRequest) -> Exporter:
    """Refuse what cannot work before anything is read: stdout for a binary format, an existing file."""
    chosen = exporter(request.format)
    if request.out is None:
        if not chosen.text:
            raise UsageError(
                f"the {chosen.name} format is a binary file and cannot go to standard output:"
                f" give a file name with --out, e.g. --out encounters{chosen.suffix}"
            )
        return chosen
    path = request.out
    if path.is_dir():
        raise UsageError(
            f"{path} is a folder: give a file name, e.g. --out {path / ('encounters' + chosen.suffix)}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise EncountersError(f"cannot write {path}: the folder {folder} does not exist")
    targets = [path, sidecar_path(path)] if getattr(chosen, "sidecar", False) else [path]
    existing = [target for target in targets if target.exists() or target.is_symlink()]
    if existing and not request.force:
        raise EncountersError(
            f"{existing[0]} already exists: choose another name with --out, or add --force to replace it"
        )
    return chosen


def run_export(
    store: Store,
    catalogue: Catalogue,
    lang: str,
    request: ExportRequest,
    *,
    stdout: BinaryIO | None = None,
    on_progress: Callable[[int], None] | None = None,
    confirm: Callable[[AnonymisationReport], bool] | None = None,
) -> ExportSummary:
    """Write the export ``request`` describes; see the module docstring.

    ``confirm`` is asked (anonymised exports only) once the anonymiser has seen every entry and
    before the export is kept: a file is then still a temporary file; for standard output a dry
    pass runs first and nothing is written before the answer. False: nothing is kept.
    """
    chosen = check_target(request)
    store.unlock()  # an encrypted journal asks for its passphrase now, not under a progress bar
    settings = request.anonymise
    if request.out is None:
        if stdout is None:
            raise ValueError("run_export needs the stdout stream to write to standard output")
        if settings is not None and confirm is not None:
            report = preview(store, request.flt, settings)
            if not confirm(report):
                return ExportSummary(chosen.name, None, None, 0, report, kept=False)
        selection = _Selection(store, catalogue, lang, request, on_progress)
        with _no_cycle_collection():
            written = selection.write(chosen, stdout)
        stdout.flush()
        return ExportSummary(chosen.name, None, None, written, selection.report)

    path = request.out
    sidecar = sidecar_path(path) if getattr(chosen, "sidecar", False) else None
    selection = _Selection(store, catalogue, lang, request, on_progress)
    with _AtomicFile(path, request.force) as target, _no_cycle_collection():
        written = selection.write(chosen, target.handle)
        if settings is not None and confirm is not None and not confirm(selection.report):  # type: ignore[arg-type]
            target.discard()
            return ExportSummary(chosen.name, None, None, 0, selection.report, kept=False)
        if sidecar is not None:
            about = json.dumps(selection.job.describe(), ensure_ascii=False, indent=2) + "\n"
            with _AtomicFile(sidecar, request.force) as side:
                side.handle.write(about.encode("utf-8"))
    return ExportSummary(chosen.name, path, sidecar, written, selection.report)


def preview(store: Store, flt: Filter, settings: AnonymiseSettings) -> AnonymisationReport:
    """A dry pass: the anonymiser over the whole selection, nothing written; its report."""
    anonymiser = _anonymiser(store, flt, settings)
    transform = anonymiser.transform_record
    for record in store.iter_records(flt):
        transform(record)
    return anonymiser.report


def _anonymiser(store: Store, flt: Filter, settings: AnonymiseSettings) -> Anonymiser:
    from encounters_cli.export.anonymise import Anonymiser

    anonymiser = Anonymiser(settings, store.participant_secret(), store.scrub_names())
    anonymiser.plan_groups(store.fact_groups(flt, anonymiser.date_chars))
    return anonymiser


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while records stream: they are trees of dicts and lists,
    freed by reference counting as soon as they are written, and the collector would otherwise walk
    the young ones after every few hundred allocations: a few per cent of an anonymised export."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Selection:
    """The records of one export as a stream, and the job that describes them to the writer."""

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        lang: str,
        request: ExportRequest,
        on_progress: Callable[[int], None] | None,
    ) -> None:
        self.store = store
        self.flt = request.flt
        self.jobs = request.jobs
        self.on_progress = on_progress
        self.written = 0
        settings = request.anonymise
        self.anonymiser = None if settings is None else _anonymiser(store, request.flt, settings)
        self.report = None if self.anonymiser is None else self.anonymiser.report
        question_ids = rating_ids = None
        if request.wide:
            # The columns the selection needs (a private entry is left out of an anonymised one)
            question_ids, rating_ids = store.answered_ids(request.flt, skip_private=settings is not None)

        def describe() -> dict[str, Any]:
            from encounters_cli.export.about import describe as about

            return about(
                catalogue,
                anonymised=settings is not None,
                settings=settings,
                report=self.report,
                lang=lang,
                exported=self.written,
            )

        self.job = ExportJob(
            catalogue=catalogue,
            lang=lang,
            anonymised=settings is not None,
            describe=describe,
            wide=request.wide,
            question_ids=question_ids,
            rating_ids=rating_ids,
        )

    def write(self, chosen: Exporter, out: BinaryIO) -> int:
        """Write the selection in format ``chosen`` to ``out``: a plain export of a paged format page
        by page, in several processes where it can (``export/pages.py``); the rest as one stream."""
        if self.anonymiser is None and is_paged(chosen):
            return write_pages(chosen, self._pages(chosen), out, self.job)  # type: ignore[arg-type]
        return chosen.write(self.records(text=takes_text(chosen)), out, self.job)

    def _pages(self, chosen: Paged) -> Iterator[tuple[int, bytes]]:
        from encounters_cli.export.pages import default_jobs, formatted_pages

        jobs = default_jobs() if self.jobs is None else self.jobs
        progress = self.on_progress
        pages = formatted_pages(self.store, self.flt, chosen, self.job, text=takes_text(chosen), jobs=jobs)
        for found, data in pages:
            self.written += found  # before the page goes on: the end's description counts it
            if progress is not None:
                progress(self.written)
            yield found, data

    def records(self, *, text: bool = False) -> Iterator[dict[str, Any] | bytes]:
        """The records to write: plain dicts, or anonymised ones; with ``text``, plain records as
        their JSON text in UTF-8 (for a writer that takes text: see ``Exporter``)."""
        progress = self.on_progress
        transform = None if self.anonymiser is None else self.anonymiser.transform_record
        plain: Iterator[dict[str, Any] | bytes]
        if text and transform is None:
            plain = self.store.iter_record_bytes(self.flt)
        else:
            plain = self.store.iter_records(self.flt)
        read = 0
        for record in plain:
            read += 1
            if progress is not None and read % PROGRESS_EVERY == 0:
                progress(read)
            if transform is not None:
                record = transform(record)  # type: ignore[arg-type]
                if record is None:
                    continue
            self.written += 1
            yield record
        if progress is not None:
            progress(read)


class _AtomicFile:
    """A binary file that appears at ``path`` only if the block finishes without an exception.

    The temporary file sits in the same folder (a rename within one file system) and is created
    0600 by mkstemp, so the data is never readable by others, not even for a moment. Unless
    ``force``, an existing file at ``path`` is never replaced, even one created while we wrote.
    """

    def __init__(self, path: Path, force: bool) -> None:
        self.path = path
        self.force = force
        self._temp: Path | None = None
        self._handle: BinaryIO | None = None
        self._discarded = False

    def __enter__(self) -> _AtomicFile:
        folder = self.path.parent
        try:
            fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as error:
            raise EncountersError(f"cannot write in {folder}: {error.strerror or error}") from error
        self._temp = Path(temp)
        self._handle = os.fdopen(fd, "wb", buffering=_BUFFER)
        return self

    @property
    def handle(self) -> BinaryIO:
        assert self._handle is not None, "use _AtomicFile as a context manager"
        return self._handle

    def discard(self) -> None:
        """Keep nothing, even if the block ends normally."""
        self._discarded = True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        assert self._handle is not None
        assert self._temp is not None
        try:
            if exc_type is None and not self._discarded:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                if not self.force and (self.path.exists() or self.path.is_symlink()):
                    raise EncountersError(
                        f"{self.path} appeared while the export was written; nothing was replaced:"
                        " choose another name with --out, or add --force"
                    )
                self._temp.replace(self.path)
                self._temp = None
        except OSError as error:
            raise EncountersError(f"cannot write {self.path}: {error.strerror or error}") from error
        finally:
            with contextlib.suppress(OSError):
                self._handle.close()
            if self._temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    self._temp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise EncountersError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
