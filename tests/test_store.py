"""The journal Store against real SQLite files in a temporary folder. All data is synthetic."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from encounters_cli.errors import AmbiguousIdError, JournalError, NotFoundError
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store, _seq_spans, fts_query, searchable_text
from encounters_cli.storage.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Answer,
    Draft,
    Encounter,
    Facts,
    Filter,
    NextStep,
    WorkshopRun,
    from_iso,
    to_iso,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def day(n: int, hour: int = 0) -> datetime:
    return T0 + timedelta(days=n, hours=hour)


def make(
    *,
    id: str | None = None,
    status: str = "logged",
    created_at: datetime = T0,
    domain: str | None = "library",
    practices: list[str] | None = None,
    values: list[str] | None = None,
    label: str | None = "a synthetic encounter",
    answers: list[Answer] | None = None,
    private: bool = False,
) -> Encounter:
    return Encounter(
        id=id or Store.new_id(),
        status=status,
        lang="en",
        created_at=created_at,
        updated_at=created_at,
        domain=domain,
        practices=practices if practices is not None else [],
        values=values if values is not None else [],
        label=label,
        answers=answers if answers is not None else [],
        private=private,
    )


def text_answer(question_id: str, text: str) -> Answer:
    return Answer(question_id, "after", f"Question {question_id}?", "text", text, "2024.1", T0)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "journal-dir" / "journal.sqlite3"


@pytest.fixture
def store(journal: Path) -> Iterator[Store]:
    with Store.open(journal) as opened:
        yield opened


def raw(path: Path) -> sqlite3.Connection:
    """A second, independent connection for looking behind the Store's back."""
    return sqlite3.connect(str(path), isolation_level=None)


# -- round trip, update, delete ---------------------------------------------------------------


def test_full_encounter_round_trips_through_the_file(journal: Path) -> None:
    answered = datetime(2024, 5, 17, 14, 3, 9, 123456, tzinfo=timezone.utc)
    original = Encounter(
        id=Store.new_id(),
        status="reflected",
        lang="fi",
        created_at=datetime(2024, 5, 17, 13, 0, 0, 1, tzinfo=timezone.utc),
        updated_at=datetime(2024, 5, 17, 14, 5, 0, 999999, tzinfo=timezone.utc),
        domain="social-services",
        practices=["name-the-process", "ask-before-advising", "name-the-process"],
        values=["trust", "equality", "participation"],
        ratings={"trust": 4, "equality": 2, "participation": 5},
        label="Äänestyspaikan neuvonta — hyvä kohtaaminen",
        private=True,
        answers=[
            Answer(
                "what",
                "after",
                "Mitä tapahtui?",
                "text",
                "Asiakas kysyi häätöpäätöksestä 🙂",
                "2024.1",
                answered,
            ),
            Answer(
                "lifelines", "before", "Which lifelines?", "multi", ["trust", "knowledge"], "2024.1", answered
            ),
            Answer("empty-list", "before", "Nothing chosen?", "multi", [], "2024.1", answered),
            Answer("rating", "after", "How fair did it feel?", "scale", 3, "2024.2", answered),
            Answer("again", "after", "Would you do it again?", "yesno", True, "2024.2", answered),
            Answer("alone", "after", "Were you alone?", "yesno", False, "2024.2", answered),
            Answer("skipped", "after", "Anything else?", "text", None, "2024.2", answered),
        ],
    )
    with Store.open(journal) as store:
        store.add(original)
    with Store.open(journal) as store:  # a fresh connection: nothing comes from a cache
        loaded = store.get(original.id)

    assert loaded == original
    assert loaded.answer_for("again") is not None
    assert loaded.answer_for("again").answer is True  # a bool, not the integer 1
    assert loaded.answer_for("alone").answer is False
    assert type(loaded.answer_for("rating").answer) is int
    assert loaded.answer_for("skipped").answer is None
    assert loaded.created_at.tzinfo is not None


def test_minimal_encounter_round_trips(store: Store) -> None:
    original = make(label=None, domain=None)
    store.add(original)
    loaded = store.get(original.id)
    assert loaded == original
    assert loaded.label is None
    assert loaded.answers == []


def test_update_replaces_fields_children_and_search_text(store: Store) -> None:
    encounter = make(
        status="prepared",
        values=["trust", "freedom"],
        practices=["listen-first"],
        label="before the parents' evening",
        answers=[text_answer("intention", "explain the waiting list calmly")],
    )
    store.add(encounter)
    stamped_before = encounter.updated_at

    encounter.status = "reflected"
    encounter.values = ["justice"]
    encounter.practices = ["name-the-process", "check-understanding"]
    encounter.ratings = {"justice": 3}
    encounter.label = "after the parents' evening"
    encounter.answers = [text_answer("what", "the timetable question came up")]
    store.update(encounter)

    assert encounter.updated_at > stamped_before
    loaded = store.get(encounter.id)
    assert loaded == encounter
    assert loaded.values == ["justice"]  # replaced, not appended
    assert store.search("waiting", Filter()) == []
    assert [hit.encounter.id for hit in store.search("timetable", Filter())] == [encounter.id]
    assert store.count(Filter(values=["trust"])) == 0


def test_update_of_a_missing_encounter_raises_and_leaves_the_object_alone(store: Store) -> None:
    ghost = make()
    stamp = ghost.updated_at
    with pytest.raises(NotFoundError, match=ghost.id):
        store.update(ghost)
    assert ghost.updated_at == stamp


def test_delete_removes_the_row_its_children_and_its_search_text(store: Store, journal: Path) -> None:
    keep = make(values=["trust"], answers=[text_answer("what", "bicycle permit renewal")])
    gone = make(
        values=["trust", "equality"],
        practices=["listen-first"],
        answers=[text_answer("what", "bicycle parking complaint")],
    )
    gone.ratings = {"trust": 4}
    store.add(keep)
    store.add(gone)

    store.delete(gone.id)

    with pytest.raises(NotFoundError):
        store.get(gone.id)
    assert [hit.encounter.id for hit in store.search("bicycle", Filter())] == [keep.id]
    assert store.search("parking", Filter()) == []
    conn = raw(journal)
    try:
        for table in ("encounter_practices", "encounter_values", "ratings", "answers"):
            (rows,) = conn.execute(
                f"SELECT count(*) FROM {table} WHERE encounter_seq NOT IN (SELECT seq FROM encounters)"
            ).fetchone()
            assert rows == 0, table
        (indexed,) = conn.execute("SELECT count(*) FROM encounter_text").fetchone()
        assert indexed == 1
    finally:
        conn.close()


