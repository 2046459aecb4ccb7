"""The fast paths exports take, against the slow ones they replace: same records, same bytes.

``Store.iter_record_texts`` (records as JSON text built by SQLite) and ``Store.iter_records`` (plain
dicts from the rows) against ``json.dumps(e.to_json())`` and ``e.to_json()`` over ``iter_encounters``;
``Store.answered_ids`` against the ids a pass over the entries collects; ``transform_record`` against
``transform``; the tidy CSV's own quoting against the csv module; the faster ``to_iso`` against
strftime. All data is synthetic.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.errors import JournalError
from encounters_cli.export import ExportJob, exporter
from encounters_cli.export.anonymise import Anonymiser, AnonymiseSettings
from encounters_cli.export.run import ExportRequest, preview, run_export
from encounters_cli.storage import crypto
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter, to_iso

T0 = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)
PASSPHRASE = "correct horse battery"
# Quotes, backslashes, every kind of line break, control characters, Finnish letters, emoji.
TRICKY = (
    'Veera Testinen sanoi: "älä huoli" \\ C:\\temp\n\r\t\b\f\x00\x01\x1f\x7f \u2028\u2029\x85 🙂👩‍👩‍👧 ÄÖÅ'
)


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.TEST_SCRYPT_N_ENV, "1024")


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "j" / "journal.sqlite3"


def answer(question_id: str, value: object, *, phase: str = "after", role: str | None = None) -> Answer:
    return Answer(question_id, phase, f"Mitä {question_id}?", "text", value, "2026.1", T0, role)


def tricky_encounters() -> list[Encounter]:
    """One entry per awkward case; together every field with each kind of value."""
    return [
        Encounter(
            id=Store.new_id(),
            status="reflected",
            lang="fi",
            created_at=T0,
            updated_at=T0 + timedelta(microseconds=1),
            domain="social-services",
            practices=["name-the-process", "ask-before-advising", "name-the-process"],
            values=["trust", "equality", "participation"],
            ratings={"trust": 4, "equality": 2, "participation": 5},
            label=TRICKY,
            private=True,
            answers=[
                answer("what", TRICKY, role="intention"),
                answer("lifelines", ["trust", TRICKY, ""], phase="before"),
                answer("none", None),
                answer("empty-text", ""),
                answer("empty-list", []),
                answer("scale", 3),
                answer("big", 2**70),
                answer("negative", -5),
                answer("yes", True),
                answer("no", False),
                answer("what", "asked twice"),
            ],
        ),
        Encounter(id=Store.new_id(), status="prepared", lang="en", created_at=T0 + timedelta(hours=1)),
        Encounter(
            id=Store.new_id(),
            status="logged",
            lang="en",
            created_at=T0 + timedelta(hours=1),  # the same moment as the one before: the seq breaks the tie
            domain=None,
            label=None,
            workshop="ws-dialogue-basics",
            workshop_step="warm-up",
            answers=[answer(TRICKY, TRICKY, phase="quick")],
        ),
        Encounter(
            id=Store.new_id(),
            status="logged",
            lang="sv",
            created_at=T0 - timedelta(days=400, microseconds=7),
            label="",
            domain=TRICKY,
            practices=[TRICKY],
            values=[TRICKY, "trust"],
            ratings={TRICKY: 1, "trust": 3},
            workshop=TRICKY,
            workshop_step=TRICKY,
        ),
    ]


def slow_texts(store: Store, flt: Filter) -> list[str]:
    return [json.dumps(encounter.to_json(), ensure_ascii=False) for encounter in store.iter_encounters(flt)]


def slow_records(store: Store, flt: Filter) -> list[dict[str, Any]]:
    return [encounter.to_json() for encounter in store.iter_encounters(flt)]


# -- Store.iter_record_texts ------------------------------------------------------------------


def test_record_texts_are_exactly_what_json_dumps_writes(journal: Path) -> None:
    with Store.open(journal) as store:
        originals = tricky_encounters()
        for encounter in originals:
            store.add(encounter)
        texts = list(store.iter_record_texts(Filter()))
        assert texts == slow_texts(store, Filter())
        assert list(store.iter_record_bytes(Filter(), batch=3)) == [text.encode() for text in texts]
        records = list(store.iter_records(Filter()))
        assert records == slow_records(store, Filter())
        assert [json.dumps(record, ensure_ascii=False) for record in records] == texts  # keys in order too
        by_id = {encounter.id: encounter for encounter in originals}
        for text in texts:
            record = json.loads(text)
            original = by_id[record["id"]].to_json()
            original["values"] = list(dict.fromkeys(original["values"]))  # a value tagged twice is kept once
            original["ratings"] = dict(sorted(original["ratings"].items()))
            assert record == original
        assert [json.loads(text)["id"] for text in texts] == [e.id for e in store.iter_encounters(Filter())]


@pytest.mark.parametrize(
    "flt",
    [
        Filter(),
        Filter(limit=1),
        Filter(limit=3),
        Filter(limit=0),
        Filter(statuses=["logged"]),
        Filter(statuses=["logged", "prepared"]),
        Filter(domain="social-services"),
        Filter(practice="name-the-process"),
        Filter(values=["trust"]),
        Filter(workshop="ws-dialogue-basics"),
        Filter(since=T0, until=T0 + timedelta(hours=2)),
    ],
)
def test_record_texts_select_and_order_as_iter_encounters(journal: Path, flt: Filter) -> None:
    with Store.open(journal) as store:
        for encounter in tricky_encounters():
            store.add(encounter)
        for n in range(9):  # pages that end mid-selection, and entries sharing a moment
            store.add(
                Encounter(
                    id=Store.new_id(), status="logged", lang="en", created_at=T0 + timedelta(hours=n // 2)
                )
            )
        expected = slow_texts(store, flt)
        for batch in (1, 2, 3, 500):
            assert list(store.iter_record_texts(flt, batch=batch)) == expected
            assert [
                json.dumps(r, ensure_ascii=False) for r in store.iter_records(flt, batch=batch)
            ] == expected


def test_record_texts_of_an_encrypted_journal_take_the_long_way(journal: Path) -> None:
    with Store.open(journal) as store:
        for encounter in tricky_encounters():
            store.add(encounter)
        plain = list(store.iter_record_texts(Filter()))
        store.encrypt(PASSPHRASE)
    with Store.open(journal, passphrase=lambda: PASSPHRASE) as store:
        assert store.encrypted
        assert list(store.iter_record_texts(Filter(), batch=2)) == plain
        assert list(store.iter_record_bytes(Filter(), batch=2)) == [text.encode() for text in plain]
        assert list(store.iter_records(Filter(), batch=3)) == [json.loads(text) for text in plain]


def store_with_answer(journal: Path, stored: str) -> Store:
    """A journal with one entry whose one answer is stored as the text ``stored``, written behind the
    Store's back; opened."""
    with Store.open(journal) as store:
        store.add(Encounter(id=Store.new_id(), status="logged", lang="en", answers=[answer("what", "x")]))
    connection = sqlite3.connect(str(journal), isolation_level=None)
    connection.execute("UPDATE answers SET answer = ?", (stored,))
    connection.close()
    return Store.open(journal)


