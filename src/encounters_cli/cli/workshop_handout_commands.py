"""workshop handout and workshop summary: printable material before a workshop, the group's choices after."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state

if TYPE_CHECKING:
    from rich.console import RenderableType

    from encounters_cli.workshop.summary import ChoiceCount, StepSummary, Summary, WorkshopSummary

BAR_WIDTH = 20
INDENT = 2


class HandoutFormat(str, Enum):
    md = "md"
    html = "html"


class HandoutFor(str, Enum):
    facilitator = "facilitator"
    participants = "participants"


class HandoutLang(str, Enum):
    en = "en"
    fi = "fi"


# --- handout ----------------------------------------------------------------------------------------


def handout(
    ctx: typer.Context,
    script: Annotated[
        Path, typer.Argument(metavar="FILE", help="The workshop script (YAML).", show_default=False)
    ],
    fmt: Annotated[
        HandoutFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="md or html. Without it: html when --out ends in .html, else md.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="Write to PATH, or '-' for standard output (the default). An HTML page is not printed "
            "on a terminal: give --out there.",
        ),
    ] = None,
    audience: Annotated[
        HandoutFor,
        typer.Option(
            "--for",
            help="facilitator: every step with timings and notes; participants: cards, questions and "
            "space to write, no notes.",
        ),
    ] = HandoutFor.facilitator,
    lang: Annotated[
        HandoutLang | None,
        typer.Option("--lang", help="The handout's language (one of the script's); default: yours."),
    ] = None,
) -> None:
    """Printable material from a workshop script: a facilitator guide or a participant handout."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_handout_messages import t
    from encounters_cli.errors import UsageError
    from encounters_cli.workshop.handout import build_handout, render_html, render_markdown
    from encounters_cli.workshop.loader import load_workshop

    shared = state(ctx)
    chosen = fmt.value if fmt else ("html" if (out or "").lower().endswith((".html", ".htm")) else "md")
    if chosen == "html" and out is None and stdout_is_terminal():
        raise UsageError(t(shared.lang, "handout.html_terminal"))
    loaded = load_workshop(script, shared.extra_catalogue_dirs())
    workshop = loaded.workshop
    if lang is not None and lang.value not in workshop.languages:
        raise UsageError(
            t(
                shared.lang,
                "handout.no_lang",
                asked=lang.value,
                id=workshop.id,
                languages=", ".join(workshop.languages),
            )
        )
    language = lang.value if lang is not None else workshop.run_language(shared.lang)
    content = build_handout(workshop, loaded.catalogue, language, audience.value)
    page = render_html(content) if chosen == "html" else render_markdown(content)
    where = _write(page, out)
    if where is not None:
        render.stderr_console().print(
            t(shared.lang, "handout.written", where=render.inert(str(where))), soft_wrap=True
        )


def _write(text: str, out: str | None) -> Path | None:
    """The file written (atomically; a handout is for sharing, so readable by others), or None for stdout."""
    if out is None or out == "-":
        buffer = getattr(sys.stdout, "buffer", None)
        sys.stdout.flush()
        if buffer is not None:  # UTF-8 whatever the locale says: the page declares charset=utf-8
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return None
    from encounters_cli.storage.files import write_atomically

    path = Path(out).expanduser()
    write_atomically(path, text.encode("utf-8"), mode=0o644)
    return path


def stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


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
    script: Annotated[
        Path | None,
        typer.Option(
            "--script",
            metavar="FILE",
            help="The workshop script: steps in its order with its titles, names from its packs; "
            "implies --workshop with the script's id.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same figures, machine-readable.")] = False,
) -> None:
    """For the debrief: per step, which values and practices the group chose and how they rated them."""
    from encounters_cli.workshop.summary import summarise

    shared = state(ctx)
    lang = shared.lang
    steps: list[tuple[str, str]] = []
    if script is None:
        catalogue = shared.catalogue
    else:
        from encounters_cli.workshop.handout import build_handout
        from encounters_cli.workshop.loader import load_workshop

        loaded = load_workshop(script, shared.extra_catalogue_dirs())
        catalogue = loaded.catalogue  # with the script's packs: their practices have names too
        workshop = workshop or loaded.workshop.id
        titled = build_handout(loaded.workshop, catalogue, loaded.workshop.run_language(lang), "participants")
        steps = [(item.id, f"{item.number}. {item.title}") for item in titled.steps]
    figures = summarise(exports, catalogue, lang, workshop=workshop, script_steps=steps)
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

    if step.step is None:
        title = t(lang, "summary.no_step")
    elif step.title:
        title = t(lang, "summary.step_titled", title=render.inert(step.title), step=render.inert(step.step))
    else:
        title = t(lang, "summary.step", step=render.inert(step.step))
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
    workshop_app.command()(handout)
    workshop_app.command()(summary)