def test_delete_of_a_missing_encounter_raises(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.delete(Store.new_id())


def test_new_ids_are_distinct_hex() -> None:
    ids = {Store.new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 32 and set(i) <= set("0123456789abcdef") for i in ids)


# -- id prefixes ------------------------------------------------------------------------------


@pytest.fixture
def prefixed(store: Store) -> Store:
    for id_ in (
        "abcd1111" + "0" * 24,
        "abcd2222" + "0" * 24,
        "abccffff" + "f" * 24,  # just below the abcd range
        "abce0000" + "0" * 24,  # just above it
        "ab9f0000" + "0" * 24,
        "ab9e0000" + "0" * 24,
        "ab990000" + "0" * 24,
    ):
        store.add(make(id=id_))
    return store


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("abcd1", "abcd1111"),
        ("ABCD2", "abcd2222"),  # ids are hex: case does not matter
        ("abcc", "abccffff"),
        ("abce", "abce0000"),
        ("ab9f", "ab9f0000"),
        ("ab99", "ab990000"),
        ("abcd1111" + "0" * 24, "abcd1111"),
    ],
)
def test_unique_prefix_finds_the_encounter(prefixed: Store, prefix: str, expected: str) -> None:
    assert prefixed.get(prefix).id.startswith(expected)


def test_ambiguous_prefix_names_the_prefix(prefixed: Store) -> None:
    with pytest.raises(AmbiguousIdError, match="'abcd'") as caught:
        prefixed.get("abcd")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("prefix", ["abc", "ab9", "", "zzzz", "abcd-111", "9999"])
def test_missing_or_invalid_prefix_is_not_found(prefixed: Store, prefix: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        prefixed.get(prefix)
    assert prefix in str(caught.value)
    assert "\n" not in str(caught.value)


# -- filters and order ------------------------------------------------------------------------


@pytest.fixture
def spread(store: Store) -> dict[str, Encounter]:
    """Six encounters over six days with different statuses, domains, practices and values."""
    entries = {
        "d0": make(
            created_at=day(0),
            status="prepared",
            domain="school",
            practices=["listen-first"],
            values=["trust"],
        ),
        "d1": make(
            created_at=day(1),
            status="reflected",
            domain="library",
            practices=["name-the-process"],
            values=["trust", "equality"],
        ),
        "d2": make(
            created_at=day(2),
            status="logged",
            domain="school",
            practices=["listen-first", "x"],
            values=["equality"],
        ),
        "d3": make(
            created_at=day(3),
            status="reflected",
            domain="health",
            practices=[],
            values=["trust", "equality", "freedom"],
        ),
        "d4": make(created_at=day(4), status="logged", domain=None, practices=["listen-first"], values=[]),
        "d5": make(
            created_at=day(5),
            status="reflected",
            domain="school",
            practices=["name-the-process"],
            values=["freedom"],
        ),
    }
    for key in ("d3", "d0", "d5", "d1", "d4", "d2"):  # insertion order must not decide the listing order
        store.add(entries[key])
    return entries


def names(spread: dict[str, Encounter], found: list[Encounter]) -> list[str]:
    by_id = {encounter.id: key for key, encounter in spread.items()}
    return [by_id[encounter.id] for encounter in found]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(), ["d5", "d4", "d3", "d2", "d1", "d0"]),
        (Filter(limit=2), ["d5", "d4"]),
        (Filter(limit=0), []),
        (Filter(since=day(2)), ["d5", "d4", "d3", "d2"]),  # since is inclusive
        (Filter(until=day(2)), ["d1", "d0"]),  # until is exclusive
        (Filter(since=day(1), until=day(4)), ["d3", "d2", "d1"]),
        (Filter(values=["trust"]), ["d3", "d1", "d0"]),
        (Filter(values=["trust", "equality"]), ["d3", "d1"]),  # every value must be tagged
        (Filter(values=["trust", "equality", "freedom"]), ["d3"]),
        (Filter(domain="school"), ["d5", "d2", "d0"]),
        (Filter(practice="listen-first"), ["d4", "d2", "d0"]),
        (Filter(statuses=["reflected"]), ["d5", "d3", "d1"]),
        (Filter(statuses=["prepared", "logged"]), ["d4", "d2", "d0"]),
        (Filter(statuses=["reflected"], domain="school", limit=1), ["d5"]),
        (Filter(practice="name-the-process", values=["equality"]), ["d1"]),
        (Filter(domain="nowhere"), []),
    ],
)
def test_filters_select_and_order_newest_first(
    store: Store, spread: dict[str, Encounter], flt: Filter, expected: list[str]
) -> None:
    assert names(spread, store.list(flt)) == expected
    assert names(spread, list(store.iter_encounters(flt, batch=2))) == expected
    unlimited = dataclasses.replace(flt, limit=None)
    assert store.count(flt) == len(store.list(unlimited))  # count ignores limit


def test_filter_bounds_accept_other_time_zones(store: Store, spread: dict[str, Encounter]) -> None:
    helsinki = timezone(timedelta(hours=3))
    assert names(spread, store.list(Filter(since=day(4).astimezone(helsinki)))) == ["d5", "d4"]


def test_streaming_pages_through_ties_without_losing_or_repeating(store: Store) -> None:
    same_moment = [make(created_at=day(1)) for _ in range(7)]
    for encounter in same_moment:
        store.add(encounter)
    older = make(created_at=day(0))
    store.add(older)

    streamed = [encounter.id for encounter in store.iter_encounters(Filter(), batch=3)]

    assert len(streamed) == len(set(streamed)) == 8
    assert streamed[:7] == [encounter.id for encounter in reversed(same_moment)]  # ties: last added first
    assert streamed[7] == older.id
    assert [e.id for e in store.iter_encounters(Filter(limit=5), batch=2)] == streamed[:5]


def test_streaming_rejects_a_zero_batch(store: Store) -> None:
    with pytest.raises(ValueError, match="batch"):
        list(store.iter_encounters(Filter(), batch=0))


