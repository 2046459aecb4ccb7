"""practices, values, domains and check: browsing and validating the catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Practice

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

practices_app = typer.Typer(help="Browse the practices: list, show, search.", no_args_is_help=True)


def _practice_json(practice: Practice) -> dict:
    return practice.model_dump(mode="json")


def _practice_table(practices: list[Practice], lang: str) -> None:
    from rich.table import Table

    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t(lang, "col.id"), no_wrap=True)
    table.add_column(t(lang, "col.title"))
    table.add_column(t(lang, "col.values"))
    for practice in practices:
        table.add_row(practice.id, practice.title.get(lang), ", ".join(practice.values))
    render.stdout_console().print(table)


@practices_app.command("list")
def practices_list(
    ctx: typer.Context,
    domain: Annotated[
        str | None, typer.Option("--domain", "-d", help="Only practices for this domain.")
    ] = None,
    value: Annotated[
        str | None, typer.Option("--value", "-v", help="Only practices serving this value.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every practice, or those for a domain or value."""
    shared = state(ctx)
    catalogue = shared.catalogue
    if domain:
        catalogue.domain(domain)
    if value:
        catalogue.value(value)
    practices = [p for p in catalogue.practices_for_domain(domain) if not value or value in p.values]
    if as_json:
        sys.stdout.write(
            json.dumps([_practice_json(p) for p in practices], ensure_ascii=False, indent=2) + "\n"
        )
        return
    _practice_table(practices, shared.lang)


@practices_app.command("show")
def practices_show(
    ctx: typer.Context,
    practice_id: Annotated[str, typer.Argument(metavar="ID", help="Practice id.")],
    as_json: JsonOpt = False,
) -> None:
    """One practice as a card: why it matters, steps, values, questions."""
    from encounters_cli.cli import render

    shared = state(ctx)
    practice = shared.catalogue.practice(practice_id)
    if as_json:
        sys.stdout.write(json.dumps(_practice_json(practice), ensure_ascii=False, indent=2) + "\n")
        return
    render.stdout_console().print(
        render.practice_card(practice, shared.catalogue, shared.lang, questions=True)
    )


@practices_app.command("search")
def practices_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for in titles, summaries and steps.")],
    as_json: JsonOpt = False,
) -> None:
    """Find practices by words, in English or Finnish."""
    shared = state(ctx)
    found = shared.catalogue.search_practices(query, shared.lang)
    if as_json:
        sys.stdout.write(json.dumps([_practice_json(p) for p in found], ensure_ascii=False, indent=2) + "\n")
        return
    if not found:
        from encounters_cli.cli import render
        from encounters_cli.cli.messages import t

        render.stderr_console().print(t(shared.lang, "search.empty"))
        return
    _practice_table(found, shared.lang)


def values(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The democratic values: two cornerstones, four lifelines, three outcomes."""
    from rich.table import Table

    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t

    shared = state(ctx)
    lang = shared.lang
    items = list(shared.catalogue.values.values())
    if as_json:
        payload = [item.model_dump(mode="json") for item in items]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(show_edge=False, pad_edge=False, header_style="bold", show_lines=False)
    for column in ("col.id", "col.kind", "col.name", "col.description"):
        table.add_column(t(lang, column))
    for item in items:
        table.add_row(item.id, t(lang, f"kind.{item.kind}"), item.name.get(lang), item.description.get(lang))
    render.stdout_console().print(table)


def domains(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The service domains encounters are filed under."""
    from rich.table import Table

    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t

    shared = state(ctx)
    lang = shared.lang
    items = list(shared.catalogue.domains.values())
    if as_json:
        sys.stdout.write(
            json.dumps([d.model_dump(mode="json") for d in items], ensure_ascii=False, indent=2) + "\n"
        )
        return
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t(lang, "col.id"))
    table.add_column(t(lang, "col.name"))
    for item in items:
        table.add_row(item.id, item.name.get(lang))
    render.stdout_console().print(table)


def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Catalogue files or folders to check.")
    ],
) -> None:
    """Validate catalogue files or folders; every problem is reported with file, line and field."""
    from encounters_cli.catalogue.loader import check_paths
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.errors import EncountersError

    problems = check_paths(paths)
    if problems:
        for problem in problems:
            sys.stderr.write(render.inert(problem) + "\n")
        # the problems are listed above; repeating the first one here would only add noise
        count = len(problems)
        raise EncountersError(f"{count} problem{'s' if count > 1 else ''} found")
    count = sum(
        1 if path.is_file() else sum(1 for f in path.rglob("*") if f.suffix in (".yaml", ".yml"))
        for path in paths
    )
    render.stderr_console().print(t(state(ctx).lang, "check.ok", count=count), style="green")


def register(app: typer.Typer) -> None:
    app.add_typer(practices_app, name="practices", rich_help_panel="Catalogue")
    app.command(rich_help_panel="Catalogue")(values)
    app.command(rich_help_panel="Catalogue")(domains)
    app.command(rich_help_panel="Catalogue")(check)
