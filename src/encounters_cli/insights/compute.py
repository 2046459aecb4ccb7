"""Compute the figures of ``encounters insights``: from facts, or counted by the journal itself.

``compute`` is pure: it takes the facts (oldest first, though any order works), the catalogue and
the moment "now", and returns an ``Insights``. ``gather`` gets the same figures from a store
without reading the facts one by one: the journal counts statuses, value tags, ratings and
practices itself (SQL aggregates over its indexes), so 100,000 entries cost a few dozen queries
and no Python object per entry. Both feed the same ``_Counts`` to ``_figures``.

Why one pass over days in ``compute``: a journal of a career holds ~100,000 entries but only a few
thousand distinct days. Each fact is converted to its local calendar day once and counted into
that day's bucket; periods (ISO weeks or months) are formed from the day buckets afterwards, so
choosing the granularity, which depends on the span of the facts, needs no second pass. ``gather``
first asks for the span, then counts each period between its first and last local moment.

Periods are in local time (``tz``, by default the system's zone with the daylight-saving rule of
each instant): an encounter at 00:30 on a Monday in Helsinki belongs to the new week, though it was
still Sunday in UTC. Labels: ``2026-W47`` (ISO week), ``2026-11`` (month).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from encounters_cli.coach.suggest import WINDOW_DAYS, suggest
from encounters_cli.insights.figures import (
    Insights,
    OpenItem,
    PracticeFigures,
    RatingPoint,
    SuggestedPractice,
)
from encounters_cli.storage.records import STATUSES, Encounter, Facts, Filter, NextStep, utcnow

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.storage.journal import Store

WEEK = "week"
MONTH = "month"
GRANULARITIES = (WEEK, MONTH)
# A span of at most this long is shown per week; anything longer per month.
WEEKLY_SPAN = timedelta(weeks=12)
# Statuses whose values count towards the suggestion: what actually happened, not what was planned.
SUGGESTION_STATUSES = frozenset({"reflected", "logged"})
PENDING_STEPS_SHOWN = 10
OPEN_SHOWN = 10  # a ten-year journal may hold thousands of forgotten preparations: list the newest
_JUST_BEFORE = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
# Clock changes move a zone's offset by at most an hour or two, so from two hours after local midnight
# to two hours before the next one, every moment has the same local date whatever happens in between.
_DST_MARGIN = timedelta(hours=2)


@dataclass
class _Day:
    """What one local calendar day's facts carry, gathered to be counted once the pass is over."""

    tags: list[str]  # every value tag of the day's facts
    ratings: list[tuple[str, int]]  # every (value id, rating) of the day's facts


@dataclass
class _Practice:
    uses: int
    rated: int
    rating_sum: int
    rating_n: int


@dataclass
class _Tally:
    """Everything the single pass accumulates."""

    days: dict[date, _Day]
    by_status: dict[str, int]
    practices: dict[str, _Practice]
    first: datetime | None  # the earliest and latest created_at
    last: datetime | None
    recent_counts: dict[str, int]  # value id -> facts for the suggestion that carry it
    recent_window: int  # how many facts the suggestion counted


# (granularity, period labels, each period's first day and the day after the last) -> per period:
# ({value id: tags}, {(value id, rating): ratings})
_PerPeriod = Callable[[str, list[str], list[date]], list[tuple[dict[str, int], dict[tuple[str, int], int]]]]


@dataclass
class _Counts:
    """What the figures are made of, whoever counted it: ``compute`` over facts, or the journal."""

    by_status: dict[str, int]
    practices: dict[str, _Practice]
    first: datetime | None
    last: datetime | None
    recent_counts: dict[str, int]
    recent_window: int
    per_period: _PerPeriod  # asked once the periods are known, since they depend on first and last


