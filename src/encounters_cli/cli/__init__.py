"""Command-line layer: parses options, renders with Rich, delegates to the core."""

from __future__ import annotations


def main() -> None:
    from encounters_cli.cli.app import app

    app(prog_name="encounters")
