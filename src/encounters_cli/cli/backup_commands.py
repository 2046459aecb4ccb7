"""backup and restore: copies of the journal, taken safely and put back only after checking."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from encounters_cli.cli.state import state, stdin_is_terminal


def backup(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="A new file to write the backup to, or a folder to put a dated backup in."
            " Default: the backups folder in the data folder ('encounters paths' shows it).",
        ),
    ] = None,
) -> None:
    """Copy the journal to a dated, checked backup file; safe while encounters is writing to it."""
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.storage import backup as backups

    shared = state(ctx)
    written = backups.backup(shared.journal_path(), out)
    render.stderr_console().print(
        t(shared.lang, "backup.done", path=render.inert(str(written))), style="green", soft_wrap=True
    )
    if not sys.stdout.isatty():  # for scripts: where the copy went, as data
        sys.stdout.write(f"{written}\n")


def restore(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="The backup file to restore (one 'encounters backup' wrote)."),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
    ] = False,
) -> None:
    """Replace the journal with a backup, after checking it; the current journal is kept beside it."""
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.errors import UsageError
    from encounters_cli.storage import backup as backups

    shared = state(ctx)
    journal = shared.journal_path()
    lang = shared.lang
    if not yes:
        if not stdin_is_terminal():
            raise UsageError("not a terminal, so there is no one to confirm: add --yes to restore")
        count = backups.check(source)  # a broken file is refused before anyone is asked
        from encounters_cli.cli.prompter import confirm

        question = t(
            lang,
            "restore.confirm",
            journal=render.inert(str(journal)),
            source=render.inert(str(source)),
            count=count,
        )
        if not confirm(question, lang):
            render.stderr_console().print(t(lang, "restore.kept"))
            return
    aside = backups.restore(source, journal)
    where = {"journal": render.inert(str(journal)), "source": render.inert(str(source))}
    if aside is None:
        message = t(lang, "restore.done_new", **where)
    else:
        message = t(lang, "restore.done", **where, aside=render.inert(str(aside)))
    render.stderr_console().print(message, style="green", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    for command in (backup, restore):
        app.command(rich_help_panel="Journal")(command)
