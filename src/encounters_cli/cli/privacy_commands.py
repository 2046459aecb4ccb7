"""privacy: the names to always scrub, what the recognisers find in a text, and whether Voikko is there."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from encounters_cli.cli.state import state, stdin_is_terminal

privacy_app = typer.Typer(
    help="What is scrubbed from exports and flagged while writing: names to always scrub, a check.",
    no_args_is_help=True,
)
names_app = typer.Typer(
    help="Names to always scrub (clients, pupils, family members), in any inflected form.",
    no_args_is_help=True,
)
privacy_app.add_typer(names_app, name="names")

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@names_app.command("add")
def names_add(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help="A name; quote names with spaces.")],
) -> None:
    """Add names to always scrub: 'privacy names add "Veera Testinen" Okafor'."""
    from encounters_cli.cli.privacy_messages import t
    from encounters_cli.errors import UsageError

    shared = state(ctx)
    wanted = [" ".join(name.split()) for name in names]
    if not all(wanted):
        raise UsageError(t(shared.lang, "names.blank"))
    store = shared.store
    listed = store.scrub_names()
    known = {name.casefold() for name in listed}
    added = [name for name in dict.fromkeys(wanted) if name.casefold() not in known]
    if added:
        store.set_scrub_names([*listed, *added])
    already = [name for name in wanted if name not in added]
    if already:
        sys.stderr.write(t(shared.lang, "names.already", names=", ".join(dict.fromkeys(already))) + "\n")
    sys.stderr.write(t(shared.lang, "names.added", added=len(added), total=len(listed) + len(added)) + "\n")


@names_app.command("list")
def names_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print the names on your list, one a line."""
    from encounters_cli.cli.privacy_messages import t

    shared = state(ctx)
    listed = shared.store.scrub_names()
    if as_json:
        sys.stdout.write(json.dumps(listed, ensure_ascii=False) + "\n")
    elif listed:
        sys.stdout.write("".join(name + "\n" for name in listed))
    else:
        sys.stderr.write(t(shared.lang, "names.empty") + "\n")


@names_app.command("remove")
def names_remove(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help="A name on the list (any case).")],
) -> None:
    """Take names off the list; nothing is removed if one of them is not on it."""
    from encounters_cli.cli.privacy_messages import t
    from encounters_cli.errors import NotFoundError

    shared = state(ctx)
    store = shared.store
    listed = store.scrub_names()
    unwanted = {" ".join(name.split()).casefold() for name in names}
    missing = [
        name for name in names if " ".join(name.split()).casefold() not in {n.casefold() for n in listed}
    ]
    if missing:
        raise NotFoundError(t(shared.lang, "names.not_listed", name=missing[0]))
    kept = [name for name in listed if name.casefold() not in unwanted]
    store.set_scrub_names(kept)
    sys.stderr.write(t(shared.lang, "names.removed", removed=len(listed) - len(kept), total=len(kept)) + "\n")


@privacy_app.command("check")
def check(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="The text to check. Read from stdin when left out.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print TEXT as an export would show it, and what was found. Nothing is saved."""
    from encounters_cli.cli.privacy_messages import kinds, t
    from encounters_cli.errors import UsageError
    from encounters_cli.privacy.found import SHOWN_ORDER
    from encounters_cli.privacy.lexicon import default_lexicon
    from encounters_cli.privacy.recognisers import Scrubber

    shared = state(ctx)
    if text is None:
        if stdin_is_terminal():
            raise UsageError(t(shared.lang, "check.empty"))
        from encounters_cli.cli.coach_commands import _read_stdin

        text = _read_stdin()
    scrubber = Scrubber(shared.store.scrub_names())
    found = scrubber.find(text)
    scrubbed = scrubber.replace(text, found) if found else text
    counts = {kind: sum(1 for item in found if item.kind == kind) for kind in SHOWN_ORDER}
    counts = {kind: count for kind, count in counts.items() if count}
    lexicon = default_lexicon()
    if as_json:
        report = {"text": scrubbed, "counts": counts, "lexicon": lexicon.available}
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(scrubbed if scrubbed.endswith("\n") else scrubbed + "\n")
    summary = (
        t(shared.lang, "check.found", counts=kinds(counts, shared.lang))
        if counts
        else t(shared.lang, "check.nothing")
    )
    sys.stderr.write(summary + "\n")
    if not lexicon.available:
        sys.stderr.write(t(shared.lang, "check.no_lexicon") + "\n")


@privacy_app.command("status")
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Whether the Voikko lexicon is in use, how many names are listed, whether the nudge is on."""
    from encounters_cli.cli.privacy_messages import t
    from encounters_cli.privacy.lexicon import default_lexicon
    from encounters_cli.storage import paths

    shared = state(ctx)
    lexicon = default_lexicon()
    count = len(shared.store.scrub_names())
    nudge = shared.config.nudge
    if as_json:
        report = {
            "lexicon": lexicon.available,
            "lexicon_reason": lexicon.reason,
            "names": count,
            "nudge": nudge,
        }
        sys.stdout.write(json.dumps(report) + "\n")
        return
    lang = shared.lang
    lines = [
        t(lang, "status.lexicon.yes")
        if lexicon.available
        else t(lang, "status.lexicon.no", reason=lexicon.reason),
        t(lang, "status.names", count=count),
        t(lang, "status.nudge.on" if nudge else "status.nudge.off", config=paths.config_path()),
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy", rich_help_panel="Privacy")