@pytest.mark.parametrize(
    "stored",
    ['"plain"', '"esc\\"aped\\n"', "3", "-0", "1.5e300", "NaN", "null", "true", "[]", '["a", 1]', " 7", "8 "],
)
def test_records_read_any_answer_text_as_json_loads_does(journal: Path, stored: str) -> None:
    with store_with_answer(journal, stored) as store:
        (record,) = store.iter_records(Filter())
        assert json.dumps(record["answers"][0]["answer"]) == json.dumps(json.loads(stored))
        assert record == slow_records(store, Filter())[0]


@pytest.mark.parametrize("stored", ['"open', "[1] 2", "", "{", "'single'"])
def test_records_refuse_a_damaged_answer_as_json_loads_does(journal: Path, stored: str) -> None:
    with store_with_answer(journal, stored) as store, pytest.raises(json.JSONDecodeError):
        list(store.iter_records(Filter()))


@pytest.mark.parametrize("method", ["iter_record_texts", "iter_record_bytes", "iter_records"])
def test_records_stop_when_the_journal_is_encrypted_meanwhile(journal: Path, method: str) -> None:
    with Store.open(journal) as store:
        for n in range(5):
            answers = [answer("what", f"answer {n}")] if n % 2 else []
            store.add(
                Encounter(id=Store.new_id(), status="logged", lang="en", label=f"entry {n}", answers=answers)
            )
        records = getattr(store, method)(Filter(), batch=2)
        first = next(records)
        assert (json.loads(first) if isinstance(first, (str, bytes)) else first)["label"].startswith("entry")
        with Store.open(journal) as other:
            other.encrypt(PASSPHRASE)
        with pytest.raises(JournalError, match="run it again"):
            list(records)  # the next page holds sealed text: never copied out as if it were the entry's


