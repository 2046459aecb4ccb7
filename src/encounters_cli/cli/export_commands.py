"""export and import: the journal out to a file (optionally anonymised for research), and back in.

The work happens in ``export/run.py`` and ``export/imports.py``; this module parses the options,
asks for a study key and shows the anonymisation preview on a terminal, and draws progress bars.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from encounters_cli.cli.journal_commands import (
    DomainOpt,
    OpenOpt,
    PracticeOpt,
    Since,
    Until,
    ValueOpt,
    WorkshopOpt,
    build_filter,
)
from encounters_cli.cli.state import state, stdin_is_terminal

if TYPE_CHECKING:
    from collections.abc import Iterator

    from encounters_cli.export.anonymise import AnonymisationReport

PROGRESS_FROM = 2000  # entries: below this an export is over before a bar would be worth drawing
STUDY_KEY_ENV = "ENCOUNTERS_STUDY_KEY"

FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="json (everything, for 'encounters import'), jsonl, csv (one row per answer; see --wide),"
        " md (readable, e.g. for supervision) or qdpx (REFI-QDA, for ATLAS.ti, MAXQDA, NVivo).",
    ),
]
OutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="PATH",
        help="Write to PATH, or '-' for standard output. Without it: standard output when that is not a"
        " terminal, else encounters-YYYY-MM-DD.<format> in the current folder.",
    ),
]


def export(
    ctx: typer.Context,
    fmt: FormatOpt = "json",
    out: OutOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="csv: one row per encounter, a column per question and rating.")
    ] = False,
    since: Since = None,
    until: Until = None,
    value: ValueOpt = None,
    domain: DomainOpt = None,
    practice: PracticeOpt = None,
    open_only: OpenOpt = False,
    workshop: WorkshopOpt = None,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help="For research: leave out private entries, replace identifiers in the text, coarsen dates,"
            " pseudonymous ids; shows a preview first on a terminal.",
        ),
    ] = False,
    study_key: Annotated[
        str | None,
        typer.Option(
            "--study-key",
            metavar="KEY",
            envvar=STUDY_KEY_ENV,
            show_envvar=True,
            help="With --anonymise: the key your researcher gave you (asked on a terminal if not given).",
        ),
    ] = None,
    date_precision: Annotated[
        str | None,
        typer.Option(
            "--date-precision",
            metavar="PRECISION",
            help="With --anonymise: day, week, month (default) or quarter.",
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option(
            "--k",
            metavar="N",
            help="With --anonymise: every combination of domain, period, language and practices is"
            " shared by at least N entries (default 5); rarer ones are generalised or left out.",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --anonymise: skip the preview.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Processes that format a json, jsonl, csv or md export at once (default: one a core, at"
            " most 4; 1: one process). An anonymised export always uses one.",
        ),
    ] = None,
) -> None:
    """Export the journal (or a selection) as json, jsonl, csv, md or qdpx; --anonymise for research."""
    from encounters_cli.cli import render
    from encounters_cli.cli.export_messages import t
    from encounters_cli.errors import UsageError
    from encounters_cli.export import FORMATS
    from encounters_cli.export.run import ExportRequest, default_path, run_export

    shared = state(ctx)
    lang = shared.lang
    if fmt not in FORMATS:
        raise UsageError(t(lang, "option.format", name=fmt, choices=", ".join(FORMATS)))
    if wide and fmt != "csv":
        raise UsageError(t(lang, "option.wide_csv"))
    if jobs is not None and jobs < 1:  # checked here: Typer's range check would load pydantic
        raise UsageError(t(lang, "option.jobs", jobs=jobs))
    if not anonymise:
        # --study-key may come from the environment; only an option typed here is a mistake
        given = {"--date-precision": date_precision, "--k": k}
        for option, setting in given.items():
            if setting is not None:
                raise UsageError(t(lang, "option.needs_anonymise", option=option))
    catalogue = shared.catalogue
    flt = build_filter(None, since, until, value, domain, practice, open_only, workshop, catalogue)
    settings = None
    if anonymise:
        from encounters_cli.export.anonymise import AnonymiseSettings

        settings = AnonymiseSettings(
            study_key=_study_key(study_key, lang),
            date_precision=date_precision or "month",
            k=5 if k is None else k,
        )
    if out == "-" or (out is None and not _stdout_is_terminal() and _is_text(fmt)):
        path = None
    else:
        path = Path(out).expanduser() if out else default_path(fmt, anonymised=anonymise)
    request = ExportRequest(fmt, flt, path, force=force, wide=wide, anonymise=settings, jobs=jobs)
    store = shared.store
    ask = settings is not None and not yes and stdin_is_terminal() and sys.stderr.isatty()
    with _progress(store.count(flt), t(lang, "export.progress")) as bar:

        def confirm(report: AnonymisationReport) -> bool:
            bar.stop()
            return _preview(report, settings.k if settings else 5, lang)

        summary = run_export(
            store,
            catalogue,
            lang,
            request,
            stdout=_binary_stdout(),
            on_progress=bar.update,
            confirm=confirm if ask else None,
        )
    if not summary.kept:
        render.note(t(lang, "export.not_written"))
        return
    where = t(lang, "export.stdout") if summary.path is None else str(summary.path)
    if summary.sidecar is not None:
        render.note(
            t(lang, "export.written.sidecar", count=summary.written, where=where, sidecar=summary.sidecar)
        )
    else:
        render.note(t(lang, "export.written", count=summary.written, where=where))
    if summary.report is not None:
        render.note(_anonymised_line(summary.report, lang))


def _is_text(fmt: str) -> bool:
    from encounters_cli.export import exporter

    return exporter(fmt).text


def _stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def _binary_stdout() -> Any:
    """Standard output as bytes (UTF-8 whatever the locale says: every text format is UTF-8)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None else _TextAsBinary(sys.stdout)


