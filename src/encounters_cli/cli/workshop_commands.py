"""encounters workshop …: check, run and write trainers' workshop scripts.

``workshop_app`` is the sub-app; ``cli/workshop_handout_commands.py`` adds its commands (handout,
summary) to it through its own ``register(workshop_app)``, called from ``register`` below.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import AppState, state, stdin_is_terminal

if TYPE_CHECKING:
    from encounters_cli.workshop.loader import LoadedWorkshop

workshop_app = typer.Typer(
    help="Workshops for trainers: write, check and run workshop scripts (YAML), list past runs.",
    no_args_is_help=True,
)

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The workshop script (YAML).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


class Template(str, Enum):
    short = "short"
    team_day = "team-day"


class Language(str, Enum):
    en = "en"
    fi = "fi"


def _load(shared: AppState, path: Path) -> LoadedWorkshop:
    from encounters_cli.workshop.loader import load_workshop

    return load_workshop(path, shared.extra_catalogue_dirs())


@workshop_app.command("check")
def check(ctx: typer.Context, path: FileArgument) -> None:
    """Validate a script: every problem with file, line, column and step; exit 1 when there are any."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_messages import t
    from encounters_cli.errors import EncountersError
    from encounters_cli.workshop.loader import read_workshop

    shared = state(ctx)
    loaded, problems = read_workshop(path, shared.extra_catalogue_dirs())
    if loaded is None:
        for problem in problems:
            sys.stderr.write(render.inert(problem) + "\n")
        raise EncountersError(t(shared.lang, "check.problems", count=len(problems)))
    workshop = loaded.workshop
    minutes = workshop.duration or workshop.planned_minutes()
    message = t(shared.lang, "check.ok", file=path, steps=len(workshop.steps), minutes=minutes)
    render.stderr_console().print(render.literal(message, style="green"), soft_wrap=True)


@workshop_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the script format, for editors (e.g. a yaml-language-server modeline)."""
    from encounters_cli.workshop.models import json_schema

    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")


@workshop_app.command("questions")
def questions(ctx: typer.Context, path: FileArgument, as_json: JsonOption = False) -> None:
    """List every step's questions (ids, types, options, required), for writing answers files."""
    from encounters_cli.workshop.questions import describe

    shared = state(ctx)
    loaded = _load(shared, path)
    listing = describe(loaded, loaded.workshop.run_language(shared.lang))
    if as_json:
        sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.table import Table

    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_messages import t

    lang = shared.lang
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("col.step", "col.question", "col.type", "col.required", "col.options", "col.prompt"):
        table.add_column(t(lang, column))
    for item in listing:
        options = item.get("options") or []
        if item["type"] == "scale":
            choices = f"{item['min']}–{item['max']}"
        elif len(options) > 9:
            choices = t(lang, "options.many", count=len(options))
        else:
            choices = ", ".join(options)
        table.add_row(
            item["step"],
            item["question"] or "",
            item["type"],
            t(lang, "yes") if item["required"] else "",
            choices,
            render.literal(item["prompt"]),
        )
    render.stdout_console().print(table)


