"""Writing files the user asked for (reports, later exports): atomically, readable by the owner only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from encounters_cli.errors import EncountersError


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half of one.

    The temporary file sits in the same folder, so ``os.replace`` is a rename within one file system;
    it is created with ``mode`` from the start (mkstemp makes it 0600), so the content is never
    readable by others, not even for a moment.
    """
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise EncountersError(f"{path} is a folder: give a file name, e.g. {path / 'report.html'}")
    if not folder.is_dir():
        raise EncountersError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise EncountersError(f"cannot write in {folder}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode != 0o600:
            Path(temp).chmod(mode)
        Path(temp).replace(path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            Path(temp).unlink()
        if isinstance(error, OSError):
            raise EncountersError(f"cannot write {path}: {error.strerror}") from error
        raise