def compute(
    facts: Iterable[Facts],
    catalogue: Catalogue,
    *,
    since: datetime | None,
    until: datetime | None,
    domain: str | None,
    now: datetime,
    open_encounters: Sequence[Encounter] = (),
    open_total: int | None = None,
    pending_steps: Sequence[NextStep] = (),
    granularity: str | None = None,
    tz: tzinfo | None = None,
) -> Insights:
    """The figures for ``facts``, which the caller has already selected (window, domain).

    ``since`` (inclusive) and ``until`` (exclusive) set the span of periods shown, so empty weeks at
    either end still appear; without them the span runs from the first fact to ``now``. A fact
    outside that span widens it rather than being dropped, so per-period counts always add up to
    the totals. ``granularity`` is ``"week"``, ``"month"`` or None to choose: weeks when the span
    is at most 12 weeks, months otherwise.

    ``open_encounters`` are prepared encounters not yet reflected on, listed oldest first with their
    intention and age at ``now``; ``open_total`` is how many there are in all when only some are
    passed (default: as many as passed).

    The suggestion counts the values of the reflected and logged facts created in the
    ``WINDOW_DAYS`` days up to ``now`` *among the facts given*: with ``--since`` last week or
    ``--domain school`` it speaks about that selection, as the rest of the figures do.
    """
    if granularity is not None and granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be 'week', 'month' or None, not {granularity!r}")
    tally = _tally(facts, tz, recent=(now - timedelta(days=WINDOW_DAYS), now))

    def per_period(granularity: str, labels: list[str], starts: list[date]) -> list[tuple[Counter, Counter]]:
        index = {label: position for position, label in enumerate(labels)}
        counted: list[tuple[Counter, Counter]] = [(Counter(), Counter()) for _ in labels]
        for day, bucket in tally.days.items():
            tags, rated = counted[index[_period_label(day, granularity)]]
            tags.update(bucket.tags)
            rated.update(bucket.ratings)
        return counted

    counts = _Counts(
        by_status=tally.by_status,
        practices=tally.practices,
        first=tally.first,
        last=tally.last,
        recent_counts=tally.recent_counts,
        recent_window=tally.recent_window,
        per_period=per_period,
    )
    return _figures(
        counts,
        catalogue,
        since=since,
        until=until,
        domain=domain,
        now=now,
        open_encounters=open_encounters,
        open_total=open_total,
        pending_steps=pending_steps,
        granularity=granularity,
        tz=tz,
    )


def _figures(
    counts: _Counts,
    catalogue: Catalogue,
    *,
    since: datetime | None,
    until: datetime | None,
    domain: str | None,
    now: datetime,
    open_encounters: Sequence[Encounter],
    open_total: int | None,
    pending_steps: Sequence[NextStep],
    granularity: str | None,
    tz: tzinfo | None,
) -> Insights:
    """The Insights from what was counted: the span, the periods, and each figure per period."""
    value_ids = list(catalogue.values)
    lifeline_ids = [value.id for value in catalogue.values_of_kind("lifeline")]
    start = since
    if counts.first is not None and (start is None or counts.first < start):
        start = counts.first
    end = until if until is not None else now
    if counts.last is not None and counts.last >= end:
        end = counts.last + _JUST_BEFORE  # end is exclusive
    if start is None:  # no since and no facts: the period holding now (or until, if earlier)
        start = min(now, end - _JUST_BEFORE)
    if granularity is None:
        granularity = WEEK if end - start <= WEEKLY_SPAN else MONTH
    first_day = _local_day(start, tz)
    last_day = max(first_day, _local_day(end - _JUST_BEFORE, tz))
    labels = _period_labels(first_day, last_day, granularity)

    value_index = {value_id: position for position, value_id in enumerate(value_ids)}
    lifeline_index = {lifeline_id: position for position, lifeline_id in enumerate(lifeline_ids)}
    value_counts = [[0] * len(labels) for _ in value_ids]
    rating_sums = [[0] * len(labels) for _ in lifeline_ids]
    rating_ns = [[0] * len(labels) for _ in lifeline_ids]
    all_sum = all_n = 0  # every rating of every fact, for the practices' "without" means
    per_period = counts.per_period(granularity, labels, _period_starts(first_day, last_day, granularity))
    for period, (tags, rated) in enumerate(per_period):
        for value_id, count in tags.items():
            position = value_index.get(value_id)
            if position is not None:  # a value of a pack no longer loaded is not shown
                value_counts[position][period] += count
        for (value_id, rating), count in rated.items():
            all_sum += rating * count
            all_n += count
            position = lifeline_index.get(value_id)
            if position is not None:
                rating_sums[position][period] += rating * count
                rating_ns[position][period] += count

    return Insights(
        since=since,
        until=until,
        domain=domain,
        granularity=granularity,
        periods=labels,
        total=sum(counts.by_status.values()),
        by_status=_status_counts(counts.by_status),
        values={value_id: value_counts[position] for position, value_id in enumerate(value_ids)},
        value_totals={value_id: sum(value_counts[position]) for position, value_id in enumerate(value_ids)},
        ratings={
            lifeline_id: [
                RatingPoint(period=label, mean=_mean(rating_sums[position][p], rating_ns[position][p]), n=n)
                for p, (label, n) in enumerate(zip(labels, rating_ns[position], strict=True))
            ]
            for position, lifeline_id in enumerate(lifeline_ids)
        },
        practices=_practice_figures(counts.practices, all_sum, all_n),
        open_encounters=_open_items(open_encounters, now),
        open_total=len(open_encounters) if open_total is None else open_total,
        pending_steps=list(pending_steps),
        suggestion=_suggestion(catalogue, counts, domain),
    )


