"""Which practices to suggest: those serving the values the user's recent encounters touched least."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from encounters_cli.coach.conversation import Suggestion
from encounters_cli.storage.records import utcnow

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.storage.journal import Store

WINDOW_DAYS = 60


def recent_value_counts(store: Store) -> tuple[dict[str, int], int]:
    """Value tags of encounters reflected on or logged in the last WINDOW_DAYS, and how many there were."""
    from encounters_cli.storage.records import Filter

    since = utcnow() - timedelta(days=WINDOW_DAYS)
    statuses = ["reflected", "logged"]
    return store.value_counts(since, statuses), store.count(Filter(since=since, statuses=statuses))


def suggest(
    catalogue: Catalogue, counts: dict[str, int], window: int, domain: str | None, how_many: int = 3
) -> list[Suggestion]:
    """Practices for ``domain``, least-attended values first; ties keep the catalogue's order.

    A practice's need is the smallest count among the values it serves: a practice that serves one
    value nobody has touched lately beats one whose values are all well attended.
    """
    candidates = catalogue.practices_for_domain(domain)
    rotation = window % len(candidates) if candidates else 0
    candidates = candidates[rotation:] + candidates[:rotation]  # vary the order between weeks of use

    def need(practice) -> tuple[int, int]:
        served = [counts.get(value, 0) for value in practice.values]
        return (min(served), sum(served))

    def suggestion(practice) -> Suggestion:
        low = min(counts.get(value, 0) for value in practice.values)
        reasons = [value for value in practice.values if counts.get(value, 0) == low]
        return Suggestion(practice, reasons, {v: counts.get(v, 0) for v in practice.values}, window)

    ranked = [suggestion(practice) for practice in sorted(candidates, key=need)]
    # First pass: a spread, each suggestion naming a neglected value the others do not; then top up.
    chosen: list[Suggestion] = []
    covered: set[str] = set()
    for item in ranked:
        if len(chosen) < how_many and not set(item.reason_values) <= covered:
            chosen.append(item)
            covered.update(item.reason_values)
    for item in ranked:
        if len(chosen) < how_many and item not in chosen:
            chosen.append(item)
    order = {item.practice.id: index for index, item in enumerate(ranked)}
    return sorted(chosen, key=lambda item: order[item.practice.id])
