"""Insights figures from a seeded journal, every number counted by hand. All data is synthetic.

The journal below has twelve encounters from September to early December 2025, in a local zone of
UTC+02:00 (all times are written in local time). October has none, and neither has the week of
17-23 November, so both the monthly and the weekly view have an empty period in the middle.

id   local time        status     domain   practices               values                  ratings
e01   2 Sep 10:00 W36  reflected  school   explain-why             knowledge justice       par 3, kno 4
e02  10 Sep 14:00 W37  logged     social   same-treatment          trust equality          -
e03  15 Sep 09:00 W38  reflected  school   plan-together           participation freedom   par 4, tru 3
e04  29 Sep 16:00 W40  prepared   school   explain-why             knowledge               -
e05   9 Nov 23:30 W45  reflected  social   safe-space              safety welfare          tru 2, jus 3
e06  10 Nov 00:30 W46  reflected  social   explain-why safe-space  knowledge trust safety  kno 5, tru 4
e07  12 Nov 11:00 W46  logged     school   -                       participation           -
e08  13 Nov 13:00 W46  reflected  school   plan-together           participation welfare   par 5
e09  25 Nov 10:00 W48  reflected  library  explain-why             justice trust           jus 4, tru 5, kno 3
e10  27 Nov 15:00 W48  prepared   library  safe-space              safety                  -
e11   1 Dec 09:00 W49  reflected  social   -                       freedom trust           tru 4
e12   3 Dec 12:00 W49  logged     school   same-treatment          welfare                 -

(ratings: par participation, tru trust, kno knowledge, jus justice; all on the 1-5 scale.)

"Now" is Friday 5 December 2025, 12:00 local. e05 (Sunday 23:30) and e06 (Monday 00:30) sit on the
week boundary: e06 is still Sunday 22:30 in UTC, so it belongs to W46 here and would be in W45 in UTC.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from encounters_cli.catalogue.models import Catalogue, Localized, Practice, Question, Value
from encounters_cli.insights.compute import compute, gather
from encounters_cli.insights.figures import (
    Insights,
    OpenItem,
    PracticeFigures,
    RatingPoint,
    SuggestedPractice,
)
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Facts, Filter, NextStep

LOCAL = timezone(timedelta(hours=2), "EET")
NOW = datetime(2025, 12, 5, 12, 0, tzinfo=LOCAL)


def at(text: str) -> datetime:
    """A local 'YYYY-MM-DD HH:MM' as an aware UTC moment, the way the store hands times back."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL).astimezone(timezone.utc)


# --- a small catalogue of our own, so the counts do not move when the shipped one changes ------


def text(words: str) -> Localized:
    return Localized(en=words, fi=words)


def value(value_id: str, kind: str) -> Value:
    return Value(id=value_id, kind=kind, name=text(value_id.title()), description=text(f"About {value_id}."))


def practice(practice_id: str, values: list[str], domains: str | list[str] = "all") -> Practice:
    question = Question(id="how", type="text", prompt=text("How?"))
    return Practice(
        id=practice_id,
        title=text(practice_id.replace("-", " ").capitalize()),
        summary=text("A synthetic practice."),
        why=text("For the tests."),
        steps=[text("First."), text("Second.")],
        values=values,
        domains=domains,
        before=[question],
        after=[question],
    )


def make_catalogue(practices: list[Practice]) -> Catalogue:
    values = [
        value("equality", "cornerstone"),
        value("freedom", "cornerstone"),
        value("participation", "lifeline"),
        value("trust", "lifeline"),
        value("knowledge", "lifeline"),
        value("justice", "lifeline"),
        value("learning", "outcome"),
        value("safety", "outcome"),
        value("welfare", "outcome"),
    ]
    return Catalogue(
        values={item.id: item for item in values},
        domains={},
        practices={item.id: item for item in practices},
        question_sets={},
        version="test",
        sources=[],
    )


@pytest.fixture
def catalogue() -> Catalogue:
    return make_catalogue(
        [
            practice("explain-why", ["knowledge", "justice"]),
            practice("plan-together", ["participation", "freedom"], ["school"]),
            practice("safe-space", ["safety", "welfare"]),
            practice("same-treatment", ["equality"]),
        ]
    )


