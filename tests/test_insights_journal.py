"""gather() counts in the journal (SQL aggregates); compute() counts the facts in Python. They agree.

Random synthetic journals, several time zones (whole, half-hour and 45-minute offsets, clock changes)
and every kind of filter: whatever the journal counts must be what a fact-by-fact count finds.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from encounters_cli.catalogue.models import Catalogue, Localized, Practice, Question, Value
from encounters_cli.insights.compute import OPEN_SHOWN, PENDING_STEPS_SHOWN, compute, gather
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Encounter, Filter

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc)
VALUES = {
    "equality": "cornerstone",
    "freedom": "cornerstone",
    "participation": "lifeline",
    "trust": "lifeline",
    "knowledge": "lifeline",
    "justice": "lifeline",
    "safety": "outcome",
}
PRACTICES = ["explain-why", "plan-together", "safe-space"]
DOMAINS = ["school", "library", "social"]


def text(words: str) -> Localized:
    return Localized(en=words, fi=words)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    values = {
        vid: Value(id=vid, kind=kind, name=text(vid), description=text(vid)) for vid, kind in VALUES.items()
    }
    practices = {
        pid: Practice(
            id=pid,
            title=text(pid),
            summary=text(pid),
            why=text(pid),
            steps=[text("first"), text("then")],
            values=["trust"],
            domains="all" if pid != "plan-together" else ["school"],
            before=[Question(id="q", type="text", prompt=text("q?"))],
            after=[Question(id="q", type="text", prompt=text("q?"))],
        )
        for pid in PRACTICES
    }
    return Catalogue(
        values=values, domains={}, practices=practices, question_sets={}, version="t", sources=[]
    )


def journal(path: Path, seed: int, count: int = 400) -> Store:
    rng = random.Random(seed)
    store = Store.open(path)
    for number in range(count):
        created = NOW - timedelta(minutes=rng.randrange(400 * 24 * 60))  # about 13 months, any minute
        status = rng.choice(["prepared", "reflected", "logged"])
        practices = rng.sample(PRACTICES, k=rng.choice([0, 0, 1, 1, 2]))
        values = rng.sample(list(VALUES), k=rng.randint(0, 3))
        ratings = {
            value: rng.randint(1, 5) for value in rng.sample(list(VALUES), k=rng.choice([0, 0, 1, 2, 3]))
        }
        store.add(
            Encounter(
                id=f"{seed:04x}{number:028x}",
                status=status,
                lang="en",
                created_at=created,
                updated_at=created,
                domain=rng.choice([*DOMAINS, None]),
                practices=practices,
                values=values,
                ratings=ratings,
            )
        )
    return store


def by_facts(store: Store, catalogue: Catalogue, flt: Filter, tz) -> object:
    """What gather must equal: compute over the facts, with gather's own open items and steps."""
    waiting = Filter(statuses=["prepared"], domain=flt.domain)
    return compute(
        store.iter_facts(replace(flt, limit=None)),
        catalogue,
        since=flt.since,
        until=flt.until,
        domain=flt.domain,
        now=NOW,
        open_encounters=store.list(replace(waiting, limit=OPEN_SHOWN)),
        open_total=store.count(waiting),
        pending_steps=store.next_steps(
            Filter(domain=flt.domain, since=flt.since, until=flt.until, limit=PENDING_STEPS_SHOWN),
            pending_only=True,
        ),
        tz=tz,
    )


FILTERS = [
    Filter(),
    Filter(domain="school"),
    Filter(since=NOW - timedelta(days=70), until=NOW - timedelta(days=3)),  # weeks
    Filter(since=NOW - timedelta(days=200)),
    Filter(until=NOW - timedelta(days=100), values=["trust"]),
    Filter(statuses=["reflected", "prepared"], practice="explain-why"),
    Filter(statuses=["prepared"]),  # nothing for the suggestion to count
    Filter(since=NOW + timedelta(days=1)),  # selects nothing
]


@pytest.mark.parametrize(
    "zone", [None, "UTC", "Europe/Helsinki", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe"]
)
def test_gather_equals_compute_over_the_facts(catalogue: Catalogue, tmp_path: Path, zone: str | None) -> None:
    tz = None
    if zone is not None:
        zoneinfo = pytest.importorskip("zoneinfo")
        try:
            tz = zoneinfo.ZoneInfo(zone)
        except zoneinfo.ZoneInfoNotFoundError:
            pytest.skip(f"no time zone data for {zone}")
    with journal(tmp_path / "journal.sqlite3", seed=len(zone or "")) as store:
        for flt in FILTERS:
            assert gather(store, catalogue, flt, now=NOW, tz=tz) == by_facts(store, catalogue, flt, tz), flt


def test_gather_on_an_empty_journal(catalogue: Catalogue, tmp_path: Path) -> None:
    with Store.open(tmp_path / "journal.sqlite3") as store:
        for flt in (Filter(), Filter(since=NOW - timedelta(days=10))):
            assert gather(store, catalogue, flt, now=NOW) == by_facts(store, catalogue, flt, None)


def test_store_counts(tmp_path: Path) -> None:
    with Store.open(tmp_path / "journal.sqlite3") as store:
        for number, (status, practices, values, ratings) in enumerate(
            [
                ("reflected", ["a", "b"], ["trust", "justice"], {"trust": 4, "justice": 2}),
                ("reflected", ["a"], ["trust"], {}),
                ("logged", [], ["trust"], {"trust": 5}),
                ("prepared", ["b"], [], {}),
            ]
        ):
            created = NOW - timedelta(days=number)
            store.add(
                Encounter(
                    id=f"{number:032x}",
                    status=status,
                    lang="en",
                    created_at=created,
                    updated_at=created,
                    practices=practices,
                    values=values,
                    ratings=ratings,
                )
            )
        statuses, first, last = store.status_span(Filter())
        assert statuses == {"reflected": 2, "logged": 1, "prepared": 1}
        assert (first, last) == (NOW - timedelta(days=3), NOW)
        assert store.status_span(Filter(domain="nowhere")) == ({}, None, None)
        tags, rated = store.tag_counts(Filter())
        assert tags == {"trust": 3, "justice": 1}
        assert rated == {("trust", 4): 1, ("justice", 2): 1, ("trust", 5): 1}
        assert store.tag_counts(Filter(since=NOW - timedelta(hours=1)))[0] == {"trust": 1, "justice": 1}
        # a: two encounters, one rated (4 + 2 over 2); b: two, the same one rated
        assert store.practice_counts(Filter()) == {"a": (2, 1, 6, 2), "b": (2, 1, 6, 2)}
        assert store.practice_counts(Filter(statuses=["prepared"])) == {"b": (1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/Santiago", "2024-09-08"),  # midnight does not exist: clocks go from 24:00 to 01:00
        ("America/Santiago", "2024-04-07"),  # midnight happens twice: back from 24:00 to 23:00
        ("America/Havana", "2025-03-09"),
        ("Europe/Helsinki", "2025-03-30"),
        ("Asia/Kathmandu", "2025-06-01"),
    ],
)
def test_a_period_begins_at_the_first_moment_of_its_first_local_day(zone: str, day: str) -> None:
    from datetime import date

    from encounters_cli.insights.compute import _first_moment

    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip(f"no time zone data for {zone}")
    first = date.fromisoformat(day)
    moment = _first_moment(first, tz)
    assert moment.astimezone(tz).date() == first
    assert (moment - timedelta(microseconds=1)).astimezone(tz).date() < first
