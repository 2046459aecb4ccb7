"""prepare, reflect, log and questions: the coach's own commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from encounters_cli.cli.state import AppState, state, stdin_is_terminal

if TYPE_CHECKING:
    from encounters_cli.coach.conversation import Conversation

ANSWERS_HELP = "Answer from a YAML or JSON file instead of a terminal (see 'encounters questions')."
DomainOption = Annotated[
    str | None, typer.Option("--domain", "-d", help="Domain id (see 'encounters domains').")
]
PracticeOption = Annotated[str | None, typer.Option("--practice", "-p", help="Practice id, or 'none'.")]
AnswersOption = Annotated[Path | None, typer.Option("--answers", "-a", help=ANSWERS_HELP)]
PrivateOption = Annotated[bool, typer.Option("--private", help="Never include this entry in exports.")]


def _conversation(shared: AppState, answers: Path | None, flow: str) -> tuple[Conversation, dict[str, Any]]:
    """Who answers: the answers file (with its top-level settings) or the person at the terminal."""
    from encounters_cli.errors import NoTerminalError

    if answers is not None:
        from encounters_cli.coach.conversation import AnswersFileConversation, read_answers_file

        data = read_answers_file(answers)
        return AnswersFileConversation(data, source=str(answers)), data
    if not stdin_is_terminal():
        raise NoTerminalError(
            f"'{flow}' asks questions but input is not a terminal: give the answers with --answers FILE "
            f"(YAML or JSON; 'encounters questions {flow}' lists the ids)"
        )
    from encounters_cli.cli.prompter import TerminalConversation

    return TerminalConversation(shared.catalogue, shared.lang), {}


def _finish(shared: AppState, conversation: Conversation, encounter_id: str) -> None:
    """Closing words for answers-file runs (a terminal run has said them already); the id on stdout."""
    from encounters_cli.coach.conversation import AnswersFileConversation, EncounterSaved, only

    if isinstance(conversation, AnswersFileConversation):
        from encounters_cli.cli import render
        from encounters_cli.cli.privacy_messages import warn_identifiers
        from encounters_cli.cli.prompter import tell_saved

        warn_identifiers(conversation.events, shared.lang)

        for event in only(conversation.events, EncounterSaved):
            tell_saved(render.stderr_console(), event, shared.catalogue, shared.lang)
    if not sys.stdout.isatty():
        sys.stdout.write(encounter_id + "\n")


def prepare(
    ctx: typer.Context,
    domain: DomainOption = None,
    practice: PracticeOption = None,
    answers: AnswersOption = None,
    private: PrivateOption = False,
) -> None:
    """Two minutes before an encounter: intention, assumptions, power, voices, one practice to try."""
    from encounters_cli.coach import flows

    shared = state(ctx)
    conversation, settings = _conversation(shared, answers, "prepare")
    shared.remind_open()
    encounter = flows.prepare(
        shared.coach(),
        conversation,
        domain=domain,
        practice=practice,
        private=private or settings.get("private", False),
    )
    _finish(shared, conversation, encounter.id)


def reflect(
    ctx: typer.Context,
    encounter_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="The prepared encounter to reflect on (id or prefix)."),
    ] = None,
    practice: PracticeOption = None,
    answers: AnswersOption = None,
    private: PrivateOption = False,
) -> None:
    """Three minutes after: What? So what? Now what? Ends with one concrete next step."""
    from encounters_cli.coach import flows

    shared = state(ctx)
    conversation, settings = _conversation(shared, answers, "reflect")
    shared.remind_open()
    encounter = flows.reflect(
        shared.coach(),
        conversation,
        practice=practice,
        encounter_id=encounter_id or settings.get("encounter"),
        private=private or settings.get("private", False),
    )
    _finish(shared, conversation, encounter.id)


def log(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="What happened. Read from stdin when left out.")] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help="Value id to tag (repeatable).")
    ] = None,
    domain: DomainOption = None,
    practice: PracticeOption = None,
    label: Annotated[str | None, typer.Option("--label", "-l", help="Kind of encounter; no names.")] = None,
    private: PrivateOption = False,
) -> None:
    """Capture an encounter in one step, no questions asked."""
    from encounters_cli.cli.messages import t
    from encounters_cli.cli.privacy_messages import warn_identifiers
    from encounters_cli.coach import flows
    from encounters_cli.coach.conversation import AnswersFileConversation

    shared = state(ctx)
    coach = shared.coach()
    # who hears the nudge about the note: the person at the terminal, else one line on stderr
    reviewer: Conversation = AnswersFileConversation({}, source="log")
    if stdin_is_terminal():
        from encounters_cli.cli.prompter import TerminalConversation

        reviewer = TerminalConversation(coach.catalogue, coach.lang)
        if text is None:
            text = reviewer.ask(flows.quick_note(coach))
    elif text is None:
        text = _read_stdin()
    encounter = flows.log(
        coach,
        text or "",
        values=value or [],
        domain=domain,
        practice=None if practice == "none" else practice,
        label=label,
        private=private,
        conversation=reviewer,
    )
    warn_identifiers(getattr(reviewer, "events", ()), coach.lang)
    from encounters_cli.cli import render

    render.note(t(coach.lang, "saved.log", id=encounter.short_id), style="green")
    if not sys.stdout.isatty():
        sys.stdout.write(encounter.id + "\n")


def _read_stdin() -> str:
    """All of standard input as UTF-8 text whatever the locale says; other bytes are an error."""
    from encounters_cli.errors import AnswerError

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (a test's or an embedding program's stream)
        return sys.stdin.read()
    try:
        return buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswerError(
            f"standard input is not UTF-8 text (byte {error.start}); convert it first, e.g. with iconv"
        ) from error


def questions(
    ctx: typer.Context,
    set_id: Annotated[str, typer.Argument(metavar="SET", help="prepare, reflect or quick.")],
    practice: PracticeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the question ids, types, options and required flags, for writing answers files."""
    from encounters_cli.coach import flows

    shared = state(ctx)
    listing = flows.describe_questions(
        shared.catalogue, shared.lang, set_id, None if practice == "none" else practice
    )
    if as_json:
        sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.table import Table

    from encounters_cli.cli import render

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("id", "type", "required", "options / range", "question"):
        table.add_column(column)
    for item in listing:
        if item["type"] == "scale":
            choices = f"{item['min']}–{item['max']}"
        elif len(item.get("options") or []) > 9:
            choices = f"one of {len(item['options'])} ids (--json lists them)"
        else:
            choices = ", ".join(item.get("options") or [])
        table.add_row(item["id"], item["type"], "yes" if item["required"] else "", choices, item["prompt"])
    render.stdout_console().print(table)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Coach")(prepare)
    app.command(rich_help_panel="Coach")(reflect)
    app.command(rich_help_panel="Coach")(log)
    app.command(rich_help_panel="Coach")(questions)