def fact(
    fact_id: str,
    when: str,
    status: str,
    domain: str,
    practices: list[str],
    values: list[str],
    ratings: dict[str, int],
) -> Facts:
    return Facts(fact_id, at(when), status, domain, practices, values, ratings)


JOURNAL = [
    fact("e01", "2025-09-02 10:00", "reflected", "school", ["explain-why"], ["knowledge", "justice"],
         {"participation": 3, "knowledge": 4}),
    fact("e02", "2025-09-10 14:00", "logged", "social", ["same-treatment"], ["trust", "equality"], {}),
    fact("e03", "2025-09-15 09:00", "reflected", "school", ["plan-together"], ["participation", "freedom"],
         {"participation": 4, "trust": 3}),
    fact("e04", "2025-09-29 16:00", "prepared", "school", ["explain-why"], ["knowledge"], {}),
    fact("e05", "2025-11-09 23:30", "reflected", "social", ["safe-space"], ["safety", "welfare"],
         {"trust": 2, "justice": 3}),
    fact("e06", "2025-11-10 00:30", "reflected", "social", ["explain-why", "safe-space"],
         ["knowledge", "trust", "safety"], {"knowledge": 5, "trust": 4}),
    fact("e07", "2025-11-12 11:00", "logged", "school", [], ["participation"], {}),
    fact("e08", "2025-11-13 13:00", "reflected", "school", ["plan-together"], ["participation", "welfare"],
         {"participation": 5}),
    fact("e09", "2025-11-25 10:00", "reflected", "library", ["explain-why"], ["justice", "trust"],
         {"justice": 4, "trust": 5, "knowledge": 3}),
    fact("e10", "2025-11-27 15:00", "prepared", "library", ["safe-space"], ["safety"], {}),
    fact("e11", "2025-12-01 09:00", "reflected", "social", [], ["freedom", "trust"], {"trust": 4}),
    fact("e12", "2025-12-03 12:00", "logged", "school", ["same-treatment"], ["welfare"], {}),
]  # fmt: skip


def whole_journal(catalogue: Catalogue, **options) -> Insights:
    return compute(JOURNAL, catalogue, since=None, until=None, domain=None, now=NOW, tz=LOCAL, **options)


def november_weeks(catalogue: Catalogue, tz: timezone = LOCAL) -> Insights:
    """W45 to W48: since Monday 3 Nov 00:00, until Monday 1 Dec 00:00 (exclusive), as the store selects."""
    since, until = at("2025-11-03 00:00"), at("2025-12-01 00:00")
    selected = [item for item in JOURNAL if since <= item.created_at < until]  # e05 to e10
    return compute(selected, catalogue, since=since, until=until, domain=None, now=NOW, tz=tz)


# --- per month ---------------------------------------------------------------------------------


def test_without_a_window_the_span_runs_from_the_first_encounter_to_now_by_month(
    catalogue: Catalogue,
) -> None:
    insights = whole_journal(catalogue)
    # 2 Sep to 5 Dec is 13+ weeks, more than 12: months; October is present though empty
    assert insights.granularity == "month"
    assert insights.periods == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert insights.since is None
    assert insights.until is None


def test_values_per_month_and_totals(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue)
    assert list(insights.values) == [  # every catalogue value, in catalogue order
        "equality", "freedom", "participation", "trust", "knowledge",
        "justice", "learning", "safety", "welfare",
    ]  # fmt: skip
    assert insights.values == {
        "equality": [1, 0, 0, 0],  # Sep e02
        "freedom": [1, 0, 0, 1],  # Sep e03; Dec e11
        "participation": [1, 0, 2, 0],  # Sep e03; Nov e07 e08
        "trust": [1, 0, 2, 1],  # Sep e02; Nov e06 e09; Dec e11
        "knowledge": [2, 0, 1, 0],  # Sep e01 e04; Nov e06
        "justice": [1, 0, 1, 0],  # Sep e01; Nov e09
        "learning": [0, 0, 0, 0],  # never tagged, still listed
        "safety": [0, 0, 3, 0],  # Nov e05 e06 e10
        "welfare": [0, 0, 2, 1],  # Nov e05 e08; Dec e12
    }
    assert insights.value_totals == {
        "equality": 1,
        "freedom": 2,
        "participation": 3,
        "trust": 4,
        "knowledge": 3,
        "justice": 2,
        "learning": 0,
        "safety": 3,
        "welfare": 3,
    }
    assert insights.total == 12
    # prepared e04 e10; reflected e01 e03 e05 e06 e08 e09 e11; logged e02 e07 e12
    assert insights.by_status == {"prepared": 2, "reflected": 7, "logged": 3}


