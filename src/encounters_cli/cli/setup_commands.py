"""paths and config: where things live and how the tool is set up."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from encounters_cli.cli.state import state

config_app = typer.Typer(
    help="Show or change settings (content language, extra practice folders, keyring opt-in).",
    no_args_is_help=True,
)


def paths(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Where the journal, the config, the backups, the cache and the practice folders are."""
    from encounters_cli.catalogue.loader import shipped_dirs
    from encounters_cli.storage import paths as storage_paths

    shared = state(ctx)
    listing = {
        "data": str(storage_paths.data_dir()),
        "journal": str(shared.journal_path()),
        "config": str(storage_paths.config_path()),
        "backups": str(storage_paths.backups_dir()),
        "cache": str(storage_paths.cache_dir()),
        "shipped_catalogue": [str(path) for path in shipped_dirs()],
        "extra_catalogue": [str(path) for path in shared.extra_catalogue_dirs()],
    }
    if as_json:
        sys.stdout.write(json.dumps(listing, indent=2) + "\n")
        return
    for key, value in listing.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        sys.stdout.write(f"{key + ':':<19}{shown or '-'}\n")


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print the settings in effect and where they come from."""
    from encounters_cli.storage import paths as storage_paths

    shared = state(ctx)
    if as_json:
        import json

        settings = {
            "file": str(storage_paths.config_path()),
            "lang": shared.config.lang,
            "lang_in_effect": shared.lang,
            "practices": [str(p) for p in shared.config.practices],
            "keyring": shared.config.keyring,
            "nudge": shared.config.nudge,
        }
        sys.stdout.write(json.dumps(settings, ensure_ascii=False, indent=2) + "\n")
        return
    sys.stdout.write(f"# {storage_paths.config_path()}\n")
    sys.stdout.write(f"lang = {shared.config.lang or '(from the locale: ' + shared.lang + ')'}\n")
    sys.stdout.write(f"practices = {[str(p) for p in shared.config.practices]}\n")
    sys.stdout.write(f"keyring = {'true' if shared.config.keyring else 'false'}\n")
    sys.stdout.write(f"nudge = {'true' if shared.config.nudge else 'false'}\n")


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="lang, practices, keyring or nudge.")],
    values: Annotated[list[str], typer.Argument(metavar="VALUE...", help="The new value(s).")],
) -> None:
    """Set a key: 'config set lang fi', 'config set practices ~/packs/team', 'config set keyring true',
    'config set nudge false'."""
    from encounters_cli.errors import ConfigError
    from encounters_cli.storage import config

    current = state(ctx).config
    if key == "lang":
        if len(values) != 1 or values[0] not in ("en", "fi"):
            raise ConfigError("lang takes one value: en or fi")
        current.lang = values[0]
    elif key == "practices":
        current.practices = [Path(value).expanduser().resolve() for value in values]
    elif key in ("keyring", "nudge"):
        if len(values) != 1 or values[0] not in ("true", "false"):
            raise ConfigError(f"{key} takes one value: true or false")
        setattr(current, key, values[0] == "true")
    else:
        raise ConfigError(f"unknown key '{key}' (known keys: {', '.join(config.KEYS)})")
    written = config.save(current)
    sys.stderr.write(f"saved {key} in {written}\n")
    if key == "keyring" and current.keyring:
        from encounters_cli.cli import passphrase

        sys.stderr.write(passphrase.keyring_note() + "\n")


@config_app.command("unset")
def config_unset(
    ctx: typer.Context, key: Annotated[str, typer.Argument(help="lang, practices, keyring or nudge.")]
) -> None:
    """Remove a key, going back to the default."""
    from encounters_cli.errors import ConfigError
    from encounters_cli.storage import config

    current = state(ctx).config
    if key == "lang":
        current.lang = None
    elif key == "practices":
        current.practices = []
    elif key == "keyring":
        current.keyring = False
    elif key == "nudge":
        current.nudge = True
    else:
        raise ConfigError(f"unknown key '{key}' (known keys: {', '.join(config.KEYS)})")
    config.save(current)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Setup")(paths)
    app.add_typer(config_app, name="config", rich_help_panel="Setup")