def test_listing_a_page_costs_a_fixed_number_of_queries(store: Store) -> None:
    for n in range(60):
        store.add(
            make(
                created_at=day(n),
                values=["trust"],
                practices=["listen-first"],
                answers=[text_answer("what", f"entry {n}")],
            )
        )
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        page = store.list(Filter(limit=50))
    finally:
        store._conn.set_trace_callback(None)
    assert len(page) == 50
    assert all(encounter.answers and encounter.values for encounter in page)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5  # one page query + one per child table, not one per encounter


@pytest.mark.parametrize(
    "flt",
    [
        Filter(limit=20),
        Filter(limit=20, domain="school"),
        Filter(limit=20, statuses=["logged"]),
        Filter(limit=20, statuses=["logged", "reflected"]),
        Filter(limit=20, since=day(3)),
    ],
)
def test_newest_first_pages_come_from_an_index_without_sorting(store: Store, flt: Filter) -> None:
    store.add(make())
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        store.list(flt)
    finally:
        store._conn.set_trace_callback(None)
    page_query = statements[0]
    plan = " | ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + page_query))
    assert "USING INDEX" in plan
    assert "TEMP B-TREE" not in plan


# -- search -----------------------------------------------------------------------------------


def test_search_ranks_the_better_match_first_and_marks_it(store: Store) -> None:
    weak = make(
        created_at=day(2),
        label="a long afternoon",
        answers=[text_answer("what", "many forms, queues and phone calls; a library card came up once")],
    )
    strong = make(
        created_at=day(0),
        label="library card for a newcomer",
        answers=[text_answer("what", "library card, library rules, and where the library is")],
    )
    unrelated = make(created_at=day(1), label="school meeting", answers=[text_answer("what", "timetables")])
    for encounter in (weak, strong, unrelated):
        store.add(encounter)

    hits = store.search("library card", Filter())

    assert [hit.encounter.id for hit in hits] == [strong.id, weak.id]
    assert hits[0].score > hits[1].score
    assert f"{HIGHLIGHT_START}library{HIGHLIGHT_END}" in hits[0].snippet
    assert f"{HIGHLIGHT_START}card{HIGHLIGHT_END}" in hits[1].snippet
    assert hits[0].encounter == strong  # hits carry whole encounters


def test_search_words_are_anded_and_prefixes_and_diacritics_work(store: Store) -> None:
    both = make(label="Kävin neuvolassa", answers=[text_answer("what", "Äiti kysyi rokotuksista")])
    one = make(label="Kävin kirjastossa", answers=[text_answer("what", "lainasin kirjoja")])
    store.add(both)
    store.add(one)

    assert {hit.encounter.id for hit in store.search("kävin", Filter())} == {both.id, one.id}
    assert {hit.encounter.id for hit in store.search("kavin", Filter())} == {both.id, one.id}
    assert [hit.encounter.id for hit in store.search("kävin äiti", Filter())] == [both.id]
    assert [hit.encounter.id for hit in store.search("neuvola*", Filter())] == [both.id]
    assert store.search("neuvola", Filter()) == []  # without * a word matches whole words only
    assert [hit.encounter.id for hit in store.search("lainasin", Filter())] == [one.id]


def test_search_respects_the_filter_and_its_limit(store: Store) -> None:
    school = [make(created_at=day(n), domain="school", label=f"timetable talk {n}") for n in range(3)]
    library = make(created_at=day(9), domain="library", label="timetable of the bookmobile")
    for encounter in [*school, library]:
        store.add(encounter)

    assert {hit.encounter.id for hit in store.search("timetable", Filter(domain="school"))} == {
        encounter.id for encounter in school
    }
    assert len(store.search("timetable", Filter(limit=2))) == 2
    assert store.search("timetable", Filter(since=day(10))) == []


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 6, 9, 12, 40, None])
def test_search_without_a_filter_finds_what_the_joined_query_finds(store: Store, limit: int | None) -> None:
    """Unfiltered, the index ranks its matches before any is joined to its entry; ties at the last
    place (the same text written again) must still go to the newest, as the joined query has them."""
    texts = [
        "interpreter booked for the next visit",  # written four times: a tie
        "the interpreter joined by phone, and the interpreter's notes helped",
        "no interpreter was needed in the end, though one was offered twice over",
    ]
    for n in range(24):
        text = texts[0] if n % 6 == 0 else texts[n % 3] + f" (visit {n})" if n % 4 else texts[1]
        store.add(make(created_at=day(n % 9, hour=n), answers=[text_answer("what", text)]))
    for _ in range(5):  # more equal texts at one moment than twice a small limit reads
        store.add(make(created_at=day(20), answers=[text_answer("what", texts[1])]))
    for n in range(40):  # entries without the word, so that it tells entries apart at all
        store.add(make(created_at=day(n), answers=[text_answer("what", f"a bus timetable, visit {n}")]))
    joined = Filter(limit=limit, since=day(-1))  # selects all, and takes the joined query

    def found(flt: Filter) -> list[tuple[str, float, str]]:
        return [(hit.encounter.id, hit.score, hit.snippet) for hit in store.search("interpreter", flt)]

    assert found(Filter(limit=limit)) == found(joined)
    assert len(found(Filter(limit=limit))) == min(29, limit or 29)


def test_search_indexes_list_answers_but_not_numbers_or_yes_no(store: Store) -> None:
    encounter = make(
        label=None,
        answers=[
            Answer("tags", "after", "Tags?", "multi", ["interpreter", "appointment"], "1", T0),
            Answer("score", "after", "Score?", "scale", 4, "1", T0),
            Answer("ok", "after", "OK?", "yesno", True, "1", T0),
        ],
    )
    store.add(encounter)
    assert [hit.encounter.id for hit in store.search("interpreter", Filter())] == [encounter.id]
    assert store.search("4", Filter()) == []
    assert store.search("true", Filter()) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "-",
        "AND",
        "*",
        "(",
        ")",
        'a"b',
        '"unbalanced',
        "NEAR(x y)",
        "x OR",
        "NOT",
        "col:word",
        "^start",
        "+",
        "{label}: x",
        "-minus",
        "**",
        "a*b*",
        "'",
        "\\",
    ],
)
def test_any_user_text_is_a_valid_query(store: Store, query: str) -> None:
    store.add(make(label="and or not near minus start word", answers=[text_answer("what", "x y")]))
    hits = store.search(query, Filter())
    assert isinstance(hits, list)