def test_lifeline_ratings_per_month_with_how_many_behind_each_mean(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue)
    assert list(insights.ratings) == ["participation", "trust", "knowledge", "justice"]  # lifelines only
    assert insights.ratings["participation"] == [
        RatingPoint("2025-09", 3.5, 2),  # e01 3, e03 4
        RatingPoint("2025-10", None, 0),
        RatingPoint("2025-11", 5.0, 1),  # e08 5
        RatingPoint("2025-12", None, 0),
    ]
    assert insights.ratings["trust"] == [
        RatingPoint("2025-09", 3.0, 1),  # e03 3
        RatingPoint("2025-10", None, 0),
        RatingPoint("2025-11", 3.67, 3),  # e05 2, e06 4, e09 5: 11 / 3 = 3.666...
        RatingPoint("2025-12", 4.0, 1),  # e11 4
    ]
    assert insights.ratings["knowledge"] == [
        RatingPoint("2025-09", 4.0, 1),  # e01 4
        RatingPoint("2025-10", None, 0),
        RatingPoint("2025-11", 4.0, 2),  # e06 5, e09 3
        RatingPoint("2025-12", None, 0),
    ]
    assert insights.ratings["justice"] == [
        RatingPoint("2025-09", None, 0),
        RatingPoint("2025-10", None, 0),
        RatingPoint("2025-11", 3.5, 2),  # e05 3, e09 4
        RatingPoint("2025-12", None, 0),
    ]


def test_practices_with_and_without(catalogue: Catalogue) -> None:
    # Every rating of every encounter: e01 3+4, e03 4+3, e05 2+3, e06 5+4, e08 5, e09 4+5+3, e11 4
    # = 7 + 7 + 5 + 9 + 5 + 12 + 4 = 49 over 13 ratings.
    insights = whole_journal(catalogue)
    assert insights.practices == [
        # e01 e04 e06 e09; rated e01 e06 e09: 7 + 9 + 12 = 28 / 7 = 4.0; without 21 / 6 = 3.5
        PracticeFigures("explain-why", uses=4, rated=3, mean_rating=4.0, mean_rating_without=3.5,
                        ratings_n=7, ratings_n_without=6),
        # e05 e06 e10; rated e05 e06: 5 + 9 = 14 / 4 = 3.5; without 35 / 9 = 3.888...
        PracticeFigures("safe-space", uses=3, rated=2, mean_rating=3.5, mean_rating_without=3.89,
                        ratings_n=4, ratings_n_without=9),
        # e03 e08: 7 + 5 = 12 / 3 = 4.0; without 37 / 10 = 3.7. Ties with same-treatment: by id
        PracticeFigures("plan-together", uses=2, rated=2, mean_rating=4.0, mean_rating_without=3.7,
                        ratings_n=3, ratings_n_without=10),
        # e02 e12, neither rated; without: all 49 / 13 = 3.769...
        PracticeFigures("same-treatment", uses=2, rated=0, mean_rating=None, mean_rating_without=3.77,
                        ratings_n=0, ratings_n_without=13),
    ]  # fmt: skip


def test_suggestion_serves_the_value_least_attended_in_the_last_60_days(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue)
    # 60 days before Fri 5 Dec 12:00 is Mon 6 Oct 12:00. Reflected or logged since then: e05 e06 e07 e08
    # e09 e11 e12 = 7 (e10 is only prepared; September, with e02's equality, is too old).
    # Counts: equality 0, freedom 1, participation 2, trust 3, knowledge 1, justice 1, safety 2,
    # welfare 3. Least served: same-treatment (equality 0) before explain-why and plan-together (1).
    assert insights.suggestion == SuggestedPractice(
        practice_id="same-treatment", reason_values=["equality"], counts={"equality": 0}, window=7
    )


