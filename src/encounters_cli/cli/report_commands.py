"""report: the figures of `insights` as one standalone HTML page, for supervision or a personal review."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state

if TYPE_CHECKING:
    from datetime import datetime


def report(
    ctx: typer.Context,
    html: Annotated[
        bool, typer.Option("--html", help="Write a standalone HTML page (the only format for now; required).")
    ] = False,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="Write to PATH, or '-' for standard output. Without it: standard output when that is "
            "not a terminal, else encounters-report-YYYY-MM-DD.html in the current folder.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date (YYYY-MM-DD, 'today', '30d').")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to and including this date.")] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", "-d", help="Only encounters in this domain.")
    ] = None,
    include_text: Annotated[
        bool,
        typer.Option(
            "--include-text",
            help="Add labels, intentions and next steps, with names, addresses and other identifiers "
            "replaced by placeholders (your 'privacy names' too). Read before sharing.",
        ),
    ] = False,
) -> None:
    """The figures of 'insights' drawn as one HTML page that needs no network; no free text by default."""
    from datetime import datetime

    from encounters_cli.errors import UsageError

    if not html:
        raise UsageError("add --html: it is the only format for now (see 'encounters report --help')")
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.insights.compute import gather
    from encounters_cli.privacy.recognisers import Scrubber
    from encounters_cli.queries import make_filter
    from encounters_cli.report.html import render_html

    shared = state(ctx)
    catalogue, lang = shared.catalogue, shared.lang
    if domain:
        catalogue.domain(domain)
    flt = make_filter(since=since, until=until, domain=domain)
    figures = gather(shared.store, catalogue, flt)
    generated = datetime.now().astimezone()
    scrubber = Scrubber(names=shared.store.scrub_names()) if include_text else None
    page = render_html(
        figures, catalogue, lang, include_text=include_text, scrubber=scrubber, generated=generated
    )
    where = _write(page, out, generated)
    console = render.stderr_console()
    if scrubber is not None:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(scrubber.counts.items()))
        console.print(t(lang, "report.scrubbed", counts=counts or t(lang, "report.nothing")))
    console.print(t(lang, "report.written", where=t(lang, "report.stdout") if where is None else str(where)))


def _write(page: str, out: str | None, generated: datetime) -> Path | None:
    """Where the page went: a file (returned), or standard output (None)."""
    if out == "-" or (out is None and not stdout_is_terminal()):
        stream = sys.stdout
        buffer = getattr(stream, "buffer", None)
        stream.flush()
        if buffer is not None:  # UTF-8 whatever the locale says: the page declares charset=utf-8
            buffer.write(page.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(page)
            stream.flush()
        return None
    from encounters_cli.storage.files import write_atomically

    path = Path(out).expanduser() if out else Path(f"encounters-report-{generated:%Y-%m-%d}.html")
    write_atomically(path, page.encode("utf-8"))
    return path


def stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Journal")(report)