def test_fts_operators_typed_by_the_user_are_plain_words(store: Store) -> None:
    with_and = make(label="salt and pepper")
    without = make(label="salt pepper")
    store.add(with_and)
    store.add(without)
    # As an operator, AND would match both; as a word it matches only the entry containing "and".
    assert [hit.encounter.id for hit in store.search("salt AND pepper", Filter())] == [with_and.id]
    # As an operator, a leading - or NOT would exclude; as text it must not exclude anything.
    assert len(store.search("salt -pepper", Filter())) == 2


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "* - ( )"])
def test_an_empty_query_finds_nothing(store: Store, query: str) -> None:
    store.add(make(label="anything"))
    assert store.search(query, Filter()) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("library card", '"library" "card"'),
        ("libr*", '"libr"*'),
        ('say "hi"', '"say" """hi"""'),
        ("AND - (", '"AND"'),
        ("", ""),
    ],
)
def test_fts_query_quotes_every_word(typed: str, expected: str) -> None:
    assert fts_query(typed) == expected


def test_searchable_text_flattens_lists_and_skips_non_text() -> None:
    answers = [
        Answer("a", "after", "?", "text", "first", "1", T0),
        Answer("b", "after", "?", "multi", ["second", 3, "third"], "1", T0),
        Answer("c", "after", "?", "scale", 5, "1", T0),
        Answer("d", "after", "?", "text", None, "1", T0),
    ]
    assert searchable_text(answers).split("\n") == ["first", "second", "third"]


# -- value counts, meta, drafts ---------------------------------------------------------------


def test_value_counts_by_window_and_status(store: Store, spread: dict[str, Encounter]) -> None:
    assert store.value_counts(None, []) == {"trust": 3, "equality": 3, "freedom": 2}
    assert store.value_counts(day(2), []) == {"equality": 2, "freedom": 2, "trust": 1}
    assert store.value_counts(None, ["reflected"]) == {"trust": 2, "equality": 2, "freedom": 2}
    assert store.value_counts(day(4), ["reflected", "logged"]) == {"freedom": 1}
    assert store.value_counts(day(6), []) == {}


def test_meta_is_kept_in_the_file(journal: Path) -> None:
    with Store.open(journal) as store:
        assert store.get_meta("last-export") is None
        store.set_meta("last-export", "2024-03-01")
        store.set_meta("last-export", "2024-04-01")
        store.set_meta("lang", "fi")
    with Store.open(journal) as store:
        assert store.get_meta("last-export") == "2024-04-01"
        assert store.get_meta("lang") == "fi"


def test_drafts_save_replace_list_and_delete(store: Store) -> None:
    first = Draft(
        id=Store.new_id(), flow="prepare", data={"domain": "school", "answers": {"intent": "kuunnella"}}
    )
    second = Draft(id=Store.new_id(), flow="reflect", data={"encounter_id": "abcd", "answers": {}})
    third = Draft(id=Store.new_id(), flow="prepare", data={"answers": {"intent": "ääni kuuluviin", "n": 3}})
    for draft in (first, second, third):
        store.save_draft(draft)

    assert [d.id for d in store.list_drafts()] == [third.id, second.id, first.id]
    assert [d.id for d in store.list_drafts("prepare")] == [third.id, first.id]
    assert store.list_drafts("nothing") == []
    assert store.list_drafts("reflect")[0] == second

    first.data["answers"]["more"] = ["a", "b"]
    store.save_draft(first)  # same id: replaced, and now the most recent
    drafts = store.list_drafts()
    assert [d.id for d in drafts] == [first.id, third.id, second.id]
    assert drafts[0].data == {"domain": "school", "answers": {"intent": "kuunnella", "more": ["a", "b"]}}
    assert drafts[1].data["answers"]["intent"] == "ääni kuuluviin"

    store.delete_draft(second.id)
    store.delete_draft(second.id)  # already gone: same outcome, no error
    assert [d.id for d in store.list_drafts()] == [first.id, third.id]


# -- the file itself --------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, so the modes we assert are ours and not the test runner's."""
    previous = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_new_journal_is_private(journal: Path) -> None:
    with Store.open(journal) as store:
        store.add(make())
        assert stat.S_IMODE(journal.stat().st_mode) == 0o600
        assert stat.S_IMODE(journal.parent.stat().st_mode) == 0o700
        wal = journal.with_name(journal.name + "-wal")
        assert wal.exists()  # WAL mode is on
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_existing_journal_and_our_data_folder_are_tightened() -> None:
    journal = paths.journal_path()  # inside the isolated ENCOUNTERS_HOME
    Store.open(journal).close()
    journal.chmod(0o644)
    journal.parent.chmod(0o755)
    Store.open(journal).close()
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.parent.stat().st_mode) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_a_users_own_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    documents.chmod(0o755)
    journal = documents / "study-journal.sqlite3"
    Store.open(journal).close()
    assert (
        stat.S_IMODE(documents.stat().st_mode) == 0o755
    )  # not ours to lock down (--journal ~/Documents/...)
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_pragmas_are_set(store: Store) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


