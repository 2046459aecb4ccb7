"""The start-up baseline: a minimal Typer app with one command, run by benchmarks/run.py.

`encounters --version`, `--help` and `log TEXT` are compared with this script's `--version`, `--help`
and `TEXT` under the same interpreter, so the ratio measures what encounters adds to Typer itself.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write("minimal 1.0\n")
        raise typer.Exit()


@app.command()
def note(
    text: Annotated[str, typer.Argument(help="What happened.")],
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Write TEXT back: the least a one-command Typer app can do."""
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    app()
