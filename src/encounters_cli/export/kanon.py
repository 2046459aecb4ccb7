"""k-anonymity over the structured fields of research records: periods, the ladder, the plan.

A record's *quasi-identifiers* are the fields someone who knows of an encounter could match it by:
its domain, its period (the coarsened date), its language and the set of practices tried. Records
that share all four form a group; a released group must hold at least ``k`` records.

The plan is *local recoding*, decided from counts only, the same way every time:

1. Every record starts at the export's date precision. Groups of at least ``k`` are kept as they are.
2. Records in smaller groups move one date level coarser (day -> week -> month -> quarter) and are
   grouped again with every other record at that level; groups of at least ``k`` are kept.
3. Records still in small groups at quarter level have their domain replaced by ``"other"`` and are
   grouped again (with any kept quarter-level ``"other"`` records: the released values are the same).
4. Whatever is still in a group smaller than ``k`` is suppressed (left out).

Because each step depends only on a record's quasi-identifiers, records that share them share their
fate, and the plan is a map from "unit" (what a record is grouped by before any step) to the released
cell, or ``None`` for suppressed.

Entries written during a workshop run are exercises, not encounters with citizens: the callers leave
them out of the groups and release them at the export's precision (otherwise one participant's few
workshop answers would always be suppressed, and a trainer's debrief would get nothing).

Core module: no typer, no rich.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from typing import NamedTuple, TypeVar

PRECISIONS = ("day", "week", "month", "quarter")  # finest to coarsest
OTHER_DOMAIN = "other"
DOMAIN_STEP = "domain->other"


class Cell(NamedTuple):
    """The quasi-identifiers as released: records with equal cells are indistinguishable by them."""

    domain: str | None
    period: str
    precision: str
    lang: str
    practices: tuple[str, ...]  # sorted, without repeats


def period_of(day: date, precision: str) -> str:
    """The period holding ``day``: '2026-03-14', ISO week '2026-W11', '2026-03' or '2026-Q1'."""
    if precision == "day":
        return day.isoformat()
    if precision == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown date precision {precision!r} (expected one of: {', '.join(PRECISIONS)})")


def coarser_precision(precision: str) -> str | None:
    index = PRECISIONS.index(precision)
    return PRECISIONS[index + 1] if index + 1 < len(PRECISIONS) else None


def period_date(period: str, precision: str) -> date:
    """A day inside ``period``, to coarsen a period when the exact date is gone (merging exports).

    A week is represented by its Thursday: the day that decides its ISO year, and the month that
    holds at least four of its seven days. So a week spanning two months counts in the month of its
    Thursday when it is coarsened.
    """
    try:
        if precision == "day":
            return date.fromisoformat(period)
        if precision == "week":
            year, week = period.split("-W")
            return date.fromisocalendar(int(year), int(week), 4)
        if precision == "month":
            year, month = period.split("-")
            return date(int(year), int(month), 1)
        if precision == "quarter":
            year, quarter = period.split("-Q")
            return date(int(year), (int(quarter) - 1) * 3 + 1, 1)
    except ValueError:
        pass
    raise ValueError(f"period {period!r} does not fit date precision {precision!r}")


def precision_of(period: str) -> str | None:
    """The date precision a period is written in, or None when it is none of ours."""
    if len(period) == 10 and period[4] == "-" and period[7] == "-":
        return "day"
    if "-W" in period:
        return "week"
    if "-Q" in period:
        return "quarter"
    if len(period) == 7 and period[4] == "-":
        return "month"
    return None


class PeriodCache:
    """Date -> period strings, cached: a journal's entries fall on few distinct days."""

    def __init__(self) -> None:
        self._cache: dict[tuple[date, str], str] = {}

    def __call__(self, day: date, precision: str) -> str:
        key = (day, precision)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = period_of(day, precision)
        return found


Unit = TypeVar("Unit", bound=Hashable)


class Plan(NamedTuple):
    cells: dict  # unit -> released Cell, or None when suppressed
    generalised: Counter[str]  # released records per step taken: {"month->quarter": n, "domain->other": n}
    suppressed: int  # records
    generalised_records: int  # released records that took at least one step


def plan_cells(
    units: Mapping[Unit, int],
    start: Callable[[Unit], Cell],
    coarsen: Callable[[Unit, Cell, str], Cell],
    k: int,
) -> Plan:
    """Decide each unit's released cell (see the module docstring for the steps).

    ``units`` counts records per unit; ``start`` gives a unit's cell before any step; ``coarsen``
    gives its cell one date level up (the new precision is passed). Deterministic: the result does
    not depend on the order of ``units``.
    """
    origin: dict = {}  # unit -> its cell before any step, to count the steps of released records
    levels: dict[str, list] = {precision: [] for precision in PRECISIONS}  # (unit, cell) per level
    for unit in units:
        cell = origin[unit] = start(unit)
        levels[cell.precision].append((unit, cell))
    final: dict = {}
    leftover: list = []  # at quarter level in groups smaller than k
    for precision in PRECISIONS:
        here = levels[precision]
        sizes: Counter[Cell] = Counter()
        for unit, cell in here:
            sizes[cell] += units[unit]
        up = coarser_precision(precision)
        for unit, cell in here:
            if sizes[cell] >= k:
                final[unit] = cell
            elif up is not None:
                levels[up].append((unit, coarsen(unit, cell, up)))
            else:
                leftover.append((unit, cell))
    # the domain goes next; kept cells with the same released values count towards the group
    kept: Counter[Cell] = Counter()
    for unit, cell in final.items():
        kept[cell] += units[unit]
    last: Counter[Cell] = Counter()
    renamed = [(unit, cell._replace(domain=OTHER_DOMAIN)) for unit, cell in leftover]
    for unit, cell in renamed:
        last[cell] += units[unit]
    suppressed = 0
    for unit, cell in renamed:
        if last[cell] + kept[cell] >= k:
            final[unit] = cell
        else:
            final[unit] = None
            suppressed += units[unit]
    generalised: Counter[str] = Counter()
    generalised_records = 0
    for unit, cell in final.items():
        if cell is None:
            continue
        before = origin[unit]
        first, last_index = PRECISIONS.index(before.precision), PRECISIONS.index(cell.precision)
        took = [f"{PRECISIONS[i]}->{PRECISIONS[i + 1]}" for i in range(first, last_index)]
        if cell.domain != before.domain:
            took.append(DOMAIN_STEP)
        if took:
            generalised_records += units[unit]
            for step in took:
                generalised[step] += units[unit]
    return Plan(final, generalised, suppressed, generalised_records)
