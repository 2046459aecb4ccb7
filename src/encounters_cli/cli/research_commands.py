"""research: tools for the researcher's side (merging participants' anonymised exports)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from encounters_cli.cli.state import state

research_app = typer.Typer(
    help="For researchers: merge participants' anonymised exports into one data set.",
    no_args_is_help=True,
)


@research_app.command()
def merge(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Anonymised exports: .json files, or .jsonl files with their .about.json beside them.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write merged.jsonl, merged.csv, merged.qdpx and about.json into.",
        ),
    ],
    k: Annotated[
        int | None,
        typer.Option(
            "--k",
            min=1,
            help="Smallest group size for k-anonymity over the merged set. Default: the largest k"
            " the exports were made with.",
        ),
    ] = None,
) -> None:
    """Merge anonymised exports made with one study key; refuse anything else, writing nothing."""
    from encounters_cli.cli import render
    from encounters_cli.cli.research_messages import t
    from encounters_cli.export.merge import merge as merge_exports

    shared = state(ctx)
    lang = shared.lang
    result = merge_exports(files, out, catalogue=shared.catalogue, lang=lang, k=k)
    console = render.stderr_console()
    files_written = ", ".join(path.name for path in result.written)
    console.print(
        t(
            lang,
            "merge.done",
            inputs=result.inputs,
            participants=result.participants,
            entries=result.entries,
            folder=render.inert(str(out)),
            files=render.inert(files_written),
        ),
        style="green",
        soft_wrap=True,
    )
    console.print(
        t(
            lang,
            "merge.kanon",
            k=result.about["settings"]["k"],
            generalised=result.generalised_records,
            suppressed=result.suppressed,
        ),
        soft_wrap=True,
    )
    if result.duplicates:
        console.print(t(lang, "merge.duplicates", count=result.duplicates), soft_wrap=True)
    if result.skipped_formats:
        console.print(t(lang, "merge.skipped", formats=", ".join(result.skipped_formats)), style="yellow")
    console.print(t(lang, "merge.statement"), style="dim", soft_wrap=True)
    if not sys.stdout.isatty():  # for scripts: what was written, as data
        sys.stdout.write("".join(f"{path}\n" for path in result.written))


def register(app: typer.Typer) -> None:
    app.add_typer(research_app, name="research", rich_help_panel="Research")
