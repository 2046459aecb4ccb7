"""Every path the tool uses, as functions, in one place (`encounters paths` prints them)."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "ENCOUNTERS_HOME"
PRACTICES_ENV = "ENCOUNTERS_PRACTICES"
JOURNAL_NAME = "journal.sqlite3"
CONFIG_NAME = "config.toml"
BACKUPS_NAME = "backups"
CACHE_NAME = "cache"


def data_dir() -> Path:
    """The folder holding the journal and the config: ENCOUNTERS_HOME, else the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path  # only when needed: keeps start-up light

    return user_data_path("encounters", appauthor=False)


def journal_path() -> Path:
    return data_dir() / JOURNAL_NAME


def config_path() -> Path:
    return data_dir() / CONFIG_NAME


def backups_dir() -> Path:
    """Where ``encounters backup`` puts its dated copies unless told another place."""
    return data_dir() / BACKUPS_NAME


def cache_dir() -> Path:
    """Things kept only to be fast (the validated catalogue): safe to delete at any time.

    ENCOUNTERS_HOME/cache when ENCOUNTERS_HOME is set, else the platform's user cache dir.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / CACHE_NAME
    from platformdirs import user_cache_path

    return user_cache_path("encounters", appauthor=False)


def env_practice_dirs() -> list[Path]:
    """Extra catalogue folders from ENCOUNTERS_PRACTICES (os.pathsep-separated)."""
    raw = os.environ.get(PRACTICES_ENV, "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (0700); tighten it if it exists and is ours.

    Folders missing above it are created 0700 too (``mkdir(parents=True)`` would give them the
    umask's mode, 0777 under umask 0).
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # raises as before if a file is in the way
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # not ours to change (e.g. a shared folder given with --journal); the file itself is still 0600