@pytest.mark.parametrize(
    "content",
    [b"just some notes, not a database\n" * 40, b"SQLite format 2\x00" + b"\x00" * 200, b"x"],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(journal: Path, content: bytes) -> None:
    journal.parent.mkdir(parents=True)
    journal.write_bytes(content)
    with pytest.raises(JournalError, match="not an encounters journal") as caught:
        Store.open(journal)
    assert "\n" not in str(caught.value)
    assert journal.read_bytes() == content
    assert sorted(p.name for p in journal.parent.iterdir()) == [journal.name]  # no -wal/-shm either


def test_a_damaged_journal_is_refused_untouched(journal: Path) -> None:
    with Store.open(journal) as store:
        store.add(make())
    damaged = bytearray(journal.read_bytes())
    damaged[100:4096] = b"\x5a" * (4096 - 100)  # scribble over the schema page, keep the header
    journal.write_bytes(bytes(damaged))

    with pytest.raises(JournalError, match="damaged") as caught:
        Store.open(journal)
    assert "backup" in str(caught.value)
    assert journal.read_bytes() == bytes(damaged)


def test_someone_elses_sqlite_database_is_refused_untouched(journal: Path) -> None:
    journal.parent.mkdir(parents=True)
    conn = sqlite3.connect(str(journal))
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = journal.read_bytes()

    with pytest.raises(JournalError, match="not an encounters journal"):
        Store.open(journal)
    assert journal.read_bytes() == before


def test_a_journal_locked_too_long_gives_a_clear_error(journal: Path) -> None:
    Store.open(journal).close()
    other = raw(journal)
    try:
        other.execute("BEGIN IMMEDIATE")
        with Store.open(journal, busy_timeout=0.2) as store:
            with pytest.raises(JournalError, match="locked") as caught:
                store.add(make())
            assert "\n" not in str(caught.value)
            other.execute("ROLLBACK")
            store.add(make())  # the lock is gone: the same store works again
            assert store.count(Filter()) == 1
    finally:
        other.close()


@pytest.mark.skipif(getattr(os, "geteuid", lambda: -1)() == 0, reason="root ignores file permissions")
def test_a_read_only_journal_gives_a_clear_error(journal: Path) -> None:
    with Store.open(journal) as store:
        store.add(make())
    journal.chmod(0o400)
    try:
        with (
            pytest.raises(JournalError, match=r"read-only|cannot open|permission"),
            Store.open(journal) as store,
        ):
            store.add(make())
    finally:
        journal.chmod(0o600)


def test_a_closed_store_cannot_be_used(journal: Path) -> None:
    with Store.open(journal) as store:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        store.count(Filter())


# -- answer roles -----------------------------------------------------------------------------


def step_answer(text: object, question_id: str = "next-step") -> Answer:
    return Answer(
        question_id, "after", "What will you do next?", "text", text, "2024.1", T0, role="next_step"
    )


def test_answer_roles_round_trip(store: Store) -> None:
    encounter = make(
        status="reflected",
        answers=[
            Answer(
                "intention", "before", "Intention?", "long_text", "listen", "2024.1", T0, role="intention"
            ),
            Answer("what", "after", "What happened?", "long_text", "we talked", "2024.1", T0),
            Answer("rating-trust", "after", "Trust?", "scale", 4, "2024.1", T0, role="rating"),
            step_answer("call back on Monday"),
        ],
    )
    store.add(encounter)
    loaded = store.get(encounter.id)
    assert loaded == encounter
    assert [answer.role for answer in loaded.answers] == ["intention", None, "rating", "next_step"]
    assert [answer.role for answer in store.list(Filter())[0].answers] == [
        "intention",
        None,
        "rating",
        "next_step",
    ]


# -- facts for insights -----------------------------------------------------------------------


def facts_view(store: Store, flt: Filter, batch: int = 2000) -> list[tuple[object, ...]]:
    return [
        (f.id, f.created_at, f.status, f.domain, f.practices, f.values, f.ratings)
        for f in store.iter_facts(flt, batch=batch)
    ]


def encounters_view(encounters: list[Encounter]) -> list[tuple[object, ...]]:
    return [(e.id, e.created_at, e.status, e.domain, e.practices, e.values, e.ratings) for e in encounters]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(), ["d0", "d1", "d2", "d3", "d4", "d5"]),
        (Filter(limit=2), ["d4", "d5"]),  # the newest two, as list() picks them, oldest first
        (Filter(limit=0), []),
        (Filter(limit=99), ["d0", "d1", "d2", "d3", "d4", "d5"]),
        (Filter(since=day(2)), ["d2", "d3", "d4", "d5"]),
        (Filter(until=day(2)), ["d0", "d1"]),
        (Filter(values=["trust", "equality"]), ["d1", "d3"]),
        (Filter(domain="school"), ["d0", "d2", "d5"]),
        (Filter(practice="listen-first"), ["d0", "d2", "d4"]),
        (Filter(statuses=["reflected"]), ["d1", "d3", "d5"]),
        (Filter(statuses=["prepared", "logged"], limit=2), ["d2", "d4"]),
        (Filter(domain="nowhere"), []),
    ],
)
def test_iter_facts_selects_like_list_but_oldest_first(
    store: Store, spread: dict[str, Encounter], flt: Filter, expected: list[str]
) -> None:
    for batch in (1, 2, 2000):
        assert [key for key, _ in sorted_by_id(spread, store.iter_facts(flt, batch=batch))] == expected
    assert facts_view(store, flt) == encounters_view(list(reversed(store.list(flt))))


def sorted_by_id(spread: dict[str, Encounter], facts: Iterator[Facts]) -> list[tuple[str, Facts]]:
    by_id = {encounter.id: key for key, encounter in spread.items()}
    return [(by_id[fact.id], fact) for fact in facts]


def test_iter_facts_carry_tags_and_ratings_but_no_text(store: Store) -> None:
    encounter = make(
        status="reflected",
        domain="health",
        practices=["name-the-process", "listen-first"],
        values=["trust", "equality"],
        label="a secluded label",
        answers=[step_answer("secluded words")],
    )
    encounter.ratings = {"trust": 2, "equality": 5}
    store.add(encounter)
    store.add(make(label=None, domain=None, practices=[], values=[], created_at=day(1)))

    first, second = store.iter_facts(Filter())

    assert first == Facts(
        id=encounter.id,
        created_at=T0,
        status="reflected",
        domain="health",
        practices=["name-the-process", "listen-first"],  # tagging order, as the encounter has them
        values=["trust", "equality"],
        ratings={"equality": 5, "trust": 2},
    )
    assert (second.practices, second.values, second.ratings, second.domain) == ([], [], {}, None)
    assert "secluded" not in repr(first)


def test_iter_facts_pages_through_ties(store: Store) -> None:
    same_moment = [make(created_at=day(1), values=["trust"]) for _ in range(7)]
    older = make(created_at=day(0))
    for encounter in [*same_moment, older]:
        store.add(encounter)
    streamed = [fact.id for fact in store.iter_facts(Filter(), batch=3)]
    assert streamed == [older.id, *(encounter.id for encounter in same_moment)]  # ties: first added first
    assert [fact.id for fact in store.iter_facts(Filter(limit=4), batch=3)] == streamed[-4:]


def test_iter_facts_rejects_a_zero_batch(store: Store) -> None:
    with pytest.raises(ValueError, match="batch"):
        list(store.iter_facts(Filter(), batch=0))