def gather(
    store: Store, catalogue: Catalogue, flt: Filter, *, now: datetime | None = None, tz: tzinfo | None = None
) -> Insights:
    """Insights over the encounters ``flt`` selects (all of them: its limit is ignored).

    The same figures as ``compute`` over ``store.iter_facts(flt)``, counted by the journal: the span
    and the statuses first, then each period's value tags and ratings between its first and last
    local moment, the practices, and the suggestion's window. Open prepared encounters of the domain
    count whatever their age or the window, since they are today's business; the newest
    ``OPEN_SHOWN`` are listed. Pending next steps are the newest ``PENDING_STEPS_SHOWN`` of the window.
    """
    now = now if now is not None else utcnow()
    selected = replace(flt, limit=None)
    by_status, first, last = store.status_span(selected)
    practices = {
        practice_id: _Practice(*numbers) for practice_id, numbers in store.practice_counts(selected).items()
    }
    recent = _recent(selected, now)
    recent_counts = store.tag_counts(recent)[0] if recent is not None else {}
    recent_window = store.count(recent) if recent is not None else 0

    def per_period(
        granularity: str, labels: list[str], starts: list[date]
    ) -> list[tuple[dict[str, int], dict[tuple[str, int], int]]]:
        moments = [_first_moment(day, tz) for day in starts]
        counted: list[tuple[dict[str, int], dict[tuple[str, int], int]]] = []
        for begin, end in pairwise(moments):
            if first is None or last is None or end <= first or begin > last:
                counted.append(({}, {}))  # nothing there: no query
            else:
                counted.append(store.tag_counts(_within(selected, begin, end)))
        return counted

    counts = _Counts(by_status, practices, first, last, recent_counts, recent_window, per_period)
    waiting = Filter(statuses=["prepared"], domain=flt.domain)
    prepared = store.list(replace(waiting, limit=OPEN_SHOWN))
    steps = store.next_steps(
        Filter(domain=flt.domain, since=flt.since, until=flt.until, limit=PENDING_STEPS_SHOWN),
        pending_only=True,
    )
    return _figures(
        counts,
        catalogue,
        since=flt.since,
        until=flt.until,
        domain=flt.domain,
        now=now,
        open_encounters=prepared,
        open_total=store.count(waiting),
        pending_steps=steps,
        granularity=None,
        tz=tz,
    )