def test_no_suggestion_when_the_catalogue_has_no_practice_for_the_domain(catalogue: Catalogue) -> None:
    empty = make_catalogue([practice("plan-together", ["participation", "freedom"], ["school"])])
    insights = compute(JOURNAL, empty, since=None, until=None, domain="library", now=NOW, tz=LOCAL)
    assert insights.suggestion is None
    assert insights.domain == "library"


# --- per week ----------------------------------------------------------------------------------


def test_weeks_in_local_time_with_an_empty_week(catalogue: Catalogue) -> None:
    insights = november_weeks(catalogue)
    # 3 Nov to 1 Dec is 4 weeks: weekly; nothing happened in W47 (17-23 Nov)
    assert insights.granularity == "week"
    assert insights.periods == ["2025-W45", "2025-W46", "2025-W47", "2025-W48"]
    assert insights.values == {
        "equality": [0, 0, 0, 0],
        "freedom": [0, 0, 0, 0],
        "participation": [0, 2, 0, 0],  # W46 e07 e08
        "trust": [0, 1, 0, 1],  # W46 e06; W48 e09
        "knowledge": [0, 1, 0, 0],  # W46 e06 (Monday 00:30 local)
        "justice": [0, 0, 0, 1],  # W48 e09
        "learning": [0, 0, 0, 0],
        "safety": [1, 1, 0, 1],  # W45 e05 (Sunday 23:30); W46 e06; W48 e10
        "welfare": [1, 1, 0, 0],  # W45 e05; W46 e08
    }
    assert insights.total == 6  # e05 to e10
    assert insights.by_status == {"prepared": 1, "reflected": 4, "logged": 1}
    assert insights.ratings["trust"] == [
        RatingPoint("2025-W45", 2.0, 1),  # e05
        RatingPoint("2025-W46", 4.0, 1),  # e06
        RatingPoint("2025-W47", None, 0),
        RatingPoint("2025-W48", 5.0, 1),  # e09
    ]
    assert insights.ratings["knowledge"] == [
        RatingPoint("2025-W45", None, 0),
        RatingPoint("2025-W46", 5.0, 1),  # e06
        RatingPoint("2025-W47", None, 0),
        RatingPoint("2025-W48", 3.0, 1),  # e09
    ]


def test_the_week_boundary_is_local_midnight(catalogue: Catalogue) -> None:
    # e06 at Monday 00:30 local is Sunday 22:30 UTC: in UTC it falls in W45 beside e05. So does the
    # window's start, Monday 3 Nov 00:00 local = Sunday 2 Nov 22:00 UTC, which adds W44.
    in_utc = november_weeks(catalogue, tz=timezone.utc)
    assert in_utc.periods == ["2025-W44", "2025-W45", "2025-W46", "2025-W47", "2025-W48"]
    assert in_utc.values["safety"] == [0, 2, 0, 0, 1]  # W45 e05 e06; W48 e10
    assert in_utc.values["knowledge"] == [0, 1, 0, 0, 0]  # W45 e06
    assert november_weeks(catalogue).values["knowledge"] == [0, 1, 0, 0]


def test_granularity_can_be_chosen(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue, granularity="week")
    # Mon 1 Sep (W36) to Fri 5 Dec (W49): 14 weeks, each present
    assert insights.periods == [f"2025-W{week}" for week in range(36, 50)]
    assert insights.values["equality"] == [0, 1] + [0] * 12  # e02 in W37
    assert sum(insights.values["trust"]) == insights.value_totals["trust"] == 4
    with pytest.raises(ValueError, match="granularity"):
        whole_journal(catalogue, granularity="day")


def test_periods_follow_since_and_until_even_around_no_data(catalogue: Catalogue) -> None:
    # August is before the first encounter and January after the last; both shown, as asked
    insights = compute(
        JOURNAL,
        catalogue,
        since=at("2025-08-01 00:00"),
        until=at("2026-02-01 00:00"),
        domain=None,
        now=NOW,
        tz=LOCAL,
    )
    assert insights.periods == ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
    assert insights.values["welfare"] == [0, 0, 0, 2, 1, 0]


