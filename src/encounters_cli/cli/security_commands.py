"""encrypt, decrypt, passphrase: encryption at rest of the journal's free text."""

from __future__ import annotations

import sys

import typer

from encounters_cli.cli.state import AppState, state

# Help texts as single paragraphs: the rich help keeps a docstring's line breaks.
ENCRYPT_HELP = (
    "Encrypt the journal's free text (labels, answers, drafts) with a new passphrase.\n\n"
    "Asks for it twice on a terminal, or reads ENCOUNTERS_PASSPHRASE (weaker: other programs of yours"
    " can read it). Dates, statuses, domains, value tags, ratings and practice ids stay readable, so"
    " insights need no passphrase. A forgotten passphrase cannot be recovered."
)
DECRYPT_HELP = (
    "Store the journal's free text unencrypted again and re-index it for search.\n\n"
    "Asks for the passphrase on a terminal, or reads ENCOUNTERS_PASSPHRASE."
)
PASSPHRASE_HELP = (
    "Change the encrypted journal's passphrase; the entries are not re-encrypted.\n\n"
    "Asks for the current passphrase, then the new one twice. Scripts give the current one in"
    " ENCOUNTERS_PASSPHRASE and the new one in ENCOUNTERS_NEW_PASSPHRASE (both weaker than typing)."
)


def encrypt(ctx: typer.Context) -> None:
    """Encrypt the journal's free text with a new passphrase (see ENCRYPT_HELP)."""
    from encounters_cli.cli import passphrase
    from encounters_cli.errors import JournalError

    shared = state(ctx)
    store = shared.store
    if store.encrypted:  # before asking for a passphrase that would not be used
        raise JournalError(
            f"the journal {store.path} is already encrypted; 'encounters passphrase' changes its passphrase"
        )
    new = passphrase.new(shared.lang)
    clean = store.encrypt(new)
    _say(shared, "security.encrypted", path=store.path)
    _remember(shared, new)
    if not clean:
        _say(shared, "security.not_scrubbed")


def decrypt(ctx: typer.Context) -> None:
    """Store the journal's free text unencrypted again and re-index it (see DECRYPT_HELP)."""
    from encounters_cli.cli import passphrase

    shared = state(ctx)
    store = shared.store
    store.decrypt()
    if shared.config.keyring:
        passphrase.forget(store.path)
    _say(shared, "security.decrypted", path=store.path)


def change_passphrase(ctx: typer.Context) -> None:
    """Change the encrypted journal's passphrase without re-encrypting entries (see PASSPHRASE_HELP)."""
    from encounters_cli.cli import passphrase
    from encounters_cli.errors import JournalError

    shared = state(ctx)
    store = shared.store
    if not store.encrypted:
        raise JournalError(
            f"the journal {store.path} is not encrypted; 'encounters encrypt' encrypts it with a passphrase"
        )
    store.unlock()  # the current passphrase first: no use choosing a new one if that one is wrong
    new = passphrase.new(shared.lang, env=passphrase.NEW_PASSPHRASE_ENV)
    clean = store.change_passphrase(new)
    _say(shared, "security.changed", path=store.path)
    _remember(shared, new)
    if not clean:
        _say(shared, "security.not_scrubbed")


def _remember(shared: AppState, new: str) -> None:
    from encounters_cli.cli import passphrase

    if shared.config.keyring and passphrase.remember(shared.store.path, new):
        _say(shared, "security.remembered")


def _say(shared: AppState, key: str, **values: object) -> None:
    from encounters_cli.cli.messages import t

    sys.stderr.write(t(shared.lang, key, **values) + "\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command(help=ENCRYPT_HELP, rich_help_panel="Security")(encrypt)
    app.command(help=DECRYPT_HELP, rich_help_panel="Security")(decrypt)
    app.command("passphrase", help=PASSPHRASE_HELP, rich_help_panel="Security")(change_passphrase)