def _within(flt: Filter, since: datetime, until: datetime) -> Filter:
    """``flt`` narrowed to [since, until)."""
    return replace(
        flt,
        since=since if flt.since is None else max(flt.since, since),
        until=until if flt.until is None else min(flt.until, until),
        limit=None,
    )


def _recent(flt: Filter, now: datetime) -> Filter | None:
    """The suggestion's selection: what ``flt`` selects of the reflected and logged encounters of the
    last ``WINDOW_DAYS`` days up to ``now`` (inclusive); None when that cannot hold anything."""
    statuses = [status for status in (flt.statuses or STATUSES) if status in SUGGESTION_STATUSES]
    narrowed = _within(flt, now - timedelta(days=WINDOW_DAYS), now + _JUST_BEFORE)
    if not statuses or narrowed.since >= narrowed.until:  # type: ignore[operator]
        return None
    return replace(narrowed, statuses=sorted(set(statuses)))


# --- the pass --------------------------------------------------------------------------------


def _tally(facts: Iterable[Facts], tz: tzinfo | None, recent: tuple[datetime, datetime]) -> _Tally:
    # Written for speed (100,000 facts in a fraction of a second): per fact, only C-level list
    # extends where possible; the counting happens per day afterwards, with Counter.
    days: dict[date, _Day] = {}
    statuses: list[str] = []
    practices: dict[str, _Practice] = {}
    recent_tags: list[str] = []
    recent_from, recent_to = recent
    recent_window = 0
    first = last = None
    tags: list[str] = []
    rated: list[tuple[str, int]] = []
    same_day_from = same_day_to = recent_from  # an empty range: the first fact looks its day up
    for fact in facts:
        moment = fact.created_at
        if first is None or moment < first:
            first = moment
        if last is None or moment > last:
            last = moment
        if not same_day_from <= moment < same_day_to:
            # Converting to the system's zone (tz None) costs more than the rest of a fact's counting,
            # and facts come oldest first, several a day: remember which moments share this local day.
            local = moment.astimezone(tz)
            day = local.date()
            bucket = days.get(day)
            if bucket is None:
                bucket = days[day] = _Day([], [])
            tags, rated = bucket.tags, bucket.ratings
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            same_day_from = (midnight + _DST_MARGIN).astimezone(moment.tzinfo)
            same_day_to = (midnight + _ONE_DAY - _DST_MARGIN).astimezone(moment.tzinfo)
        status = fact.status
        statuses.append(status)
        tags += fact.values  # unique per fact: the journal keys them by (encounter, value)
        ratings = fact.ratings
        if ratings:
            rated += ratings.items()
        used = fact.practices
        if used:
            if len(used) > 1:  # kept in order of use, so one could in principle repeat
                used = set(used)
            rating_sum, rating_n = sum(ratings.values()), len(ratings)
            for practice_id in used:
                counts = practices.get(practice_id)
                if counts is None:
                    counts = practices[practice_id] = _Practice(0, 0, 0, 0)
                counts.uses += 1
                if rating_n:
                    counts.rated += 1
                    counts.rating_sum += rating_sum
                    counts.rating_n += rating_n
        if status in SUGGESTION_STATUSES and recent_from <= moment <= recent_to:
            recent_window += 1
            recent_tags += fact.values
    return _Tally(
        days=days,
        by_status=Counter(statuses),
        practices=practices,
        first=first,
        last=last,
        recent_counts=Counter(recent_tags),
        recent_window=recent_window,
    )


# --- periods ---------------------------------------------------------------------------------


def _local_day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz).date()


def _period_label(day: date, granularity: str) -> str:
    if granularity == WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def _period_starts(first_day: date, last_day: date, granularity: str) -> list[date]:
    """The first day of each period of ``_period_labels``, and the first day after the last one."""
    if granularity == WEEK:
        monday = first_day - timedelta(days=first_day.weekday())
        count = (last_day - monday).days // 7 + 1
        return [monday + timedelta(weeks=week) for week in range(count + 1)]
    starts = []
    year, month = first_day.year, first_day.month
    while (year, month) <= (last_day.year, last_day.month):
        starts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [*starts, date(year, month, 1)]