def test_iso_weeks_across_the_new_year(catalogue: Catalogue) -> None:
    since, until = at("2025-12-22 00:00"), at("2026-01-12 00:00")
    insights = compute([], catalogue, since=since, until=until, domain=None, now=NOW, tz=LOCAL)
    # Monday 29 Dec 2025 starts ISO week 1 of 2026
    assert insights.periods == ["2025-W52", "2026-W01", "2026-W02"]


@pytest.mark.parametrize("zone", ["Europe/Helsinki", "America/St_Johns", "Australia/Lord_Howe"])
def test_local_days_across_clock_changes_match_a_fact_by_fact_count(catalogue: Catalogue, zone: str) -> None:
    # compute() remembers which moments share a local day instead of converting every fact; check it
    # against converting every fact, over a year with clock changes (St John's is 3.5 hours behind
    # UTC, Lord Howe moves its clocks by half an hour), with facts at any hour.
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip(f"no time zone data for {zone}")
    rng = random.Random(zone)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    moments = sorted(start + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(3000))
    facts = [Facts(f"f{i}", moment, "logged", None, [], ["trust"], {}) for i, moment in enumerate(moments)]
    insights = compute(
        facts, catalogue, since=start, until=start + timedelta(days=365), domain=None, now=NOW, tz=tz
    )
    assert insights.granularity == "month"
    expected = [0] * len(insights.periods)
    for moment in moments:
        local = moment.astimezone(tz)
        expected[insights.periods.index(f"{local.year}-{local.month:02d}")] += 1
    assert insights.values["trust"] == expected
    weekly = compute(
        facts, catalogue, since=start, until=None, domain=None, now=NOW, tz=tz, granularity="week"
    )
    expected = [0] * len(weekly.periods)
    for moment in moments:
        year, week, _ = moment.astimezone(tz).isocalendar()
        expected[weekly.periods.index(f"{year}-W{week:02d}")] += 1
    assert weekly.values["trust"] == expected


# --- empty and one-entry journals --------------------------------------------------------------


def test_empty_journal(catalogue: Catalogue) -> None:
    insights = compute([], catalogue, since=None, until=None, domain=None, now=NOW, tz=LOCAL)
    assert insights.granularity == "week"
    assert insights.periods == ["2025-W49"]  # just the current week
    assert insights.total == 0
    assert insights.by_status == {"prepared": 0, "reflected": 0, "logged": 0}
    assert insights.values["trust"] == [0]
    assert set(insights.value_totals.values()) == {0}
    assert insights.ratings["justice"] == [RatingPoint("2025-W49", None, 0)]
    assert insights.practices == []
    assert insights.open_encounters == []
    # nothing attended yet: every practice ties at 0, the catalogue's first wins
    assert insights.suggestion == SuggestedPractice(
        practice_id="explain-why",
        reason_values=["knowledge", "justice"],
        counts={"knowledge": 0, "justice": 0},
        window=0,
    )


def test_empty_window_keeps_its_periods(catalogue: Catalogue) -> None:
    since, until = at("2025-11-17 00:00"), at("2025-12-01 00:00")
    insights = compute([], catalogue, since=since, until=until, domain=None, now=NOW, tz=LOCAL)
    assert insights.periods == ["2025-W47", "2025-W48"]
    assert insights.values["safety"] == [0, 0]


def test_one_entry_journal(catalogue: Catalogue) -> None:
    only = [item for item in JOURNAL if item.id == "e06"]
    insights = compute(only, catalogue, since=None, until=None, domain=None, now=NOW, tz=LOCAL)
    # Mon 10 Nov (W46) to Fri 5 Dec (W49)
    assert insights.periods == ["2025-W46", "2025-W47", "2025-W48", "2025-W49"]
    assert insights.total == 1
    assert insights.values["knowledge"] == [1, 0, 0, 0]
    assert insights.ratings["trust"][0] == RatingPoint("2025-W46", 4.0, 1)
    assert insights.practices == [
        # one encounter, ratings 5 and 4: 4.5 over 2; nothing to compare with
        PracticeFigures("explain-why", 1, 1, 4.5, None, ratings_n=2, ratings_n_without=0),
        PracticeFigures("safe-space", 1, 1, 4.5, None, ratings_n=2, ratings_n_without=0),
    ]
    # Counts: knowledge 1, trust 1, safety 1, the rest 0. plan-together and same-treatment both need
    # (0, 0); suggest() rotates the catalogue by window % 4 = 1, so plan-together comes first.
    assert insights.suggestion == SuggestedPractice(
        practice_id="plan-together",
        reason_values=["participation", "freedom"],
        counts={"participation": 0, "freedom": 0},
        window=1,
    )


