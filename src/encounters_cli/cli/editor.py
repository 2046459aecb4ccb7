"""Running the user's editor on a private temporary file, without a shell."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from encounters_cli.errors import EncountersError


def editor_command() -> list[str]:
    """$VISUAL or $EDITOR split like a shell would (so 'code --wait' works), else a sensible default."""
    setting = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    try:
        parts = shlex.split(setting)
    except ValueError as error:
        raise EncountersError(f"cannot read the editor setting {setting!r}: {error}") from error
    if not parts:
        raise EncountersError("the EDITOR setting is empty; set EDITOR to your editor, e.g. EDITOR=nano")
    return parts


def edit_text(text: str, suffix: str = ".txt") -> str:
    """Open ``text`` in the editor; return what was saved. The temporary file is 0600 and removed after."""
    fd, name = tempfile.mkstemp(prefix="encounters-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        command = [*editor_command(), str(path)]
        try:
            result = subprocess.run(command, check=False)
        except FileNotFoundError as error:
            raise EncountersError(
                f"editor not found: {command[0]} (set EDITOR to an installed editor)"
            ) from error
        if result.returncode != 0:
            raise EncountersError(
                f"the editor ({command[0]}) exited with code {result.returncode}; nothing saved"
            )
        # bytes that are not UTF-8 are kept (as surrogates): the edit is refused, and the rejected-edit
        # file then holds exactly what was typed
        return path.read_bytes().decode("utf-8", "surrogateescape")
    finally:
        path.unlink(missing_ok=True)


def keep_rejected(text: str, short_id: str) -> Path:
    """Keep an edit that could not be applied, so no typing is lost."""
    from encounters_cli.storage import paths

    folder = paths.data_dir()
    paths.ensure_private_dir(folder)
    target = folder / f"rejected-edit-{short_id}.yaml"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(text)
    return target