def _first_moment(day: date, tz: tzinfo | None) -> datetime:
    """The earliest instant (UTC) whose local date in ``tz`` is ``day`` or later: where a period begins.

    Local midnight, unless a clock change makes midnight missing or twice there: then found by halving
    the hours around it to the microsecond (local dates only move forward as instants do).
    """
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz) if tz is not None else None
    guess = (midnight or datetime(day.year, day.month, day.day).astimezone()).astimezone(timezone.utc)
    if _local_day(guess, tz) >= day > _local_day(guess - _JUST_BEFORE, tz):
        return guess
    low, high = guess - _ONE_DAY, guess + _ONE_DAY  # local date before ``day`` at low, not at high
    while high - low > _JUST_BEFORE:
        middle = low + (high - low) / 2
        if _local_day(middle, tz) >= day:
            high = middle
        else:
            low = middle
    return high


def _period_labels(first_day: date, last_day: date, granularity: str) -> list[str]:
    """Every period from the one holding ``first_day`` to the one holding ``last_day``, oldest first."""
    labels = []
    if granularity == WEEK:
        day = first_day - timedelta(days=first_day.weekday())  # that week's Monday
        while day <= last_day:
            labels.append(_period_label(day, WEEK))
            day += timedelta(weeks=1)
        return labels
    year, month = first_day.year, first_day.month
    while (year, month) <= (last_day.year, last_day.month):
        labels.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


# --- the figures -----------------------------------------------------------------------------


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def _status_counts(counted: dict[str, int]) -> dict[str, int]:
    """Every known status, zeros included, in the usual order; any other status after them."""
    statuses = {status: counted.get(status, 0) for status in STATUSES}
    statuses.update(sorted((status, n) for status, n in counted.items() if status not in statuses))
    return statuses


def _practice_figures(practices: dict[str, _Practice], all_sum: int, all_n: int) -> list[PracticeFigures]:
    """Most used first, ties by id. "Without" is every rated encounter that did not use the practice."""
    figures = [
        PracticeFigures(
            practice_id=practice_id,
            uses=counts.uses,
            rated=counts.rated,
            mean_rating=_mean(counts.rating_sum, counts.rating_n),
            mean_rating_without=_mean(all_sum - counts.rating_sum, all_n - counts.rating_n),
            ratings_n=counts.rating_n,
            ratings_n_without=all_n - counts.rating_n,
        )
        for practice_id, counts in practices.items()
    ]
    return sorted(figures, key=lambda item: (-item.uses, item.practice_id))


def _open_items(encounters: Sequence[Encounter], now: datetime) -> list[OpenItem]:
    items = [
        OpenItem(
            encounter_id=encounter.id,
            created_at=encounter.created_at,
            label=encounter.label,
            intention=_intention(encounter),
            age_days=max(0, (now - encounter.created_at).days),
            private=encounter.private,
        )
        for encounter in encounters
    ]
    return sorted(items, key=lambda item: (item.created_at, item.encounter_id))


def _intention(encounter: Encounter) -> str | None:
    """The answer to the question whose role is ``intention``.

    Entries written before answers carried their role fall back to the shipped question id.
    """
    chosen: Any = None
    for answer in encounter.answers:
        if answer.role == "intention" or (answer.role is None and answer.question_id == "intention"):
            chosen = answer.answer
            break
    if chosen is None:
        return None
    text = chosen if isinstance(chosen, str) else str(chosen)
    return text.strip() or None


def _suggestion(catalogue: Catalogue, counts: _Counts, domain: str | None) -> SuggestedPractice | None:
    chosen = suggest(catalogue, counts.recent_counts, counts.recent_window, domain, how_many=1)
    if not chosen:
        return None
    best = chosen[0]
    return SuggestedPractice(
        practice_id=best.practice.id,
        reason_values=list(best.reason_values),
        counts=dict(best.counts),
        window=best.window,
    )