def bulk_journal(path: Path, n: int, *, start: datetime = T0, step: timedelta = timedelta(hours=1)) -> Path:
    """A journal of ``n`` synthetic encounters written with executemany, in seconds even for 100,000.

    Much faster than ``n`` calls of ``Store.add`` (one transaction, no search index): for tests and
    measurements of reading. Every 7th entry is out of time order, so pages are not runs of seqs.
    """
    values = ["trust", "equality", "freedom", "participation", "knowledge", "justice"]
    practices = ["listen-first", "name-the-process", "explain-the-why"]
    domains = ["school", "library", "health", None]
    statuses = ["prepared", "reflected", "logged", "reflected"]
    rows: dict[str, list[tuple[object, ...]]] = {"e": [], "p": [], "v": [], "r": [], "a": []}
    for seq in range(1, n + 1):
        when = to_iso(start + step * (seq - 6 * n // 7 if seq % 7 == 0 else seq))
        status = statuses[seq % 4]
        domain = domains[(seq // 2) % 4] if seq % 5 else None
        rows["e"].append((seq, f"{seq:032x}", status, when, when, domain, "en", None))
        rows["p"].extend((seq, practices[(seq + i) % 3], i) for i in range(seq % 3))
        tagged = [values[(seq + i) % 6] for i in range(1 + seq % 3)]
        rows["v"].extend((seq, value, i) for i, value in enumerate(tagged))
        if status == "reflected":
            rows["r"].extend((seq, value, 1 + (seq + i) % 5) for i, value in enumerate(tagged))
            answer = json.dumps(f"next step {seq}" if seq % 10 else "")
            rows["a"].append((seq, 0, "after", "next-step", "Next?", "text", answer, "1", when, "next_step"))
    with Store.open(path) as store:
        conn = store._conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO encounters (seq, id, status, created_at, updated_at, domain, lang, label)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows["e"],
        )
        conn.executemany("INSERT INTO encounter_practices VALUES (?, ?, ?)", rows["p"])
        conn.executemany("INSERT INTO encounter_values VALUES (?, ?, ?)", rows["v"])
        conn.executemany("INSERT INTO ratings VALUES (?, ?, ?)", rows["r"])
        conn.executemany(
            "INSERT INTO answers (encounter_seq, position, phase, question_id, question, question_type,"
            " answer, catalogue_version, answered_at, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows["a"],
        )
        conn.execute("COMMIT")
    return path


@pytest.mark.parametrize(
    "flt",
    [
        Filter(),
        Filter(domain="health"),  # one in five: sparse pages, read by IN lists
        Filter(values=["justice"], statuses=["reflected"]),
        Filter(since=T0 + timedelta(hours=500), until=T0 + timedelta(hours=2100), limit=700),
    ],
)
def test_iter_facts_agree_with_list_on_a_bigger_journal(tmp_path: Path, flt: Filter) -> None:
    with Store.open(bulk_journal(tmp_path / "bulk.sqlite3", 3000)) as store:
        expected = encounters_view(list(reversed(store.list(flt))))
        assert len(expected) > 100
        assert facts_view(store, flt, batch=250) == expected


def test_iter_facts_cost_a_fixed_number_of_queries_per_page(tmp_path: Path) -> None:
    with Store.open(bulk_journal(tmp_path / "bulk.sqlite3", 1000)) as store:
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        try:
            assert sum(1 for _ in store.iter_facts(Filter(), batch=400)) == 1000
        finally:
            store._conn.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3 * 4  # three pages: the page query and one per child table, or a few IN lists


def test_seq_spans_use_a_range_for_close_seqs_and_in_lists_otherwise() -> None:
    assert _seq_spans([]) == []
    assert _seq_spans([5, 3, 4]) == [("encounter_seq BETWEEN ? AND ?", [3, 5])]
    assert _seq_spans([1, 8], dense=4) == [("encounter_seq BETWEEN ? AND ?", [1, 8])]
    sparse = list(range(0, 10 * 1200, 10))
    spans = _seq_spans(sparse)
    assert [len(args) for _, args in spans] == [500, 500, 200]
    assert all(condition.startswith("encounter_seq IN (") for condition, _ in spans)
    assert [seq for _, args in spans for seq in args] == sparse
    assert _seq_spans([1, 3], dense=1)[0][0].startswith("encounter_seq IN")


# -- next steps and follow-ups ----------------------------------------------------------------


@pytest.fixture
def steps(store: Store) -> dict[str, Encounter]:
    """Reflections with and without next steps, over six days, with one prepared and one logged."""
    entries = {
        "s0": make(
            created_at=day(0),
            status="reflected",
            domain="school",
            practices=["listen-first"],
            values=["trust"],
            answers=[step_answer("  ask the pupils first  ")],
        ),
        "s1": make(
            created_at=day(1),
            status="reflected",
            domain="library",
            values=["equality"],
            answers=[step_answer("explain the fee rules")],
        ),
        "blank": make(created_at=day(2), status="reflected", domain="school", answers=[step_answer("   ")]),
        "none": make(created_at=day(2, 1), status="reflected", domain="school", answers=[step_answer(None)]),
        "nostep": make(created_at=day(2, 2), status="reflected", domain="school"),
        "prepared": make(created_at=day(3), status="prepared", domain="school", answers=[step_answer("x")]),
        "s4": make(
            created_at=day(4),
            status="reflected",
            domain="school",
            practices=["listen-first", "name-the-process"],
            values=["trust", "freedom"],
            answers=[step_answer("first thought"), step_answer("phone the parents", "next-step-2")],
        ),
        "s5": make(created_at=day(5), status="reflected", domain="school", answers=[step_answer("")]),
    }
    entries["s4"].ratings = {"trust": 4}
    for key in ("s4", "none", "s0", "prepared", "s5", "blank", "s1", "nostep"):
        store.add(entries[key])
    return entries


def step_names(entries: dict[str, Encounter], found: list[NextStep]) -> list[str]:
    by_id = {encounter.id: key for key, encounter in entries.items()}
    return [by_id[step.encounter_id] for step in found]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(), ["s4", "s1", "s0"]),  # empty and missing steps, and non-reflections, are left out
        (Filter(limit=1), ["s4"]),  # s5 is newer, but its step is empty: the limit counts real steps
        (Filter(limit=2), ["s4", "s1"]),
        (Filter(limit=0), []),
        (Filter(domain="school"), ["s4", "s0"]),
        (Filter(domain="school", limit=1), ["s4"]),
        (Filter(practice="listen-first"), ["s4", "s0"]),
        (Filter(values=["trust", "freedom"]), ["s4"]),
        (Filter(since=day(1), until=day(4)), ["s1"]),
        (Filter(statuses=["reflected", "logged"]), ["s4", "s1", "s0"]),
        (Filter(statuses=["prepared"]), []),  # next steps come from reflections only
    ],
)
def test_next_steps_newest_first_within_the_filter(
    store: Store, steps: dict[str, Encounter], flt: Filter, expected: list[str]
) -> None:
    assert step_names(steps, store.next_steps(flt)) == expected


