"""The figures `encounters insights` shows and `encounters report --html` draws.

One plain structure, computed once (``insights.compute``), rendered three ways: terminal charts,
JSON for scripts, an HTML page. No free text of an encounter is in here except the next steps and
intentions, which only the terminal and ``--include-text`` show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from encounters_cli.storage.records import NextStep, to_iso


@dataclass
class RatingPoint:
    """The mean of one lifeline's ratings in one period, and how many ratings it rests on."""

    period: str
    mean: float | None  # None when there was no rating in the period
    n: int


@dataclass
class PracticeFigures:
    practice_id: str
    uses: int  # encounters in the window that used the practice
    rated: int  # of those, how many have at least one rating
    mean_rating: float | None  # mean of every rating in the encounters that used it
    mean_rating_without: float | None  # the same over rated encounters that did not use it
    ratings_n: int = 0  # how many single ratings mean_rating rests on
    ratings_n_without: int = 0


@dataclass
class OpenItem:
    """A prepared encounter not yet reflected on."""

    encounter_id: str
    created_at: datetime
    label: str | None
    intention: str | None
    age_days: int
    private: bool = False  # its text never leaves the terminal (reports, exports)


@dataclass
class SuggestedPractice:
    practice_id: str
    reason_values: list[str]  # the least-attended values it serves
    counts: dict[str, int]  # value id -> encounters touching it in the suggestion window
    window: int  # how many encounters the counts come from


@dataclass
class Insights:
    since: datetime | None
    until: datetime | None
    domain: str | None
    granularity: str  # "week" or "month"
    periods: list[str]  # oldest first: "2026-W47" or "2026-11"
    total: int
    by_status: dict[str, int]
    values: dict[str, list[int]]  # value id -> encounters touching it, per period (catalogue order)
    value_totals: dict[str, int]
    ratings: dict[str, list[RatingPoint]]  # lifeline id -> one point per period
    practices: list[PracticeFigures]  # most used first
    open_encounters: list[OpenItem] = field(default_factory=list)
    pending_steps: list[NextStep] = field(default_factory=list)
    suggestion: SuggestedPractice | None = None
    # All prepared encounters waiting for a reflection; open_encounters may list only the newest of them.
    open_total: int = 0

    def to_json(self) -> dict[str, Any]:
        """The same figures for scripts; times in UTC ISO form like the rest of the JSON output."""
        return {
            "since": to_iso(self.since) if self.since else None,
            "until": to_iso(self.until) if self.until else None,
            "domain": self.domain,
            "granularity": self.granularity,
            "periods": list(self.periods),
            "total": self.total,
            "by_status": dict(self.by_status),
            "values": {key: list(counts) for key, counts in self.values.items()},
            "value_totals": dict(self.value_totals),
            "ratings": {
                key: [{"period": p.period, "mean": p.mean, "n": p.n} for p in points]
                for key, points in self.ratings.items()
            },
            "practices": [vars(item).copy() for item in self.practices],
            "open_encounters": [
                {
                    "id": item.encounter_id,
                    "created_at": to_iso(item.created_at),
                    "label": item.label,
                    "intention": item.intention,
                    "age_days": item.age_days,
                }
                for item in self.open_encounters
            ],
            "open_total": self.open_total,
            "pending_next_steps": [
                {
                    "id": step.encounter_id,
                    "created_at": to_iso(step.created_at),
                    "domain": step.domain,
                    "practices": list(step.practices),
                    "ratings": dict(step.ratings),
                    "next_step": step.text,
                }
                for step in self.pending_steps
            ],
            "suggestion": vars(self.suggestion).copy() if self.suggestion else None,
        }