@workshop_app.command("run")
def run(
    ctx: typer.Context,
    path: FileArgument,
    participant: Annotated[
        str | None,
        typer.Option(
            "--participant", "-p", metavar="LABEL", help="Who runs it, e.g. 'laptop 3' (no full names)."
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            help="Answer from a YAML or JSON file: step id -> question id -> answer"
            " (see 'workshop questions').",
        ),
    ] = None,
    no_timers: Annotated[
        bool, typer.Option("--no-timers", help="Show timers without counting down.")
    ] = False,
    start: Annotated[
        str | None, typer.Option("--from", metavar="STEP", help="Start at this step id.")
    ] = None,
    notes: Annotated[bool, typer.Option("--notes", help="Show the facilitator notes.")] = False,
) -> None:
    """Run a workshop step by step; answers go to your journal, tagged with the workshop and step."""
    from encounters_cli.cli.workshop_view import TerminalView
    from encounters_cli.workshop.answers import AnswersFile, SameConversation, check_answers, read_answers
    from encounters_cli.workshop.runner import Runner

    shared = state(ctx)
    loaded = _load(shared, path)
    workshop = loaded.workshop
    lang = workshop.run_language(shared.lang)
    first = workshop.steps.index(workshop.step(start)) if start else 0
    if answers is not None:
        data = read_answers(answers)
        check_answers(loaded, data, lang, str(answers), first)
        source = AnswersFile(data, str(answers))
    else:
        if not stdin_is_terminal():
            from encounters_cli.errors import NoTerminalError

            raise NoTerminalError(
                "'workshop run' asks questions but input is not a terminal: give the answers with"
                f" --answers FILE ('encounters workshop questions {path}' lists the ids)"
            )
        from encounters_cli.cli.prompter import TerminalConversation

        source = SameConversation(TerminalConversation(loaded.catalogue, lang))
    interactive = answers is None
    on_terminal = stdin_is_terminal() and sys.stderr.isatty()
    store = shared.store
    store.unlock()  # an encrypted journal asks for its passphrase before the first step
    view = TerminalView(loaded.catalogue, lang, path, interactive=interactive, show_notes=notes)
    runner = Runner(
        loaded,
        store,
        view,
        source,
        lang=lang,
        participant=participant,
        timers=interactive and on_terminal and not no_timers,
    )
    finished = runner.run(start)
    if not sys.stdout.isatty():
        sys.stdout.write(finished.id + "\n")


@workshop_app.command("runs")
def runs(
    ctx: typer.Context,
    workshop: Annotated[
        str | None, typer.Option("--workshop", "-w", metavar="ID", help="Only this workshop.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List past workshop runs in this journal, newest first."""
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_messages import t

    shared = state(ctx)
    lang = shared.lang
    found = shared.store.list_workshop_runs(workshop)
    if as_json:
        listing = [
            {**item.to_json(), "status": "finished" if item.finished_at else "interrupted"} for item in found
        ]
        sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
        return
    if not found:
        render.stderr_console().print(t(lang, "runs.none"))
        return
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("col.started", "col.workshop", "col.title", "col.participant", "col.steps", "col.status"):
        table.add_column(t(lang, column))
    for item in found:
        table.add_row(
            render.local_time(item.started_at),
            item.workshop_id,
            render.literal(item.title),
            render.literal(item.participant or ""),
            str(len(item.steps)),
            t(lang, "runs.finished" if item.finished_at else "runs.interrupted"),
        )
    render.stdout_console().print(table)


@workshop_app.command("new")
def new(
    ctx: typer.Context,
    template: Annotated[
        Template, typer.Option("--template", "-t", help="short or team-day.")
    ] = Template.short,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write here, not to stdout.")
    ] = None,
    lang: Annotated[Language | None, typer.Option("--lang", help="The script's language: en or fi.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write a commented starting script that passes 'workshop check' as it is."""
    from encounters_cli.workshop.templates import template_text

    shared = state(ctx)
    language = lang.value if lang else ("fi" if shared.lang.startswith("fi") else "en")
    content = template_text(template.value, language)
    if out is None:
        sys.stdout.write(content)
        return
    from encounters_cli.cli import render
    from encounters_cli.cli.workshop_messages import t
    from encounters_cli.errors import UsageError
    from encounters_cli.storage.files import write_atomically

    if out.exists() and not force:
        raise UsageError(t(shared.lang, "new.exists", file=out))
    write_atomically(out, content.encode("utf-8"), mode=0o644)  # a script is meant to be shared
    written = t(shared.lang, "new.written", file=out)
    render.stderr_console().print(render.literal(written, style="green"), soft_wrap=True)


def register(app: typer.Typer) -> None:
    from encounters_cli.cli import workshop_handout_commands

    workshop_handout_commands.register(workshop_app)
    app.add_typer(workshop_app, name="workshop", rich_help_panel="Workshops")
