"""list, show, search, edit, delete: reading and managing the journal."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state, stdin_is_terminal

if TYPE_CHECKING:
    from encounters_cli.storage.records import Encounter, Filter

Limit = Annotated[int | None, typer.Option("-n", "--limit", help="At most this many, newest first.")]
Since = Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD, 'today', '7d').")]
Until = Annotated[str | None, typer.Option("--until", help="Up to and including this date.")]
ValueOpt = Annotated[
    list[str] | None, typer.Option("--value", "-v", help="Tagged with this value (repeatable).")
]
DomainOpt = Annotated[str | None, typer.Option("--domain", "-d", help="In this domain.")]
PracticeOpt = Annotated[str | None, typer.Option("--practice", "-p", help="Using this practice.")]
OpenOpt = Annotated[bool, typer.Option("--open", help="Only prepared encounters not yet reflected on.")]
WorkshopOpt = Annotated[
    str | None, typer.Option("--workshop", "-w", help="Only answers given in runs of this workshop (its id).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="Encounter id or a unique prefix (4+ characters).")]


def build_filter(limit, since, until, value, domain, practice, open_only, workshop, catalogue) -> Filter:
    """The Filter the journal options describe, after checking their ids against the catalogue."""
    from encounters_cli.queries import make_filter

    for item in value or []:
        catalogue.value(item)
    if domain:
        catalogue.domain(domain)
    if practice:
        catalogue.practice(practice)
    return make_filter(
        limit=limit,
        since=since,
        until=until,
        values=value,
        domain=domain,
        practice=practice,
        open_only=open_only,
        workshop=workshop,
    )


def _print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def list_encounters(
    ctx: typer.Context,
    limit: Limit = 20,
    since: Since = None,
    until: Until = None,
    value: ValueOpt = None,
    domain: DomainOpt = None,
    practice: PracticeOpt = None,
    open_only: OpenOpt = False,
    workshop: WorkshopOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Your encounters, newest first."""
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t

    shared = state(ctx)
    flt = build_filter(limit, since, until, value, domain, practice, open_only, workshop, shared.catalogue)
    encounters = shared.store.list(flt)
    if as_json:
        _print_json([encounter.to_json() for encounter in encounters])
        return
    if not encounters:
        render.stderr_console().print(t(shared.lang, "list.empty"))
        return
    shared.remind_open()
    render.stdout_console().print(render.encounter_table(encounters, shared.catalogue, shared.lang))


def show(ctx: typer.Context, encounter_id: IdArg, as_json: JsonOpt = False) -> None:
    """The whole encounter: tags, ratings, every question and answer."""
    from encounters_cli.cli import render

    shared = state(ctx)
    encounter = shared.store.get(encounter_id)
    if as_json:
        _print_json(encounter.to_json())
        return
    render.stdout_console().print(render.encounter_detail(encounter, shared.catalogue, shared.lang))


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find in answers and labels (all must match).")],
    limit: Limit = 20,
    since: Since = None,
    until: Until = None,
    value: ValueOpt = None,
    domain: DomainOpt = None,
    practice: PracticeOpt = None,
    open_only: OpenOpt = False,
    workshop: WorkshopOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search, best matches first, with the matching words highlighted."""
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.coach.answers import checked_text
    from encounters_cli.storage.records import HIGHLIGHT_END, HIGHLIGHT_START

    shared = state(ctx)
    flt = build_filter(limit, since, until, value, domain, practice, open_only, workshop, shared.catalogue)
    hits = shared.store.search(checked_text(query, "the search text"), flt)
    if as_json:
        _print_json(
            [
                {
                    **hit.encounter.to_json(),
                    "score": hit.score,
                    "snippet": hit.snippet.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]"),
                }
                for hit in hits
            ]
        )
        return
    if not hits:
        render.stderr_console().print(t(shared.lang, "search.empty"))
        return
    console = render.stdout_console()
    for hit in hits:
        console.print(render.search_hit(hit, shared.catalogue, shared.lang))


def edit(ctx: typer.Context, encounter_id: IdArg) -> None:
    """Edit the answers and tags as YAML in $EDITOR; checked on save."""
    from encounters_cli.cli import editor, render
    from encounters_cli.cli.messages import t
    from encounters_cli.coach.editing import apply_edit, to_yaml
    from encounters_cli.errors import AnswerError

    shared = state(ctx)
    coach = shared.coach()
    encounter = coach.store.get(encounter_id)
    original = to_yaml(encounter)
    edited = editor.edit_text(original, suffix=".yaml")
    if edited == original:
        render.stderr_console().print(t(shared.lang, "edit.unchanged"))
        return
    try:
        changed = apply_edit(coach, encounter, edited)
    except AnswerError as error:
        kept = editor.keep_rejected(edited, encounter.short_id)
        raise AnswerError(
            f"your edit was not saved ({error}); the entry is unchanged and your edited text is in {kept}"
        ) from error
    if not changed:
        render.stderr_console().print(t(shared.lang, "edit.unchanged"))
        return
    coach.store.update(encounter)
    render.stderr_console().print(t(shared.lang, "edit.saved", id=encounter.short_id), style="green")


def delete(
    ctx: typer.Context,
    encounter_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an encounter for good (and from the search index)."""
    from encounters_cli.cli import render
    from encounters_cli.cli.messages import t
    from encounters_cli.errors import UsageError

    shared = state(ctx)
    encounter: Encounter = shared.store.get(encounter_id)
    lang = shared.lang
    if not yes:
        if not stdin_is_terminal():
            raise UsageError("not a terminal, so there is no one to confirm: add --yes to delete")
        question = t(
            lang, "delete.confirm", id=encounter.short_id, when=render.local_time(encounter.created_at)
        )
        from encounters_cli.cli.prompter import confirm

        if not confirm(question, lang):
            render.stderr_console().print(t(lang, "delete.kept"))
            return
    shared.store.delete(encounter.id)
    render.stderr_console().print(t(lang, "delete.done", id=encounter.short_id))


def register(app: typer.Typer) -> None:
    app.command("list", rich_help_panel="Journal")(list_encounters)
    for command in (show, search, edit, delete):
        app.command(rich_help_panel="Journal")(command)