def test_one_pass_over_a_generator(catalogue: Catalogue) -> None:
    insights = compute(
        (item for item in JOURNAL), catalogue, since=None, until=None, domain=None, now=NOW, tz=LOCAL
    )
    assert insights.total == 12
    assert insights.value_totals["trust"] == 4


# --- open encounters, pending steps, JSON ------------------------------------------------------


def answer(question_id: str, role: str | None, text: str) -> Answer:
    return Answer(question_id, "before", f"{question_id}?", "text", text, "test", role=role)


OPEN = [  # newest first, as the store lists them
    Encounter(
        id="e10",
        status="prepared",
        lang="en",
        created_at=at("2025-11-27 15:00"),
        domain="library",
        label="Library card renewal",
        answers=[
            answer("label", "label", "Library card renewal"),
            answer("aim", "intention", "Listen first"),
        ],
    ),
    Encounter(  # written before answers carried roles: found by the shipped question id
        id="e04",
        status="prepared",
        lang="en",
        created_at=at("2025-09-29 16:00"),
        domain="school",
        answers=[answer("intention", None, "  Explain the timetable change  ")],
    ),
]

STEPS = [
    NextStep("e09", at("2025-11-25 10:00"), "library", ["explain-why"], ["justice", "trust"],
             {"justice": 4, "trust": 5, "knowledge": 3}, "Send the rules link before the next visit"),
]  # fmt: skip


def test_open_encounters_oldest_first_with_intention_and_age(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue, open_encounters=OPEN, pending_steps=STEPS)
    assert insights.open_encounters == [
        # 29 Sep 16:00 to 5 Dec 12:00: 67 days less 4 hours = 66 whole days
        OpenItem("e04", at("2025-09-29 16:00"), None, "Explain the timetable change", 66),
        # 27 Nov 15:00 to 5 Dec 12:00: 8 days less 3 hours = 7 whole days
        OpenItem("e10", at("2025-11-27 15:00"), "Library card renewal", "Listen first", 7),
    ]
    assert insights.open_total == 2  # as many as passed
    assert insights.pending_steps == STEPS
    assert whole_journal(catalogue, open_encounters=OPEN[:1], open_total=40).open_total == 40


def test_json_round_trips(catalogue: Catalogue) -> None:
    insights = whole_journal(catalogue, open_encounters=OPEN, pending_steps=STEPS)
    figures = insights.to_json()
    assert json.loads(json.dumps(figures)) == figures
    assert figures["periods"] == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert figures["ratings"]["trust"][2] == {"period": "2025-11", "mean": 3.67, "n": 3}
    assert figures["practices"][0]["practice_id"] == "explain-why"
    assert figures["open_encounters"][0]["created_at"] == "2025-09-29T14:00:00.000000Z"
    assert figures["open_total"] == 2
    assert figures["pending_next_steps"][0]["next_step"] == "Send the rules link before the next visit"
    assert figures["suggestion"]["practice_id"] == "same-treatment"


def test_empty_journal_json_round_trips(catalogue: Catalogue) -> None:
    figures = compute([], catalogue, since=None, until=None, domain=None, now=NOW, tz=LOCAL).to_json()
    assert json.loads(json.dumps(figures)) == figures
    assert figures["total"] == 0


# --- gather: the same figures from a real journal ----------------------------------------------


def stored(
    encounter_id: str,
    when: str,
    status: str,
    domain: str,
    *,
    values: Sequence[str] = (),
    ratings: dict[str, int] | None = None,
    practices: Sequence[str] = (),
    answers: Sequence[Answer] = (),
) -> Encounter:
    return Encounter(
        id=encounter_id,
        status=status,
        lang="en",
        created_at=at(when),
        updated_at=at(when),
        domain=domain,
        practices=list(practices),
        values=list(values),
        ratings=dict(ratings or {}),
        answers=list(answers),
    )