@pytest.mark.parametrize("method", ["iter_record_texts", "iter_record_bytes", "iter_records"])
def test_records_reject_an_empty_page(method: str) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "j.sqlite3") as store,
        pytest.raises(ValueError, match="batch"),
    ):
        next(getattr(store, method)(Filter(), batch=0))


# Text as it can be stored: anything but lone surrogates (UTF-8 cannot hold them).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    _TEXT,
    st.lists(_TEXT, max_size=4),
)
_MOMENT = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


@st.composite
def encounters(draw: st.DrawFn) -> Encounter:
    return Encounter(
        id=Store.new_id(),
        status=draw(st.sampled_from(["prepared", "reflected", "logged"])),
        lang=draw(_TEXT),
        created_at=draw(_MOMENT),
        updated_at=draw(_MOMENT),
        domain=draw(st.none() | _TEXT),
        practices=draw(st.lists(_TEXT, max_size=3)),
        values=draw(st.lists(_TEXT, max_size=3)),
        ratings=draw(st.dictionaries(_TEXT, st.integers(1, 5), max_size=3)),
        label=draw(st.none() | _TEXT),
        private=draw(st.booleans()),
        workshop=draw(st.none() | _TEXT),
        workshop_step=draw(st.none() | _TEXT),
        answers=[
            Answer(
                draw(_TEXT),
                draw(st.sampled_from(["before", "after", "quick"])),
                draw(_TEXT),
                draw(_TEXT),
                draw(_VALUE),
                draw(_TEXT),
                draw(_MOMENT),
                draw(st.none() | _TEXT),
            )
            for _ in range(draw(st.integers(0, 4)))
        ],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(encounters(), min_size=1, max_size=4))
def test_record_texts_equal_to_json_for_any_content(entries: list[Encounter]) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "j.sqlite3") as store:
        for encounter in entries:
            store.add(encounter)
        texts = list(store.iter_record_texts(Filter(), batch=2))
        assert texts == slow_texts(store, Filter())
        assert [json.dumps(r, ensure_ascii=False) for r in store.iter_records(Filter(), batch=3)] == texts
        by_id = {encounter.id: encounter.to_json() for encounter in entries}
        for text in texts:
            record = json.loads(text)
            original = by_id[record["id"]]
            assert record == {
                **original,
                "values": list(dict.fromkeys(original["values"])),
                "ratings": dict(sorted(original["ratings"].items())),
            }


# -- Store.answered_ids -----------------------------------------------------------------------


def collected_ids(store: Store, flt: Filter, skip_private: bool) -> tuple[list[str], list[str]]:
    """What a pass over the entries collects: the first-pass columns of the wide CSV before."""
    questions: dict[str, None] = {}
    ratings: dict[str, None] = {}
    for encounter in store.iter_encounters(flt):
        if skip_private and encounter.private:
            continue
        questions.update(dict.fromkeys(answer.question_id for answer in encounter.answers))
        ratings.update(dict.fromkeys(encounter.ratings))
    return list(questions), list(ratings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(encounters(), max_size=6), st.none() | st.integers(0, 7), st.booleans())
