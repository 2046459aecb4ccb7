"""workshop handout and workshop summary: printable material before a workshop, the group's choices after."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state

if TYPE_CHECKING:
    from rich.console import RenderableType

    from encounters_cli.workshop.summary import ChoiceCount, StepSummary, Summary, WorkshopSummary

BAR_WIDTH = 20
INDENT = 2


# --- summary ----------------------------------------------------------------------------------------


def summary(
    ctx: typer.Context,
    exports: Annotated[
        list[Path],
        typer.Argument(
            metavar="EXPORTS...",
            help="Participants' anonymised exports (json or jsonl), made with "
            "'encounters export --anonymise --workshop ID'.",
            show_default=False,
        ),
    ],
    workshop: Annotated[
        str | None,
        typer.Option(
            "--workshop",
            "-w",
            metavar="ID",
            help="Only this workshop; without it, each workshop in the files gets its own summary.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same figures, machine-readable.")] = False,
) -> None:
    """For the debrief: per step, which values and practices the group chose and how they rated them."""
    from encounters_cli.workshop.summary import summarise

    shared = state(ctx)
    lang = shared.lang
    figures = summarise(exports, shared.catalogue, lang, workshop=workshop)
    _notes(figures, lang)
    if as_json:
        sys.stdout.write(json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    from encounters_cli.cli import render

    console = render.stdout_console()
    for part in summary_parts(figures, lang):
        console.print(part)
        console.print()


def _notes(figures: Summary, lang: str) -> None:
    """What was skipped or counted once goes to stderr, so stdout stays the summary itself."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import t

    console = render.stderr_console()
    for path in figures.skipped:
        console.print(t(lang, "summary.skipped", path=render.inert(path)), style="dim", soft_wrap=True)
    if figures.duplicates:
        console.print(t(lang, "summary.duplicates", n=figures.duplicates), style="dim", soft_wrap=True)
    if figures.outside:
        console.print(t(lang, "summary.left_out", n=figures.outside), style="dim", soft_wrap=True)


def summary_parts(figures: Summary, lang: str) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for item in figures.workshops:
        parts.extend(_workshop_parts(item, lang))
    return parts


def _workshop_parts(item: WorkshopSummary, lang: str) -> list[RenderableType]:
    from rich.text import Text

    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import counted, t

    head = Text(t(lang, "summary.workshop", workshop=render.inert(item.workshop)), style="bold")
    counts = [
        counted(lang, "participants", item.participants),
        counted(lang, "entries", item.entries),
        counted(lang, "files", item.files),
    ]
    head.append(" · " + " · ".join(counts), style="")
    parts: list[RenderableType] = [head]
    parts.extend(_step_part(step, lang) for step in item.steps)
    return parts


def _step_part(step: StepSummary, lang: str) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import counted, t

    title = t(lang, "summary.step", step=render.inert(step.step)) if step.step else t(lang, "summary.no_step")
    head = Text(title, style="bold underline")
    head.append(
        f" · {counted(lang, 'entries', step.entries)} {counted(lang, 'from', step.participants)}", style=""
    )
    blocks: list[RenderableType] = [head]
    n = step.participants
    if step.values:
        blocks += _choices(t(lang, "summary.values", n=n), step.values, n, lang)
    if step.practices:
        blocks += _choices(t(lang, "summary.practices", n=n), step.practices, n, lang)
    if step.ratings:
        blocks += _ratings(step, lang)
    if step.questions:
        blocks += _questions(step, lang)
    if len(blocks) == 1:
        blocks.append(_heading(t(lang, "summary.nothing"), style="dim"))
    return Group(*blocks)


def _heading(text: str, indent: int = INDENT, style: str = "bold") -> RenderableType:
    from rich.text import Text

    line = Text(" " * indent)
    line.append(text, style=style)
    return line


def _table(indent: int = INDENT, *, header: bool = False):
    """A borderless table whose first, empty column indents it (Padding would pad lines to the right)."""
    from rich.table import Table

    table = Table(
        show_header=header,
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        box=None,
        padding=(0, 2, 0, 0),
    )
    table.add_column("", width=max(0, indent - 2))
    return table


def _bar_rows(table, rows: list[tuple[RenderableType, int]], n: int, lang: str) -> None:
    """Rows of name, a bar as long as the share of n (readable without colour), and 'k of n'."""
    from encounters_cli.cli.insights_commands import bar
    from encounters_cli.cli.workshop_handout_messages import t

    table.add_column(no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column(no_wrap=True, min_width=BAR_WIDTH)
    table.add_column(no_wrap=True, justify="right")
    for name, count in rows:
        table.add_row("", name, bar(count, n, BAR_WIDTH), t(lang, "summary.of", count=count, n=n))


def _choices(title: str, items: list[ChoiceCount], n: int, lang: str) -> list[RenderableType]:
    from encounters_cli.cli import render

    table = _table()
    _bar_rows(table, [(render.literal(item.name), item.participants) for item in items], n, lang)
    return [_heading(title), table]


def _ratings(step: StepSummary, lang: str) -> list[RenderableType]:
    """Per value: how many gave 1 … 5 ('·' for none), the mean and n; numbers, so no colour is needed."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import t

    table = _table(header=True)
    table.add_column("", no_wrap=True, overflow="ellipsis", max_width=40)
    for score in (1, 2, 3, 4, 5):
        table.add_column(str(score), justify="right")
    table.add_column(t(lang, "summary.mean"), justify="right")
    table.add_column("n", justify="right")
    for item in step.ratings:
        table.add_row(
            "",
            render.literal(item.name),
            *[str(count) if count else "·" for count in item.distribution.values()],
            _number(item.mean, lang),
            str(item.n),
        )
    return [_heading(t(lang, "summary.ratings")), table]


def _questions(step: StepSummary, lang: str) -> list[RenderableType]:
    """Each question with how many answered it; choices counted with bars, written answers only counted."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import counted, t

    blocks: list[RenderableType] = [_heading(t(lang, "summary.questions"))]
    for question in step.questions:
        line = _heading(render.inert(question.question), INDENT * 2, style="")
        line.append(f"  ({t(lang, 'summary.answered', n=question.answered)})", style="dim")
        blocks.append(line)
        if not question.counts:
            blocks.append(_heading(counted(lang, "written", question.answered), INDENT * 3, style="dim"))
            continue
        table = _table(INDENT * 3)
        rows = [(render.literal(count.label), count.count) for count in question.counts]
        _bar_rows(table, rows, question.answered, lang)
        blocks.append(table)
    return blocks


def _number(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang.startswith("fi") else text


# --- registration -----------------------------------------------------------------------------------


def register(workshop_app: typer.Typer) -> None:
    """Called by cli/workshop_commands.py with the `encounters workshop` sub-app."""
    workshop_app.command()(summary)
