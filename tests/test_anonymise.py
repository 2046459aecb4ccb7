"""Anonymised research exports: pseudonyms, coarsened dates, k-anonymity, scrubbed text, the about.

Entries are written to a real journal with Store.add; every name and identifier is synthetic.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import inspect
import json
import random
import socket
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.errors import UsageError
from encounters_cli.export import about
from encounters_cli.export.anonymise import (
    Anonymiser,
    AnonymiseSettings,
    participant_id,
    record_id,
)
from encounters_cli.export.kanon import (
    PRECISIONS,
    Cell,
    period_date,
    period_of,
    plan_cells,
    precision_of,
)
from encounters_cli.privacy import Scrubber
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Facts, Filter

KEY = "study-key-for-tests"
OTHER_KEY = "another-study-key"
SECRET = bytes(range(32))
T0 = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu(born: date, sign: str, individual: int) -> str:
    """A checksum-valid identity code; 900-999 are temporary numbers, never given to anyone for life."""
    digits = born.strftime("%d%m%y")
    return f"{digits}{sign}{individual:03d}{HETU_CHECK[int(digits + f'{individual:03d}') % 31]}"


SYNTHETIC_HETU = hetu(date(1985, 4, 2), "-", 923)
SYNTHETIC_IBAN = "FI21 1234 5600 0007 85"
SYNTHETIC_EMAIL = "veera.testinen@example.org"
SYNTHETIC_PHONE = "040 123 4567"
SYNTHETIC_NAME = "Veera Testinen"


def make(
    *,
    created_at: datetime = T0,
    domain: str | None = "library",
    practices: list[str] | None = None,
    lang: str = "en",
    private: bool = False,
    label: str | None = "a synthetic encounter",
    answers: list[Answer] | None = None,
    status: str = "reflected",
) -> Encounter:
    return Encounter(
        id=Store.new_id(),
        status=status,
        lang=lang,
        created_at=created_at,
        updated_at=created_at + timedelta(hours=1),
        domain=domain,
        practices=practices if practices is not None else ["explain-the-why"],
        values=["trust"],
        ratings={"trust": 4},
        label=label,
        private=private,
        answers=answers if answers is not None else [],
    )


def text_answer(question_id: str, text: Any, question_type: str = "long_text") -> Answer:
    return Answer(question_id, "after", f"Question {question_id}?", question_type, text, "cat-test", T0)


def facts_of(encounter: Encounter) -> Facts:
    return Facts(
        encounter.id,
        encounter.created_at,
        encounter.status,
        encounter.domain,
        list(encounter.practices),
        list(encounter.values),
        dict(encounter.ratings),
        encounter.lang,
        encounter.private,
        encounter.workshop,
    )


def run(anonymiser: Anonymiser, encounters: list[Encounter]) -> list[dict[str, Any]]:
    anonymiser.plan(facts_of(encounter) for encounter in encounters)
    return [record for encounter in encounters if (record := anonymiser.transform(encounter))]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "journal" / "journal.sqlite3") as opened:
        yield opened


def export_store(store: Store, settings: AnonymiseSettings, names: list[str] | None = None) -> Anonymiser:
    anonymiser = Anonymiser(settings, store.participant_secret(), names or [])
    anonymiser.plan(store.iter_facts(Filter()))
    anonymiser.records = [  # type: ignore[attr-defined]
        record for encounter in store.iter_encounters(Filter()) if (record := anonymiser.transform(encounter))
    ]
    return anonymiser


# --- pseudonyms ---------------------------------------------------------------------------------


def test_participant_id_is_the_keyed_hash_of_the_secret() -> None:
    expected = "P-" + hmac.new(KEY.encode(), SECRET, hashlib.sha256).hexdigest()[:12]
    assert participant_id(KEY, SECRET) == expected
    assert participant_id(KEY, SECRET) == participant_id(KEY, bytes(range(32)))
    assert participant_id(OTHER_KEY, SECRET) != expected
    assert participant_id(KEY, bytes(32)) != expected


def test_record_id_is_the_keyed_hash_of_secret_and_entry_id() -> None:
    entry = "0123456789abcdef0123456789abcdef"
    expected = hmac.new(KEY.encode(), SECRET + entry.encode(), hashlib.sha256).hexdigest()[:16]
    assert record_id(KEY, SECRET, entry) == expected
    assert record_id(OTHER_KEY, SECRET, entry) != expected


def test_same_key_same_pseudonyms_other_key_unlinkable(store: Store) -> None:
    for n in range(5):
        store.add(make(created_at=T0 + timedelta(hours=n)))
    first = export_store(store, AnonymiseSettings(KEY)).records  # type: ignore[attr-defined]
    again = export_store(store, AnonymiseSettings(KEY)).records  # type: ignore[attr-defined]
    other = export_store(store, AnonymiseSettings(OTHER_KEY)).records  # type: ignore[attr-defined]
    assert [r["id"] for r in first] == [r["id"] for r in again]
    assert {r["participant"] for r in first} == {participant_id(KEY, store.participant_secret())}
    assert not {r["id"] for r in first} & {r["id"] for r in other}
    assert {r["participant"] for r in first}.isdisjoint({r["participant"] for r in other})
    raw_ids = {encounter.id for encounter in store.iter_encounters(Filter())}
    text = json.dumps(first + other)
    assert not any(raw in text or raw[:8] in text for raw in raw_ids)


def test_record_has_the_shared_shape_and_nothing_more(store: Store) -> None:
    store.add(make(answers=[text_answer("what", "We read the form together.")]))
    settings = AnonymiseSettings(KEY, k=1)
    (record,) = export_store(store, settings).records  # type: ignore[attr-defined]
    assert set(record) == {
        "id",
        "participant",
        "status",
        "period",
        "date_precision",
        "domain",
        "lang",
        "practices",
        "values",
        "ratings",
        "label",
        "workshop",
        "workshop_step",
        "answers",
    }
    assert set(record["answers"][0]) == {
        "question_id",
        "phase",
        "question",
        "question_type",
        "role",
        "answer",
        "catalogue_version",
    }
    assert record["period"] == "2026-03"
    assert record["date_precision"] == "month"


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            date(2026, 3, 14),
            {"day": "2026-03-14", "week": "2026-W11", "month": "2026-03", "quarter": "2026-Q1"},
        ),
        (
            date(2026, 12, 31),
            {"day": "2026-12-31", "week": "2026-W53", "month": "2026-12", "quarter": "2026-Q4"},
        ),
        (
            date(2027, 1, 1),
            {"day": "2027-01-01", "week": "2026-W53", "month": "2027-01", "quarter": "2027-Q1"},
        ),
        (
            date(2024, 12, 30),
            {"day": "2024-12-30", "week": "2025-W01", "month": "2024-12", "quarter": "2024-Q4"},
        ),
        (
            date(2021, 1, 3),
            {"day": "2021-01-03", "week": "2020-W53", "month": "2021-01", "quarter": "2021-Q1"},
        ),
        (
            date(2026, 7, 1),
            {"day": "2026-07-01", "week": "2026-W27", "month": "2026-07", "quarter": "2026-Q3"},
        ),
    ],
)
def test_periods_for_every_precision(day: date, expected: dict[str, str]) -> None:
    assert {precision: period_of(day, precision) for precision in PRECISIONS} == expected
    for precision, period in expected.items():
        assert precision_of(period) == precision
        assert period_of(period_date(period, precision), precision) == period


def test_a_week_is_coarsened_to_the_month_of_its_thursday() -> None:
    # 2026-W14 runs from Monday 30 March to Sunday 5 April; its Thursday is 2 April
    assert period_date("2026-W14", "week") == date(2026, 4, 2)
    assert period_date("2026-W53", "week") == date(2026, 12, 31)


@pytest.mark.parametrize("precision", PRECISIONS)
def test_records_hold_the_period_and_no_time(store: Store, precision: str) -> None:
    moment = datetime(2026, 12, 31, 23, 59, 58, tzinfo=timezone.utc)
    store.add(make(created_at=moment, answers=[text_answer("what", "Synthetic text.")]))
    (record,) = export_store(store, AnonymiseSettings(KEY, precision, k=1)).records  # type: ignore[attr-defined]
    assert record["period"] == period_of(date(2026, 12, 31), precision)
    assert record["date_precision"] == precision
    text = json.dumps(record)
    for leaked in ("23:59", "T23", "created_at", "updated_at", "answered_at", "private", "2026-12-31T"):
        assert leaked not in text


def test_settings_are_checked() -> None:
    with pytest.raises(UsageError, match="date precision"):
        AnonymiseSettings(KEY, "year")
    with pytest.raises(UsageError, match="at least 1"):
        AnonymiseSettings(KEY, k=0)
    with pytest.raises(UsageError, match="study key"):
        AnonymiseSettings("")


# --- k-anonymity --------------------------------------------------------------------------------


def test_k_anonymity_generalises_then_suppresses_and_counts() -> None:
    march, april, may, july = (datetime(2026, m, 10, 12, tzinfo=timezone.utc) for m in (3, 1, 2, 7))
    encounters = (
        [make(created_at=march + timedelta(hours=n)) for n in range(5)]  # a group of 5: kept at month
        # 3 + 2 in Q1 months of their own at the school: together at quarter level
        + [make(created_at=april, domain="school") for _ in range(3)]
        + [make(created_at=may, domain="school") for _ in range(2)]
        # Q3: 3 at the library, 2 at the clinic: only together, under domain "other"
        + [make(created_at=july, domain="library", practices=["listen-to-the-end"]) for _ in range(3)]
        + [make(created_at=july, domain="health-care", practices=["listen-to-the-end"]) for _ in range(2)]
        # alone in every way: left out
        + [make(created_at=july, domain="school", lang="fi", practices=[])]
    )
    anonymiser = Anonymiser(AnonymiseSettings(KEY, "month", k=5), SECRET)
    records = run(anonymiser, encounters)
    cells = sorted((r["domain"], r["period"], r["date_precision"]) for r in records)
    assert cells == sorted(
        [("library", "2026-03", "month")] * 5
        + [("school", "2026-Q1", "quarter")] * 5
        + [("other", "2026-Q3", "quarter")] * 5
    )
    report = anonymiser.report
    assert report.suppressed == 1
    assert report.exported == 15
    assert report.generalised == {"domain->other": 5, "month->quarter": 10}
    assert report.generalised_records == 10
    assert report.to_json()["suppressed"] == 1


def test_workshop_exercises_are_exempt_from_k_anonymity_but_still_scrubbed() -> None:
    day = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
    exercises = [make(created_at=day, label=f"role play with {SYNTHETIC_NAME}") for _ in range(3)]
    for step, encounter in zip(("choose", "ask", "ask-2"), exercises, strict=True):
        encounter.workshop, encounter.workshop_step = "library-huddle", step
    alone = make(created_at=day)  # the same fields outside a workshop: a group of one
    anonymiser = Anonymiser(AnonymiseSettings(KEY, "day", k=5), SECRET)
    records = run(anonymiser, [*exercises, alone])
    assert [r["workshop_step"] for r in records] == ["choose", "ask", "ask-2"]
    assert {(r["period"], r["date_precision"]) for r in records} == {("2026-03-10", "day")}
    assert all(SYNTHETIC_NAME not in r["label"] for r in records)
    assert anonymiser.report.suppressed == 1
    assert anonymiser.report.generalised == {}


def test_k_anonymity_from_day_climbs_one_level_at_a_time() -> None:
    # five entries on five days of ISO week 11 (9-15 March 2026): no day has five, the week has
    week = [make(created_at=datetime(2026, 3, 9 + n, 10, tzinfo=timezone.utc)) for n in range(5)]
    anonymiser = Anonymiser(AnonymiseSettings(KEY, "day", k=5), SECRET)
    records = run(anonymiser, week)
    assert {r["period"] for r in records} == {"2026-W11"}
    assert {r["date_precision"] for r in records} == {"week"}
    assert anonymiser.report.generalised == {"day->week": 5}


def test_groups_are_split_by_language_and_practice_set() -> None:
    same = [make(created_at=T0 + timedelta(days=n), practices=["a", "b"]) for n in range(4)]
    reordered = [make(created_at=T0, practices=["b", "a", "a"])]  # the same set
    finnish = [make(created_at=T0, lang="fi", practices=["a", "b"])]
    anonymiser = Anonymiser(AnonymiseSettings(KEY, "month", k=5), SECRET)
    records = run(anonymiser, same + reordered + finnish)
    assert len(records) == 5
    assert {r["lang"] for r in records} == {"en"}
    assert anonymiser.report.suppressed == 1


def test_plan_does_not_depend_on_order() -> None:
    rng = random.Random(7)
    domains = ["library", "school", "health-care"]
    encounters = [
        make(
            created_at=T0 + timedelta(days=rng.randrange(200)),
            domain=rng.choice(domains),
            practices=rng.sample(["a", "b", "c"], rng.randrange(2)),
        )
        for _ in range(300)
    ]
    first = Anonymiser(AnonymiseSettings(KEY, "week", k=4), SECRET)
    records = {r["id"]: r for r in run(first, encounters)}
    shuffled = encounters[:]
    rng.shuffle(shuffled)
    second = Anonymiser(AnonymiseSettings(KEY, "week", k=4), SECRET)
    again = {r["id"]: r for r in run(second, shuffled)}
    assert records == again
    assert first.report.to_json() == second.report.to_json()
    # and every released group has at least k records
    groups: dict[tuple[Any, ...], int] = {}
    for r in records.values():
        key = (r["domain"], r["period"], r["lang"], tuple(sorted(r["practices"])))
        groups[key] = groups.get(key, 0) + 1
    assert min(groups.values()) >= 4
    assert len(records) + first.report.suppressed == len(encounters)


def test_plan_cells_merges_small_other_groups_with_kept_ones() -> None:
    # four records already "other" at quarter level are kept with k=4; one more "school" one joins them
    kept = Cell("other", "2026-Q1", "quarter", "en", ())
    lone = Cell("school", "2026-Q1", "quarter", "en", ())
    plan = plan_cells({kept: 4, lone: 1}, lambda unit: unit, lambda unit, cell, precision: cell, 4)
    assert plan.cells == {kept: kept, lone: kept}
    assert plan.generalised == {"domain->other": 1}
    assert plan.suppressed == 0


def test_an_entry_written_after_the_plan_is_left_out() -> None:
    anonymiser = Anonymiser(AnonymiseSettings(KEY, k=1), SECRET)
    anonymiser.plan([facts_of(make())])
    assert anonymiser.transform(make(created_at=datetime(2020, 1, 1, tzinfo=timezone.utc))) is None
    assert anonymiser.report.suppressed == 1


def test_transform_needs_a_plan() -> None:
    with pytest.raises(RuntimeError, match="plan"):
        Anonymiser(AnonymiseSettings(KEY), SECRET).transform(make())


# --- what is left out and what is scrubbed ------------------------------------------------------


def test_private_entries_are_left_out_and_counted(store: Store) -> None:
    for n in range(3):
        store.add(make(created_at=T0 + timedelta(hours=n), label=f"open entry {n}"))
    for n in range(2):
        store.add(make(created_at=T0 + timedelta(hours=n), label=f"private entry {n}", private=True))
    anonymiser = export_store(store, AnonymiseSettings(KEY, k=1))
    records = anonymiser.records  # type: ignore[attr-defined]
    assert sorted(r["label"] for r in records) == ["open entry 0", "open entry 1", "open entry 2"]
    assert anonymiser.report.private_left_out == 2
    assert anonymiser.report.exported == 3
    # a private entry does not count towards anyone's group either
    assert "private entry" not in json.dumps(records)


def test_placeholders_are_consistent_across_entries() -> None:
    encounters = [
        make(label=f"Call {SYNTHETIC_PHONE}", answers=[text_answer("what", f"Mail to {SYNTHETIC_EMAIL}.")]),
        make(
            label="follow-up", answers=[text_answer("what", f"{SYNTHETIC_EMAIL} again, not dana@example.org")]
        ),
        make(label=f"again {SYNTHETIC_PHONE}", answers=[text_answer("what", "nothing here")]),
    ]
    anonymiser = Anonymiser(AnonymiseSettings(KEY, k=1), SECRET)
    first, second, third = run(anonymiser, encounters)
    assert first["label"] == "Call [PHONE-1]"
    assert first["answers"][0]["answer"] == "Mail to [EMAIL-1]."
    assert second["answers"][0]["answer"] == "[EMAIL-1] again, not [EMAIL-2]"
    assert third["label"] == "again [PHONE-1]"
    assert anonymiser.report.counts == {"EMAIL": 2, "PHONE": 1}
    assert anonymiser.report.replaced == {"EMAIL": 3, "PHONE": 2}
    assert anonymiser.report.examples
    assert all(SYNTHETIC_EMAIL not in example for example in anonymiser.report.examples)


def test_choice_ids_numbers_and_booleans_stay_free_text_in_them_is_scrubbed() -> None:
    answers = [
        Answer("lifeline", "before", "Which lifeline?", "choice", "trust", "cat-test", T0),
        Answer("values", "after", "Which values?", "multi_choice", ["trust", "justice"], "cat-test", T0),
        Answer("rating-trust", "after", "Trust?", "scale", 4, "cat-test", T0),
        Answer("x.asked", "after", "Did you ask?", "yes_no", True, "cat-test", T0),
        Answer("other", "after", "Other?", "choice", f"other: call {SYNTHETIC_PHONE}", "cat-test", T0),
        Answer("list", "after", "Notes", "long_text", [f"mail {SYNTHETIC_EMAIL}", "plain"], "cat-test", T0),
        Answer("skipped", "after", "Skipped?", "long_text", None, "cat-test", T0),
    ]
    (record,) = run(Anonymiser(AnonymiseSettings(KEY, k=1), SECRET), [make(answers=answers)])
    got = [answer["answer"] for answer in record["answers"]]
    assert got == [
        "trust",
        ["trust", "justice"],
        4,
        True,
        "other: call [PHONE-1]",
        ["mail [EMAIL-1]", "plain"],
        None,
    ]


def _scrubber_takes_names() -> bool:
    return "names" in inspect.signature(Scrubber).parameters


def test_nothing_original_appears_anywhere_in_the_output(store: Store, tmp_path: Path) -> None:
    identifying = (
        f"{SYNTHETIC_NAME} ({SYNTHETIC_HETU}) gave {SYNTHETIC_PHONE}, {SYNTHETIC_EMAIL}"
        f" and her account {SYNTHETIC_IBAN}."
    )
    for n in range(6):
        store.add(
            make(
                created_at=T0 + timedelta(days=n, minutes=7 * n),
                label=f"met {SYNTHETIC_EMAIL}",
                answers=[
                    text_answer("what", identifying),
                    text_answer("next-step", f"ring {SYNTHETIC_PHONE}"),
                ],
            )
        )
    store.add(make(label=f"private {SYNTHETIC_NAME}", private=True))
    settings = AnonymiseSettings(KEY, "day", k=2)
    anonymiser = export_store(store, settings, names=[SYNTHETIC_NAME])
    catalogue = load_catalogue()
    description = about.describe(
        catalogue, anonymised=True, settings=settings, report=anonymiser.report, lang="en"
    )
    output = json.dumps({"about": description, "encounters": anonymiser.records}, ensure_ascii=False)  # type: ignore[attr-defined]

    originals = [
        SYNTHETIC_HETU,
        SYNTHETIC_PHONE,
        SYNTHETIC_EMAIL,
        SYNTHETIC_IBAN,
        SYNTHETIC_IBAN.replace(" ", ""),
    ]
    if _scrubber_takes_names():
        originals.append(SYNTHETIC_NAME)
    originals += [encounter.id for encounter in store.iter_encounters(Filter())]
    originals += [KEY, store.participant_secret().hex(), str(Path.home()), str(tmp_path), str(store.path)]
    originals += [socket.gethostname(), "T09:", "09:15", ":07:"]
    user = getpass.getuser()
    if len(user) >= 4 and user not in json.dumps(about.codebook(catalogue)):
        originals.append(user)
    for original in originals:
        assert original not in output, original
    assert description["counts"]["identifiers"]["HETU"] == 1
    assert description["counts"]["identifiers"]["IBAN"] == 1
    assert description["counts"]["private_left_out"] == 1
    assert description["exported_at"] == datetime.now(timezone.utc).strftime("%Y-%m")


def test_names_are_scrubbed_when_the_recognisers_take_them() -> None:
    if not _scrubber_takes_names():
        pytest.skip("the privacy recognisers do not take a names list yet")
    (record,) = run(
        Anonymiser(AnonymiseSettings(KEY, k=1), SECRET, names=["Oskari Kuvitelma"]),
        [make(label="with Oskari Kuvitelma", answers=[text_answer("what", "Oskari Kuvitelma asked twice.")])],
    )
    assert "Oskari" not in json.dumps(record)
    assert record["label"].startswith("with [")


# --- the data description -----------------------------------------------------------------------


def test_study_key_check_is_a_keyed_hash_not_the_key() -> None:
    expected = hmac.new(KEY.encode(), b"encounters-study-check", hashlib.sha256).hexdigest()[:16]
    assert about.study_key_check(KEY) == expected
    assert about.study_key_check(OTHER_KEY) != expected


def test_description_of_an_anonymised_export() -> None:
    catalogue = load_catalogue()
    settings = AnonymiseSettings(KEY, "week", k=3)
    anonymiser = Anonymiser(settings, SECRET)
    run(anonymiser, [make() for _ in range(3)])
    description = about.describe(
        catalogue, anonymised=True, settings=settings, report=anonymiser.report, lang="fi"
    )
    assert description["anonymised"] is True
    assert description["settings"] == {
        "date_precision": "week",
        "k": 3,
        "study_key_check": about.study_key_check(KEY),
        "recognised": description["settings"]["recognised"],
    }
    assert "PHONE" in description["settings"]["recognised"]
    assert "pseudonymisoitua" in description["statement"].lower()
    assert "pseudonymised" in description["statements"]["en"].lower()
    assert "GDPR" in description["statements"]["en"]
    assert description["counts"]["exported"] == 3
    assert description["catalogue_version"] == catalogue.version
    assert description["tool"]["name"] == "encounters"
    book = description["codebook"]
    kinds = {value["id"]: value["kind"] for value in book["values"]}
    assert kinds["equality"] == "cornerstone"
    assert kinds["trust"] == "lifeline"
    assert all(set(value["names"]) == {"en", "fi"} for value in book["values"])
    practice = next(p for p in book["practices"] if p["id"] == "explain-the-why")
    assert practice["values"]
    assert set(practice["names"]) == {"en", "fi"}
    questions = {(q["set"], q["id"]): q for q in book["questions"]}
    assert questions[("reflect", "values")]["options"]
    assert {o["id"] for o in questions[("reflect", "values")]["options"]} == set(kinds)
    assert questions[("reflect", "rating-trust")]["scale"]["min"] == 1
    assert any(q["set"] == "practice" and q["id"].startswith("explain-the-why.") for q in book["questions"])
    names = {variable["name"] for variable in description["variables"]}
    assert {"id", "participant", "period", "date_precision", "answers[].answer"} <= names
    assert "created_at" not in names
    assert all(variable["description"] for variable in description["variables"])


def test_description_of_a_plain_export() -> None:
    description = about.describe(
        load_catalogue(), anonymised=False, settings=None, report=None, lang="en", exported=4
    )
    assert description["anonymised"] is False
    assert description["settings"] is None
    assert description["counts"] == {"exported": 4}
    assert "Not anonymised" in description["statement"]
    assert "T" in description["exported_at"]
    assert {"created_at", "private", "answers[].answered_at"} <= {v["name"] for v in description["variables"]}