class _TextAsBinary:
    """For a stdout without a byte buffer (some embeddings): decode and write text."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


def _study_key(given: str | None, lang: str) -> str:
    from encounters_cli.cli.export_messages import t
    from encounters_cli.errors import UsageError

    if given:
        return given
    if not stdin_is_terminal():
        raise UsageError(t(lang, "study_key.missing"))
    import getpass

    try:
        key = getpass.getpass(t(lang, "study_key.ask"), stream=sys.stderr)
    except EOFError:
        key = ""
    if not key.strip():
        raise UsageError(t(lang, "study_key.empty"))
    return key


def _preview(report: AnonymisationReport, k: int, lang: str) -> bool:
    """The anonymiser's counts and a few redacted excerpts; then 'Write the export? [y/N]'."""
    from encounters_cli.cli import render
    from encounters_cli.cli.export_messages import t
    from encounters_cli.cli.prompter import confirm

    console = render.stderr_console()
    none = t(lang, "export.none")
    selected = report.exported + report.private_left_out + report.suppressed
    console.print(t(lang, "preview.title", count=selected), style="bold")
    console.print(t(lang, "preview.identifiers", counts=_counts(report.counts) or none))
    console.print(
        t(lang, "preview.left_out", private=report.private_left_out, suppressed=report.suppressed, k=k)
    )
    if report.generalised:
        console.print(t(lang, "preview.generalised", counts=_counts(report.generalised)))
    console.print(t(lang, "preview.exported", exported=report.exported))
    if report.examples:
        console.print(t(lang, "preview.examples"))
        for example in report.examples[:3]:
            console.print(render.literal(f"  {example}"))
    return confirm(t(lang, "preview.confirm"), lang)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)


def _anonymised_line(report: AnonymisationReport, lang: str) -> str:
    from encounters_cli.cli.export_messages import t

    none = t(lang, "export.none")
    return t(
        lang,
        "export.anonymised",
        exported=report.exported,
        private=report.private_left_out,
        suppressed=report.suppressed,
        generalised=_counts(report.generalised) or none,
        replaced=_counts(report.counts) or none,
    )


class _Bar:
    """A Rich progress bar on stderr, or nothing (not a terminal, or too few entries to bother)."""

    def __init__(self, total: int, label: str) -> None:
        self._progress: Any = None
        self._task: Any = None
        if total > PROGRESS_FROM and sys.stderr.isatty():
            from rich.progress import Progress

            from encounters_cli.cli import render

            self._progress = Progress(console=render.stderr_console(), transient=True)
            self._task = self._progress.add_task(label, total=total)
            self._progress.start()

    def update(self, done: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextmanager
def _progress(total: int, label: str) -> Iterator[_Bar]:
    bar = _Bar(total, label)
    try:
        yield bar
    finally:
        bar.stop()


def import_entries(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An encounters json or jsonl export, or jrnl's.")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="SOURCE",
            help="encounters (default: our json or jsonl export) or jrnl (jrnl's 'jrnl --export json').",
        ),
    ] = "encounters",
) -> None:
    """Import entries from an encounters export or from jrnl; entries already in the journal are skipped."""
    from encounters_cli.cli import render
    from encounters_cli.cli.export_messages import t
    from encounters_cli.export.imports import import_file

    shared = state(ctx)
    lang = shared.lang
    progress: list[_Bar] = []

    def on_progress(done: int, total: int) -> None:
        if not progress:
            progress.append(_Bar(total, t(lang, "import.progress")))
        progress[0].update(done)

    try:
        summary = import_file(
            shared.store, shared.catalogue, file, source=source, lang=lang, on_progress=on_progress
        )
    finally:
        for bar in progress:
            bar.stop()
    render.stderr_console().print(
        t(lang, "import.done", added=summary.added, skipped=summary.skipped, file=file), soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    app.command("export", rich_help_panel="Journal")(export)
    app.command("import", rich_help_panel="Journal")(import_entries)