def test_answered_ids_in_the_order_a_pass_finds_them(
    entries: list[Encounter], limit: int | None, skip_private: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "j.sqlite3") as store:
        for encounter in entries:
            store.add(encounter)
        flt = Filter(limit=limit)
        assert store.answered_ids(flt, skip_private=skip_private) == collected_ids(store, flt, skip_private)


def test_answered_ids_follow_the_filter(journal: Path) -> None:
    with Store.open(journal) as store:
        for encounter in tricky_encounters():
            store.add(encounter)
        for flt in (Filter(), Filter(statuses=["logged"]), Filter(limit=1), Filter(workshop="none")):
            for skip in (False, True):
                assert store.answered_ids(flt, skip_private=skip) == collected_ids(store, flt, skip)


# -- to_iso -----------------------------------------------------------------------------------


def strftime_iso(moment: datetime) -> str:
    """to_iso as it was: UTC, microseconds, 'Z'."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@given(st.datetimes(timezones=st.timezones()))
def test_to_iso_writes_what_strftime_wrote(moment: datetime) -> None:
    try:
        expected = strftime_iso(moment)
    except OverflowError:  # outside the years a UTC datetime can hold: both refuse
        with pytest.raises(OverflowError):
            to_iso(moment)
        return
    assert to_iso(moment) == expected


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc),  # no microseconds: still six digits
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),  # next year in UTC
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),  # previous year in UTC
        datetime(999, 5, 1, 12, tzinfo=timezone.utc),  # a year of three digits
        datetime(1, 1, 1, 12, tzinfo=timezone.utc),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
        datetime(2026, 3, 29, 1, 30),  # naive: local time, as astimezone reads it
    ],
)
def test_to_iso_edge_cases(moment: datetime) -> None:
    assert to_iso(moment) == strftime_iso(moment)


# -- the export pipeline on record texts ------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def exportable() -> list[Encounter]:
    """The tricky entries, rated only on values the catalogue has (the CSV has a column for those)."""
    entries = tricky_encounters()
    for encounter in entries:
        encounter.ratings = {value: score for value, score in encounter.ratings.items() if value == "trust"}
        encounter.private = False
    entries.append(
        Encounter(
            id=Store.new_id(),
            status="reflected",
            lang="en",
            created_at=T0 + timedelta(days=3),
            label="one line\nand another",  # a line break and nothing else a CSV would quote
            answers=[
                answer("what", "first line\nsecond line"),
                answer("crlf", "a\r\nb"),
                answer("cr", "a\rb"),
            ],
        )
    )
    return entries


def old_records(store: Store) -> Iterator[dict[str, Any]]:
    """Records as the export read them before: Encounter objects, then to_json()."""
    return (encounter.to_json() for encounter in store.iter_encounters(Filter()))


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_exports_are_byte_for_byte_what_the_object_path_wrote(
    journal: Path, tmp_path: Path, catalogue: Catalogue, fmt: str
) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        out = tmp_path / f"new.{fmt}"
        summary = run_export(store, catalogue, "fi", ExportRequest(fmt, Filter(), out))
        assert summary.written == len(exportable())
        reference = io.BytesIO()
        job = ExportJob(catalogue, "fi", False, describe=lambda: {})
        as_text = (json.dumps(record, ensure_ascii=False) for record in old_records(store))
        exporter(fmt).write(as_text, reference, job)
        ids = [encounter.id for encounter in store.iter_encounters(Filter())]
    new = out.read_bytes()
    if fmt == "json":  # the about (with the moment of export) comes last: compare the records
        new, old = new.split(b'"about": ')[0], reference.getvalue().split(b'"about": ')[0]
    else:
        old = reference.getvalue()
    assert new == old
    if fmt == "jsonl":  # still escaped: a line reader must not split a record
        assert "\u2028".encode() not in new
        assert [json.loads(line)["id"] for line in new.decode("utf-8").splitlines()] == ids


def test_json_writers_take_dicts_and_texts_alike(catalogue: Catalogue) -> None:
    """Texts are written as they are, dicts through orjson (compact): the same records either way."""
    job = ExportJob(catalogue, "fi", False, describe=lambda: {})
    records: list[dict[str, Any]] = [encounter.to_json() for encounter in exportable()]
    records[0]["answers"][0]["answer"] = 2**70  # beyond orjson's integers: the json module writes it
    records[1]["label"] = "rivi\u2028toinen\x85kolmas"  # line breaks a line reader would split at
    for fmt in ("jsonl", "json"):
        as_dicts, mixed = io.BytesIO(), io.BytesIO()
        exporter(fmt).write(records, as_dicts, job)
        texts = [  # dicts, str and UTF-8 bytes in turn
            [record, json.dumps(record, ensure_ascii=False), json.dumps(record, ensure_ascii=False).encode()][
                n % 3
            ]
            for n, record in enumerate(records)
        ]
        exporter(fmt).write(texts, mixed, job)  # type: ignore[arg-type]
        for written in (as_dicts.getvalue(), mixed.getvalue()):
            if fmt == "jsonl":
                lines = written.decode("utf-8").splitlines()
                assert [json.loads(line) for line in lines] == records
            else:
                assert json.loads(written)["encounters"] == records
    assert b'{"id":"' in as_dicts.getvalue()  # the dicts went through orjson


def csv_reference(records: list[dict[str, Any]], job: ExportJob) -> bytes:
    """The tidy CSV as the csv module writes it (RFC 4180: a field with a line break is quoted)."""
    from encounters_cli.export import csv_format

    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    ratings = csv_format.rating_columns(job.catalogue, job.rating_ids)
    columns = csv_format._ANONYMISED_ANSWER if job.anonymised else csv_format._PLAIN_ANSWER
    writer.writerow(
        [*csv_format._head_columns(job.anonymised), *(f"rating_{v}" for v in ratings), "label", *columns]
    )
    for record in records:
        head = csv_format._encounter_cells(record, job.anonymised, ratings)
        if not record["answers"]:
            writer.writerow(head + [""] * len(columns))
        for item in record["answers"]:
            cells = [
                item.get(name) or "" for name in ("question_id", "phase", "role", "question_type", "question")
            ]
            cells.append(csv_format.cell(item.get("answer")))
            if not job.anonymised:
                cells.append(item.get("answered_at") or "")
            writer.writerow([*head, *cells, item.get("catalogue_version") or ""])
    return buffer.getvalue().encode("utf-8")


def test_tidy_csv_is_what_the_csv_module_writes(journal: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        out = tmp_path / "tidy.csv"
        run_export(store, catalogue, "fi", ExportRequest("csv", Filter(), out))
        records = list(old_records(store))
    assert out.read_bytes() == csv_reference(records, ExportJob(catalogue, "fi", False, describe=dict))
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["answer"] for row in rows} >= {"first line\nsecond line", "a\r\nb", "a\rb", TRICKY}
    assert "one line\nand another" in {row["label"] for row in rows}


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=2, max_size=5))
def test_csv_row_quotes_as_the_csv_module(cells: list[str]) -> None:
    from encounters_cli.export.csv_format import row

    buffer = io.StringIO()
    csv.writer(buffer, dialect="excel", lineterminator="\r\n").writerow(cells)
    assert row(cells) + "\r\n" == buffer.getvalue()


def test_wide_csv_columns_come_from_the_journal_as_a_pass_found_them(
    journal: Path, tmp_path: Path, catalogue: Catalogue
) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        out = tmp_path / "wide.csv"
        run_export(store, catalogue, "fi", ExportRequest("csv", Filter(), out, wide=True))
    with out.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    answers = [name.removeprefix("answer_") for name in header if name.startswith("answer_")]
    assert set(answers) == {q.question_id for e in exportable() for q in e.answers}


# -- anonymised exports -----------------------------------------------------------------------


def test_transform_record_is_transform(journal: Path) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        for n in range(6):  # a cell of k entries, so some records are kept and not only generalised
            store.add(
                Encounter(
                    id=Store.new_id(),
                    status="logged",
                    lang="fi",
                    created_at=T0 + timedelta(minutes=n),
                    domain="library",
                    label="Oskari Kuvitelma soitti",
                )
            )
        store.add(Encounter(id=Store.new_id(), status="logged", lang="fi", created_at=T0, private=True))
        settings = AnonymiseSettings(study_key="k", k=2)
        by_object = Anonymiser(settings, store.participant_secret(), ["Oskari Kuvitelma"])
        by_record = Anonymiser(settings, store.participant_secret(), ["Oskari Kuvitelma"])
        by_object.plan(store.iter_facts(Filter()))
        by_record.plan(store.iter_facts(Filter()))
        objects = [by_object.transform(encounter) for encounter in store.iter_encounters(Filter())]
        records = [by_record.transform_record(record) for record in store.iter_records(Filter())]
    assert records == objects
    assert any(records)
    assert None in records
    assert by_record.report.to_json() == by_object.report.to_json()
    assert by_record.report.examples == by_object.report.examples


def test_anonymised_exports_and_the_preview_agree(
    journal: Path, tmp_path: Path, catalogue: Catalogue
) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        settings = AnonymiseSettings(study_key="k", k=1)
        seen = preview(store, Filter(), settings)
        out = tmp_path / "anonymised.jsonl"
        summary = run_export(
            store, catalogue, "fi", ExportRequest("jsonl", Filter(), out, anonymise=settings)
        )
        reference = Anonymiser(settings, store.participant_secret(), store.scrub_names())
        reference.plan(store.iter_facts(Filter()))
        expected = [r for e in store.iter_encounters(Filter()) if (r := reference.transform(e)) is not None]
    assert summary.report is not None
    assert seen.to_json() == summary.report.to_json() == reference.report.to_json()
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == expected


@pytest.mark.parametrize(
    "flt",
    [
        Filter(),
        Filter(limit=7),
        Filter(limit=0),
        Filter(domain="library"),
        Filter(values=["trust"], statuses=["logged"]),
        Filter(since=T0 + timedelta(days=3)),
    ],
    ids=["all", "limit", "none", "domain", "values-status", "since"],
)
@pytest.mark.parametrize("precision", ["day", "week", "month", "quarter"])
def test_the_plan_from_sql_counts_is_the_plan_from_facts(journal: Path, flt: Filter, precision: str) -> None:
    with Store.open(journal) as store:
        for encounter in exportable():
            store.add(encounter)
        for n in range(40):  # same days, domains and practice sets often enough to form groups
            store.add(
                Encounter(
                    id=Store.new_id(),
                    status=("logged", "reflected", "prepared")[n % 3],
                    lang=("fi", "en")[n % 2],
                    created_at=T0 + timedelta(days=(n % 9) * 11, hours=n % 5),  # weeks and months apart
                    domain=(None, "library", "school")[n % 3],
                    practices=[
                        ["listen-to-the-end", "explain-the-why", "listen-to-the-end"],
                        [],
                        ["explain-the-why"],
                    ][n % 3],
                    values=["trust"] if n % 4 else [],
                    private=n % 11 == 0,
                    workshop="library-huddle" if n % 13 == 0 else None,
                )
            )
        settings = AnonymiseSettings(study_key="k", k=3, date_precision=precision)
        from_facts = Anonymiser(settings, store.participant_secret())
        from_groups = Anonymiser(settings, store.participant_secret())
        from_facts.plan(store.iter_facts(flt))
        from_groups.plan_groups(store.fact_groups(flt, from_groups.date_chars))
        records = list(store.iter_records(flt))
    assert from_groups._cells == from_facts._cells
    assert from_groups.report.to_json() == from_facts.report.to_json()
    assert [from_groups.transform_record(r) for r in records] == [
        from_facts.transform_record(r) for r in records
    ]
    if flt.limit != 0:
        assert from_groups._cells
