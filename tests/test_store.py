"""The journal Store against real SQLite files in a temporary folder. All data is synthetic."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from encounters_cli.errors import AmbiguousIdError, JournalError, NotFoundError
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store, fts_query, searchable_text
from encounters_cli.storage.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Answer,
    Draft,
    Encounter,
    Filter,
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