def test_next_steps_carry_text_tags_and_ratings(store: Store, steps: dict[str, Encounter]) -> None:
    newest, middle, oldest = store.next_steps(Filter())
    assert newest == NextStep(
        encounter_id=steps["s4"].id,
        created_at=day(4),
        domain="school",
        practices=["listen-first", "name-the-process"],
        values=["trust", "freedom"],
        ratings={"trust": 4},
        text="phone the parents",  # the last next-step answer when a pack asks two
        followed_up=False,
    )
    assert middle.text == "explain the fee rules"
    assert oldest.text == "ask the pupils first"  # stripped


def test_next_steps_say_whether_their_entry_is_private(store: Store) -> None:
    store.add(
        make(created_at=day(1), status="reflected", private=True, answers=[step_answer("kept to myself")])
    )
    store.add(make(created_at=day(0), status="reflected", answers=[step_answer("fine to share")]))
    assert sorted((step.text, step.private) for step in store.next_steps(Filter())) == [
        ("fine to share", False),
        ("kept to myself", True),
    ]


def test_next_steps_limit_reaches_past_a_page_of_empty_ones(store: Store) -> None:
    for n in range(130):
        store.add(make(created_at=day(1, n % 24) + timedelta(minutes=n), status="reflected",
                       answers=[step_answer("")]))  # fmt: skip
    real = make(created_at=day(0), status="reflected", answers=[step_answer("the only real one")])
    store.add(real)
    assert [step.encounter_id for step in store.next_steps(Filter(limit=1))] == [real.id]
    assert [step.encounter_id for step in store.next_steps(Filter())] == [real.id]


def test_marking_follow_ups_and_pending_only(store: Store, steps: dict[str, Encounter]) -> None:
    store.mark_followed_up(steps["s1"].id, steps["s4"].id)
    store.mark_followed_up(steps["s0"].id, None)

    found = store.next_steps(Filter())
    assert [(step_names(steps, [step])[0], step.followed_up) for step in found] == [
        ("s4", False),
        ("s1", True),
        ("s0", True),
    ]
    assert step_names(steps, store.next_steps(Filter(), pending_only=True)) == ["s4"]

    store.unmark_followed_up(steps["s1"].id)
    store.unmark_followed_up(steps["s1"].id)  # already pending: same outcome, no error
    assert step_names(steps, store.next_steps(Filter(), pending_only=True)) == ["s4", "s1"]
    assert step_names(steps, store.next_steps(Filter(limit=1, domain="library"), pending_only=True)) == ["s1"]


