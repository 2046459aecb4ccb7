"""The nudge while writing: does an answer look like it identifies someone, and what would replace it.

The coach's flows check each free-text answer as it is given (coach/flows.py); the conversation then
asks the person (replace with placeholders, keep, or type it again) or, without a terminal, warns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from encounters_cli.privacy.found import SHOWN_ORDER
from encounters_cli.privacy.lexicon import Lexicon
from encounters_cli.privacy.recognisers import Scrubber

REPLACE, KEEP, EDIT = "replace", "keep", "edit"
CHOICES = (REPLACE, KEEP, EDIT)


@dataclass(frozen=True)
class Finding:
    """What one answer holds: how many identifiers of each kind, and the answer with placeholders."""

    text: str
    replaced: str
    counts: dict[str, int]  # kind -> identifiers found, names first (found.SHOWN_ORDER)


class Nudge:
    """Checks the answers of one flow; one person is one placeholder in all of them."""

    def __init__(self, names: Iterable[str] = (), lexicon: Lexicon | None = None) -> None:
        self._scrubber = Scrubber(names, lexicon=lexicon)

    def check(self, text: str) -> Finding | None:
        found = self._scrubber.find(text)
        if not found:
            return None
        counts: dict[str, int] = {}
        for item in found:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        ordered = {kind: counts[kind] for kind in SHOWN_ORDER if kind in counts}
        return Finding(text, self._scrubber.replace(text, found), ordered)
