"""What the commands share: global options, and the config, catalogue and journal opened on demand."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.coach.flows import Coach
    from encounters_cli.storage.config import Config
    from encounters_cli.storage.journal import Store


@dataclass
class AppState:
    journal: Path | None = None
    lang_option: str | None = None
    debug: bool = False
    _config: Config | None = field(default=None, repr=False)
    _catalogue: Catalogue | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            from encounters_cli.storage import config

            self._config = config.load()
        return self._config

    @property
    def lang(self) -> str:
        from encounters_cli.i18n import resolve_language

        return resolve_language(self.lang_option, self.config.lang)

    def extra_catalogue_dirs(self) -> list[Path]:
        from encounters_cli.storage import paths

        return [*self.config.practices, *paths.env_practice_dirs()]

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from encounters_cli.catalogue.loader import load_catalogue
            from encounters_cli.storage import paths

            self._catalogue = load_catalogue(self.extra_catalogue_dirs(), cache_dir=paths.cache_dir())
        return self._catalogue

    def journal_path(self) -> Path:
        from encounters_cli.storage import paths

        return self.journal or paths.journal_path()

    @property
    def store(self) -> Store:
        if self._store is None:
            from encounters_cli.storage.journal import Store

            self._store = Store.open(self.journal_path(), passphrase=self._passphrase)
        return self._store

    def _passphrase(self) -> str:
        """Asked by the store the first time an encrypted journal's text is read or written."""
        from encounters_cli.cli import passphrase

        return passphrase.current(self.journal_path(), keyring=self.config.keyring, lang=self.lang)

    def coach(self) -> Coach:
        from encounters_cli.coach.flows import Coach

        store = self.store
        store.unlock()  # every flow writes text: an encrypted journal's passphrase before the first question
        return Coach(catalogue=self.catalogue, store=store, lang=self.lang, nudge=self.config.nudge)

    def remind_open(self) -> None:
        """One quiet line when prepared encounters older than a day still wait: a nudge, not a tally."""
        from datetime import timedelta

        from encounters_cli.cli import render
        from encounters_cli.cli.messages import t
        from encounters_cli.storage.records import Filter, utcnow

        if not sys.stderr.isatty():  # for a person at a terminal; scripts get no chatter
            return
        waiting = self.store.count(Filter(statuses=["prepared"], until=utcnow() - timedelta(days=1)))
        if waiting:
            render.stderr_console().print(t(self.lang, "open.waiting", count=waiting), style="dim")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
        root.call_on_close(root.obj.close)
    return root.obj


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