def next_step(text_: str) -> Answer:
    return Answer("next-step", "after", "Next step?", "long_text", text_, "test", role="next_step")


def test_gather_reads_a_real_journal(catalogue: Catalogue, tmp_path: Path) -> None:
    encounters = [
        stored("a1", "2025-11-04 10:00", "reflected", "school", values=["trust", "knowledge"],
               ratings={"trust": 4, "knowledge": 2}, practices=["explain-why"],
               answers=[next_step("Phone the parents on Friday")]),
        stored("a2", "2025-11-12 09:00", "reflected", "school", values=["participation"],
               ratings={"participation": 5}, answers=[next_step("Ask the pupils first")]),
        stored("a3", "2025-11-13 09:00", "logged", "school", values=["trust"]),
        stored("a4", "2025-11-20 14:00", "prepared", "school", values=["justice"],
               answers=[answer("intention", "intention", "Keep it short")]),
        stored("b1", "2025-11-05 10:00", "reflected", "social", values=["safety"], ratings={"trust": 1},
               answers=[next_step("Not for school")]),
        stored("b2", "2025-11-21 10:00", "prepared", "social", values=["welfare"]),
        stored("a0", "2025-10-01 10:00", "reflected", "school", values=["equality"],
               answers=[next_step("Before the window")]),
    ]  # fmt: skip
    with Store.open(tmp_path / "journal.sqlite3") as store:
        for encounter in encounters:
            store.add(encounter)
        store.mark_followed_up("a2", "a3")
        flt = Filter(since=at("2025-11-03 00:00"), until=at("2025-12-01 00:00"), domain="school", limit=1)
        insights = gather(store, catalogue, flt, now=NOW, tz=LOCAL)

    assert insights.domain == "school"
    assert insights.periods == ["2025-W45", "2025-W46", "2025-W47", "2025-W48"]
    assert insights.total == 4  # a1 a2 a3 a4: school, in November; the filter's limit is ignored
    assert insights.by_status == {"prepared": 1, "reflected": 2, "logged": 1}
    assert insights.values["trust"] == [1, 1, 0, 0]  # W45 a1; W46 a3
    assert insights.values["justice"] == [0, 0, 1, 0]  # W47 a4
    assert insights.ratings["trust"][0] == RatingPoint("2025-W45", 4.0, 1)  # a1; b1 is social
    # a1 used explain-why: 4 + 2 = 6 over 2; without: a2's 5 over 1
    assert insights.practices == [PracticeFigures("explain-why", 1, 1, 3.0, 5.0, 2, 1)]
    assert [item.encounter_id for item in insights.open_encounters] == ["a4"]  # b2 is social
    assert insights.open_total == 1
    assert insights.open_encounters[0].intention == "Keep it short"
    assert insights.open_encounters[0].age_days == 14  # 20 Nov 14:00 to 5 Dec 12:00: 15 days less 2 hours
    # a2's step was followed up, b1 is social, a0 is before the window
    assert [(step.encounter_id, step.text) for step in insights.pending_steps] == [
        ("a1", "Phone the parents on Friday")
    ]
    # 60 days back from 5 Dec: a1 a2 a3 (a4 only prepared; a0 is outside the window given)
    assert insights.suggestion is not None
    assert insights.suggestion.window == 3
    assert insights.suggestion.practice_id == "same-treatment"  # equality untouched


def test_gather_lists_the_newest_open_encounters_and_counts_all(catalogue: Catalogue, tmp_path: Path) -> None:
    with Store.open(tmp_path / "journal.sqlite3") as store:
        for day in range(1, 13):  # twelve preparations, 1 to 12 November, never reflected on
            store.add(stored(f"p{day:02d}", f"2025-11-{day:02d} 08:00", "prepared", "school"))
        insights = gather(store, catalogue, Filter(), now=NOW, tz=LOCAL)
    assert insights.open_total == 12
    # the newest ten (3 to 12 Nov), oldest first
    assert [item.encounter_id for item in insights.open_encounters] == [f"p{day:02d}" for day in range(3, 13)]
    assert insights.total == 12
    assert insights.suggestion is not None
    assert insights.suggestion.window == 0  # preparations are plans, not what happened
