"""Where an encrypted journal's passphrase comes from, in this order:

1. ``ENCOUNTERS_PASSPHRASE``, for scripts. Weaker: other programs running as the same user can
   read a process's environment, and a passphrase typed into a command line lands in shell history.
2. The system keyring, when the user opted in (``encounters config set keyring true``) and the
   ``keyring`` package is importable. It is not a dependency: nothing is imported unless opted in.
3. A hidden prompt on the terminal (getpass; the prompt goes to stderr). A new passphrase is asked
   twice and must be at least ``MIN_PASSPHRASE`` characters.

With none of these, a one-line error names them.
"""

from __future__ import annotations

import getpass
import importlib
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

import typer

from encounters_cli.cli.messages import t
from encounters_cli.errors import JournalError

PASSPHRASE_ENV = "ENCOUNTERS_PASSPHRASE"
NEW_PASSPHRASE_ENV = "ENCOUNTERS_NEW_PASSPHRASE"
KEYRING_SERVICE = "encounters"
ASKS = 3  # a new passphrase: this many tries at typing it the same way twice
WEAKER = "weaker: other programs of yours can read it"


def current(journal: Path, *, keyring: bool, lang: str) -> str:
    """The passphrase of the encrypted journal at ``journal``, from the first source that has one."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if keyring:
        stored = _keyring_get(journal)
        if stored:
            return stored
    if _can_prompt():
        return _ask(t(lang, "passphrase.ask", path=journal))
    raise JournalError(
        f"the journal {journal} is encrypted and there is no terminal to ask for its passphrase: run the"
        f" command on a terminal, set {PASSPHRASE_ENV} ({WEAKER}), or opt in to the system keyring"
        " ('encounters config set keyring true', with the keyring package installed)"
    )


def new(lang: str, *, env: str = PASSPHRASE_ENV) -> str:
    """A new passphrase: from ``env``, else typed twice on the terminal; at least MIN_PASSPHRASE long."""
    from encounters_cli.storage import crypto

    from_env = os.environ.get(env)
    if from_env:
        crypto.check_new_passphrase(from_env)
        return from_env
    if not _can_prompt():
        raise JournalError(
            f"a new passphrase is needed and there is no terminal to type it on: run the command on a"
            f" terminal, or set {env} ({WEAKER})"
        )
    for _ in range(ASKS):
        first = _ask(t(lang, "passphrase.new", minimum=crypto.MIN_PASSPHRASE))
        if len(first) < crypto.MIN_PASSPHRASE:
            sys.stderr.write(t(lang, "passphrase.too_short", minimum=crypto.MIN_PASSPHRASE) + "\n")
            continue
        if _ask(t(lang, "passphrase.repeat")) == first:
            return first
        sys.stderr.write(t(lang, "passphrase.mismatch") + "\n")
    raise JournalError(f"no new passphrase after {ASKS} tries; nothing was changed")


def remember(journal: Path, passphrase: str) -> bool:
    """Keep the passphrase in the system keyring (the caller checked the opt-in); False if it could not."""
    module = _keyring_module()
    if module is None:
        return False
    try:
        module.set_password(KEYRING_SERVICE, _account(journal), passphrase)
    except Exception as exc:  # backends raise their own types; the journal itself is fine either way
        _warn(f"could not store the passphrase in the system keyring ({type(exc).__name__}: {exc})")
        return False
    return True


def forget(journal: Path) -> None:
    """Remove the journal's passphrase from the system keyring, if it is there."""
    module = _keyring_module()
    if module is None or _keyring_get(journal) is None:
        return
    try:
        module.delete_password(KEYRING_SERVICE, _account(journal))
    except Exception as exc:  # as in remember()
        _warn(f"could not remove the passphrase from the system keyring ({type(exc).__name__}: {exc})")


def keyring_note() -> str:
    """What opting in to the keyring does here, for 'config set keyring true'."""
    if _keyring_module() is None:
        return (
            "the keyring package is not installed in this Python, so encounters will not use a keyring"
            " until it is (pip install keyring)"
        )
    return (
        "the next 'encounters encrypt' or 'encounters passphrase' keeps the passphrase in the system"
        " keyring; until then you are asked for it"
    )


def _account(journal: Path) -> str:
    return str(journal.expanduser().resolve())


def _keyring_module() -> ModuleType | None:
    try:
        return importlib.import_module("keyring")
    except ImportError:
        return None


def _keyring_get(journal: Path) -> str | None:
    module = _keyring_module()
    if module is None:
        return None
    try:
        return module.get_password(KEYRING_SERVICE, _account(journal))
    except Exception as exc:  # no usable backend, a locked keyring...: fall back to the next source
        _warn(f"could not read the system keyring ({type(exc).__name__}: {exc}); asking instead")
        return None


def _can_prompt() -> bool:
    # getpass reads the terminal itself, so `pbpaste | encounters log` can still ask on it.
    return any(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stderr))


def _ask(prompt: str) -> str:
    with warnings.catch_warnings():
        # Without a terminal getpass would warn and read stdin, echoing; refuse that instead.
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(prompt, stream=sys.stderr)
        except getpass.GetPassWarning as exc:
            raise JournalError(
                f"cannot read a passphrase without echoing it here; set {PASSPHRASE_ENV} ({WEAKER})"
            ) from exc
        except EOFError:
            raise typer.Abort() from None


def _warn(message: str) -> None:
    sys.stderr.write(f"encounters: warning: {message}\n")