def test_marking_again_replaces_the_follower(
    store: Store, steps: dict[str, Encounter], journal: Path
) -> None:
    store.mark_followed_up(steps["s0"].id, steps["s1"].id)
    store.mark_followed_up(steps["s0"].id, steps["s4"].id)
    conn = raw(journal)
    try:
        rows = conn.execute(
            "SELECT s.id, b.id FROM follow_ups f JOIN encounters s ON s.seq = f.step_seq"
            " JOIN encounters b ON b.seq = f.followed_by_seq"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [(steps["s0"].id, steps["s4"].id)]


def test_marking_a_missing_encounter_is_not_found(store: Store, steps: dict[str, Encounter]) -> None:
    ghost = Store.new_id()
    with pytest.raises(NotFoundError, match=ghost):
        store.mark_followed_up(ghost, steps["s1"].id)
    with pytest.raises(NotFoundError, match=ghost):
        store.mark_followed_up(steps["s1"].id, ghost)
    with pytest.raises(NotFoundError, match=ghost):
        store.unmark_followed_up(ghost)
    assert all(not step.followed_up for step in store.next_steps(Filter()))


def test_a_follow_up_survives_updates_and_reopening(journal: Path) -> None:
    step = make(created_at=day(0), status="reflected", answers=[step_answer("bring the form")])
    follower = make(created_at=day(1), status="prepared")
    with Store.open(journal) as store:
        store.add(step)
        store.add(follower)
        store.mark_followed_up(step.id, follower.id)
        step.label = "edited afterwards"
        store.update(step)  # replaces the children, not the encounter row the mark hangs on
        follower.status = "reflected"
        store.update(follower)
    with Store.open(journal) as store:
        assert [(s.encounter_id, s.followed_up) for s in store.next_steps(Filter())] == [(step.id, True)]


def follow_up_rows(journal: Path) -> list[tuple[int, int | None]]:
    conn = raw(journal)
    try:
        return conn.execute("SELECT step_seq, followed_by_seq FROM follow_ups ORDER BY step_seq").fetchall()
    finally:
        conn.close()


def test_deleting_the_follower_keeps_the_step_followed_up(journal: Path) -> None:
    step = make(created_at=day(0), status="reflected", answers=[step_answer("bring the form")])
    follower = make(created_at=day(1))
    with Store.open(journal) as store:
        store.add(step)
        store.add(follower)
        store.mark_followed_up(step.id, follower.id)
        assert follow_up_rows(journal)[0][1] is not None
        store.delete(follower.id)
        assert [s.followed_up for s in store.next_steps(Filter())] == [True]
    assert len(follow_up_rows(journal)) == 1
    assert follow_up_rows(journal)[0][1] is None


def test_deleting_the_step_removes_its_follow_up(journal: Path) -> None:
    step = make(created_at=day(0), status="reflected", answers=[step_answer("bring the form")])
    other = make(created_at=day(1), status="reflected", answers=[step_answer("ask again")])
    follower = make(created_at=day(2))
    with Store.open(journal) as store:
        for encounter in (step, other, follower):
            store.add(encounter)
        store.mark_followed_up(step.id, follower.id)
        store.mark_followed_up(other.id, follower.id)
        store.delete(step.id)
        assert [(s.encounter_id, s.followed_up) for s in store.next_steps(Filter())] == [(other.id, True)]
    assert len(follow_up_rows(journal)) == 1


class SealingStore(Store):
    """A store whose sealed text differs from the plain text, as it will under encryption."""

    def _seal(self, text: str) -> str:
        return "sealed:" + text[::-1]

    def _unseal(self, text: str) -> str:
        assert text.startswith("sealed:"), text
        return text.removeprefix("sealed:")[::-1]


def test_next_step_text_is_unsealed(journal: Path) -> None:
    reflected = make(created_at=day(0), status="reflected", answers=[step_answer("meet at the library")])
    empty = make(created_at=day(1), status="reflected", answers=[step_answer("")])
    with SealingStore.open(journal) as store:
        store.add(reflected)
        store.add(empty)
        assert [step.text for step in store.next_steps(Filter())] == ["meet at the library"]
    conn = raw(journal)
    try:
        stored = [row[0] for row in conn.execute("SELECT answer FROM answers ORDER BY encounter_seq")]
    finally:
        conn.close()
    assert stored == ['sealed:"yrarbil eht ta teem"', 'sealed:""']


def test_from_iso_always_gives_utc() -> None:
    moment = datetime(2024, 5, 17, 14, 3, 9, 123456, tzinfo=timezone.utc)
    assert from_iso(to_iso(moment)) == moment
    assert from_iso(to_iso(moment)).tzinfo is timezone.utc
    assert from_iso("2024-05-17T17:03:09.123456+03:00").tzinfo == timezone.utc
    assert from_iso("2024-05-17T17:03:09.123456+03:00") == moment
    assert from_iso("2024-05-17T14:03:09.123456") == moment  # no zone: UTC, as everything we write


@pytest.mark.parametrize(
    "flt",
    [
        Filter(),
        Filter(domain="school"),
        Filter(statuses=["reflected"]),
        Filter(statuses=["logged", "reflected"]),
        Filter(since=day(3), until=day(9)),
    ],
)
def test_oldest_first_pages_of_facts_come_from_an_index_without_sorting(store: Store, flt: Filter) -> None:
    store.add(make())
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        list(store.iter_facts(flt))
    finally:
        store._conn.set_trace_callback(None)
    plan = " | ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + statements[0]))
    assert "USING INDEX" in plan
    assert "TEMP B-TREE" not in plan


def test_next_steps_walk_an_index_and_seek_the_role_index(store: Store, steps: dict[str, Encounter]) -> None:
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        store.next_steps(Filter(limit=2, domain="school"), pending_only=True)
    finally:
        store._conn.set_trace_callback(None)
    plan = " | ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + statements[0]))
    assert "answers_role" in plan
    assert "TEMP B-TREE" not in plan


def test_an_entry_and_the_draft_it_finishes_change_together(store: Store) -> None:
    draft = Draft(id=Store.new_id(), flow="prepare", data={"answers": {"intention": "x"}})
    store.save_draft(draft)
    entry = make()
    store.add(entry, finishes_draft=draft.id)
    assert store.list_drafts() == []

    store.save_draft(draft)
    with pytest.raises(sqlite3.IntegrityError):
        store.add(entry, finishes_draft=draft.id)  # the same id again: nothing is written
    assert [kept.id for kept in store.list_drafts()] == [draft.id]

    store.update(entry, finishes_draft=draft.id)
    assert store.list_drafts() == []


# -- workshop tags, workshop runs, the participant secret, names to scrub ------------------------


def test_workshop_tags_round_trip_and_filter(store: Store) -> None:
    tagged = make(label="from a workshop")
    tagged.workshop, tagged.workshop_step = "library-huddle", "pick-a-practice"
    store.add(tagged)
    store.add(make(label="an ordinary day"))
    assert store.get(tagged.id).workshop_step == "pick-a-practice"
    assert [e.id for e in store.list(Filter(workshop="library-huddle"))] == [tagged.id]
    assert store.count(Filter(workshop="nothing-like-it")) == 0
    assert [f.workshop for f in store.iter_facts(Filter(workshop="library-huddle"))] == ["library-huddle"]


def test_workshop_runs_are_saved_replaced_and_listed_newest_first(store: Store) -> None:
    first = WorkshopRun(
        id="r1", workshop_id="w", title="Huddle", lang="fi", participant="Table 3", started_at=T0
    )
    later = WorkshopRun(id="r2", workshop_id="w", title="Huddle", lang="en", started_at=day(1))
    other = WorkshopRun(id="r3", workshop_id="x", title="Other", lang="en", started_at=day(2))
    for run in (first, later, other):
        store.save_workshop_run(run)
    first.steps, first.finished_at = ["welcome", "choose"], day(0, hour=1)
    store.save_workshop_run(first)  # as steps complete
    assert [run.id for run in store.list_workshop_runs("w")] == ["r2", "r1"]
    assert store.list_workshop_runs("w")[1] == first
    assert len(store.list_workshop_runs()) == 3


def test_the_participant_secret_is_made_once_and_kept(journal: Path) -> None:
    with Store.open(journal) as store:
        secret = store.participant_secret()
        assert len(secret) == 32
        assert store.participant_secret() == secret
    with Store.open(journal) as store:
        assert store.participant_secret() == secret
    with Store.open(journal.parent / "other.sqlite3") as other:
        assert other.participant_secret() != secret


def test_names_to_scrub_are_replaced_deduplicated_and_kept_in_order(store: Store) -> None:
    assert store.scrub_names() == []
    store.set_scrub_names(["Veera Testinen", " ", "Oskari Kuvitelma", "Veera Testinen "])
    assert store.scrub_names() == ["Veera Testinen", "Oskari Kuvitelma"]
    store.set_scrub_names([])
    assert store.scrub_names() == []


def test_add_new_adds_only_ids_not_yet_in_the_journal(store: Store) -> None:
    kept = make(label="already here", values=["trust"])
    store.add(kept)
    fresh = make(
        created_at=day(1),
        practices=["listen-to-the-end"],
        values=["trust", "justice"],
        answers=[text_answer("what", "Veera Testinen kysyi ohjeita")],
    )
    again = dataclasses.replace(fresh, label="the same id a second time in one batch")
    changed = dataclasses.replace(kept, label="a different label under an id already stored")
    assert store.add_new([fresh, again, changed]) == 1
    assert store.get(kept.id).label == "already here"
    assert store.get(fresh.id) == fresh
    assert [hit.encounter.id for hit in store.search("Testinen", Filter())] == [fresh.id]
    assert store.add_new([]) == 0
