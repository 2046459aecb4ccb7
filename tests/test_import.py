"""encounters import: our json and jsonl back into a journal, jrnl's JSON export, and bad files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.export import imports
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

WHEN = datetime(2026, 5, 4, 7, 8, 9, 101112, tzinfo=timezone.utc)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str, **kwargs: Any) -> Result:
    result = run(*args, **kwargs)
    assert result.exit_code == 0, result.stderr
    return result


def fails(code: int, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("encounters: error: ")
    return lines[0]


@pytest.fixture
def journal() -> Iterator[Store]:
    with Store.open(paths.journal_path()) as store:
        yield store


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """A second journal to import into."""
    return tmp_path / "other" / "journal.db"


def everything(path: Path) -> list[dict[str, Any]]:
    with Store.open(path) as store:
        return [encounter.to_json() for encounter in store.iter_encounters(Filter())]


def add(store: Store, index: int, **fields: Any) -> Encounter:
    when = WHEN - timedelta(days=index)
    encounter = Encounter(
        id=store.new_id(),
        status=fields.pop("status", "reflected"),
        lang=fields.pop("lang", "fi"),
        created_at=when,
        updated_at=when + timedelta(minutes=5),
        domain="school",
        practices=["explain-the-why"],
        values=["participation", "justice"],
        ratings={"justice": 5, "participation": 1},
        label=f"Vanhempaintapaaminen {index}, siirto",
        private=fields.pop("private", False),
        workshop=fields.pop("workshop", None),
        workshop_step=fields.pop("workshop_step", None),
        answers=[
            Answer(
                "what", "after", "Mitä tapahtui?", "long_text", 'Rivi 1\nRivi 2 – äö\t"lainaus"', "c1", when
            ),
            Answer("values", "after", "Arvot?", "multi_choice", ["participation"], "c1", when, "values"),
            Answer("rating-justice", "after", "Oikeudenmukaisuus?", "scale", 5, "c1", when, "rating"),
            Answer("explain-the-why.understood", "after", "Ymmärsikö?", "yes_no", False, "c1", when),
            Answer("so-what", "after", "Entä sitten?", "long_text", None, "c1", when + timedelta(seconds=3)),
        ],
    )
    assert not fields
    store.add(encounter)
    return encounter


@pytest.fixture
def filled(journal: Store) -> list[Encounter]:
    return [
        add(journal, 0),
        add(journal, 1, private=True),
        add(journal, 2, workshop="demo-workshop", workshop_step="step-3", status="prepared", lang="en"),
    ]


# --- our own exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_export_restores_into_another_journal_exactly(
    filled: list[Encounter], tmp_path: Path, other: Path, fmt: str
) -> None:
    exported = tmp_path / f"all.{fmt}"
    ok("export", "-f", fmt, "-o", str(exported))
    result = ok("--journal", str(other), "import", str(exported))
    assert "Imported 3 encounter(s)" in result.stderr
    assert "0 already in the journal were skipped" in result.stderr
    assert everything(other) == everything(paths.journal_path())  # ids, times, answers, flags, all of it


def test_importing_twice_adds_nothing_and_counts_the_skipped(
    filled: list[Encounter], journal: Store, tmp_path: Path, other: Path
) -> None:
    first = tmp_path / "first.json"
    ok("export", "-o", str(first), "--until", "2026-05-03")  # the two older entries
    ok("--journal", str(other), "import", str(first))
    everything_file = tmp_path / "everything.json"
    ok("export", "-o", str(everything_file))
    result = ok("--journal", str(other), "import", str(everything_file))
    assert "Imported 1 encounter(s)" in result.stderr
    assert "2 already in the journal were skipped" in result.stderr
    again = ok("--journal", str(other), "import", str(everything_file))
    assert "Imported 0 encounter(s)" in again.stderr
    assert "3 already in the journal were skipped" in again.stderr
    assert len(everything(other)) == 3


def test_a_large_export_is_read_in_pieces(
    filled: list[Encounter], tmp_path: Path, other: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The json reader decodes one entry at a time from a sliding buffer; tiny pieces must not matter."""
    exported = tmp_path / "all.json"
    ok("export", "-o", str(exported))
    monkeypatch.setattr(imports, "_CHUNK", 7)
    ok("--journal", str(other), "import", str(exported))
    assert everything(other) == everything(paths.journal_path())


def test_the_output_of_list_json_imports(filled: list[Encounter], tmp_path: Path, other: Path) -> None:
    listed = tmp_path / "listed.json"
    listed.write_text(ok("list", "--json", "-n", "100").stdout, encoding="utf-8")
    ok("--journal", str(other), "import", str(listed))
    assert everything(other) == everything(paths.journal_path())


def test_an_encrypted_journal_exports_and_imports(
    filled: list[Encounter], journal: Store, tmp_path: Path
) -> None:
    journal.encrypt("correct horse battery")
    env = {"ENCOUNTERS_PASSPHRASE": "correct horse battery"}
    exported = tmp_path / "from-encrypted.json"
    ok("export", "-o", str(exported), env=env)
    before = everything_with(paths.journal_path(), "correct horse battery")
    assert json.loads(exported.read_text(encoding="utf-8"))["encounters"] == before
    target = tmp_path / "second.db"
    with Store.open(target) as second:
        second.encrypt("another long passphrase")
    ok(
        "--journal",
        str(target),
        "import",
        str(exported),
        env={"ENCOUNTERS_PASSPHRASE": "another long passphrase"},
    )
    assert everything_with(target, "another long passphrase") == before


def everything_with(path: Path, passphrase: str) -> list[dict[str, Any]]:
    with Store.open(path, passphrase=lambda: passphrase) as store:
        return [encounter.to_json() for encounter in store.iter_encounters(Filter())]


def test_a_reformatted_export_still_imports(filled: list[Encounter], tmp_path: Path, other: Path) -> None:
    """Keys in another order and other white space (say, after jq): still one JSON document."""
    document = json.loads(ok("export", "-o", "-").stdout)
    reordered = tmp_path / "reordered.json"
    reordered.write_text(
        json.dumps(
            {
                "about": document["about"],
                "encounters": document["encounters"],
                "version": 1,
                "format": "encounters-export",
            },
            indent=4,
        ),
        encoding="utf-8",
    )
    ok("--journal", str(other), "import", str(reordered))
    assert len(everything(other)) == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_anonymised_export_is_refused(
    filled: list[Encounter], tmp_path: Path, other: Path, fmt: str
) -> None:
    exported = tmp_path / f"anon.{fmt}"
    ok("export", "-f", fmt, "-o", str(exported), "--anonymise", "--study-key", "k", "--k", "1")
    line = fails(1, "--journal", str(other), "import", str(exported))
    assert "anonymised research export" in line
    assert everything(other) == []


def write_export(path: Path, records: list[Any], **head: Any) -> Path:
    document = {"format": "encounters-export", "version": 1, **head, "encounters": records, "about": {}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "0123456789abcdef0123456789abcdef",
        "status": "logged",
        "created_at": "2026-05-04T07:08:09.000000Z",
        "updated_at": "2026-05-04T07:08:09.000000Z",
        "lang": "en",
        "answers": [],
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"not json at all", "not an encounters export (neither a JSON object nor a list of entries)"),
        (b"[1, 2]", "entry 1: expected an object, found a number"),
        (b"[] []", "more follows the end of the list"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b'{"format": "encounters-export", "version": 1, "encounters": [', "is not valid JSON"),
        (b'{"tags": {}, "entries": []}', "looks like a jrnl export: import it with --from jrnl"),
        (b'{"format": "something-else", "encounters": []}', "is not an encounters export"),
        (b'{"format": "encounters-export", "version": 2, "encounters": []}', "version 2"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, other: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert expected in fails(1, "--journal", str(other), "import", str(bad))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "done"}, "entry 3: 'status' must be one of prepared, reflected, logged"),
        ({"id": "not-hex"}, "entry 3: 'id' must be 32 lowercase hex characters"),
        ({"created_at": "yesterday"}, "entry 3: 'created_at' is not a time"),
        ({"lang": ...}, "entry 3: 'lang' is missing"),
        ({"colour": "red"}, "entry 3: unknown field 'colour'"),
        ({"ratings": {"trust": 9}}, "entry 3: the rating for 'trust' must be a whole number 1-5"),
        ({"label": "\ud800"}, "entry 3: 'label' is not valid UTF-8 text"),
        (
            {"answers": [{"question_id": "q", "phase": "later", "question": "Q", "question_type": "text"}]},
            "entry 3, answer 1: 'phase' must be one of before, after, quick",
        ),
        (
            {
                "answers": [
                    {
                        "question_id": "q",
                        "phase": "quick",
                        "question": "Q",
                        "question_type": "text",
                        "answer": {"a": 1},
                    }
                ]
            },
            "entry 3, answer 1: 'answer' must be text, a list of texts",
        ),
    ],
)
def test_a_bad_last_entry_stops_the_import_before_anything_is_added(
    tmp_path: Path, other: Path, changes: dict[str, Any], expected: str
) -> None:
    good = [record(id=f"{index:032x}") for index in (1, 2)]
    bad = write_export(tmp_path / "bad.json", [*good, record(**changes)])
    assert expected in fails(1, "--journal", str(other), "import", str(bad))
    assert everything(other) == []


def test_a_bad_jsonl_line_names_the_line(tmp_path: Path, other: Path) -> None:
    lines = [json.dumps(record(id=f"{index:032x}")) for index in (1, 2)] + ["", "{broken"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "bad.jsonl, line 4: not valid JSON" in fails(1, "--journal", str(other), "import", str(bad))
    assert everything(other) == []


def test_missing_file_or_folder(tmp_path: Path) -> None:
    assert "not found" in fails(1, "import", str(tmp_path / "nope.json"))
    assert "a folder" in fails(1, "import", str(tmp_path))


def test_unknown_source() -> None:
    assert "unknown import source 'dayone'" in fails(1, "import", "--from", "dayone", "x.json")


# --- jrnl ----------------------------------------------------------------------------------------


def jrnl_export(path: Path, entries: list[dict[str, Any]]) -> Path:
    """A file as 'jrnl --export json' writes it: tag counts, then the entries (jrnl lowercases tags)."""
    tags: dict[str, int] = {}
    for entry in entries:
        for tag in entry.get("tags", []):
            tags[tag] = tags.get(tag, 0) + 1
    path.write_text(json.dumps({"tags": tags, "entries": entries}, indent=2), encoding="utf-8")
    return path


JRNL_ENTRIES = [
    {
        "title": "Kirjastossa Oskari Kuvitelman kanssa.",
        "body": "Kävimme hakemuksen läpi. @luottamus näkyi, kun kerroin miksi.\n\nToinen kappale.",
        "date": "2026-04-02",
        "time": "14:30",
        "tags": ["@luottamus", "#knowledge", "@työ"],
        "starred": True,
    },
    {
        "title": "Short entry with only a title.",
        "body": "",
        "date": "2026-04-03",
        "time": "09:05",
        "tags": [],
        "starred": False,
    },
    {
        "title": "A Day One entry.",
        "body": "It came with its own uuid.",
        "date": "2026-04-04",
        "time": "18:00",
        "tags": ["@Participation"],
        "starred": False,
        "uuid": "5A1D1B0C2E3F40718293A4B5C6D7E8F9",
        "creator": {"software_agent": "Day One"},
    },
]


def test_a_jrnl_export_becomes_logged_entries(tmp_path: Path, journal: Store) -> None:
    source = jrnl_export(tmp_path / "jrnl.json", JRNL_ENTRIES)
    result = ok("--lang", "fi", "import", "--from", "jrnl", str(source))
    assert "Tuotiin 3 kohtaamista" in result.stderr
    entries = {encounter.label: encounter for encounter in journal.iter_encounters(Filter())}
    first = entries["Kirjastossa Oskari Kuvitelman kanssa."]
    assert first.status == "logged"
    assert first.lang == "fi"
    assert first.values == ["trust", "knowledge"]  # by the Finnish name and by the id, any tag sign
    assert first.created_at == datetime(2026, 4, 2, 14, 30).astimezone().astimezone(timezone.utc)
    by_id = {answer.question_id: answer for answer in first.answers}
    assert by_id["note"].answer == JRNL_ENTRIES[0]["body"]
    assert by_id["note"].phase == "quick"
    assert by_id["note"].question == "Mitä tapahtui ja mitä huomasit?"  # the log question, in Finnish
    assert by_id["jrnl-tags"].answer == ["@työ"]
    assert by_id["jrnl-starred"].answer is True
    short = entries["Short entry with only a title."]
    assert [answer.question_id for answer in short.answers] == ["note"]
    assert short.answers[0].answer == "Short entry with only a title."
    day_one = entries["A Day One entry."]
    assert day_one.id == "5a1d1b0c2e3f40718293a4b5c6d7e8f9"
    assert day_one.values == ["participation"]

    again = ok("import", "--from", "jrnl", str(source))
    assert "Imported 0 encounter(s)" in again.stderr
    assert "3 already in the journal were skipped" in again.stderr


def test_a_jrnl_import_exports_as_wide_csv(tmp_path: Path, journal: Store) -> None:
    ok("import", "--from", "jrnl", str(jrnl_export(tmp_path / "jrnl.json", JRNL_ENTRIES)))
    out = tmp_path / "wide.csv"
    ok("export", "-f", "csv", "--wide", "-o", str(out))
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"answer_note", "answer_jrnl-tags", "answer_jrnl-starred"} <= set(header)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"entries": "none"}, "is not a jrnl JSON export"),
        ([1, 2], "is not a jrnl JSON export"),
        ({"entries": [{"title": "x"}]}, "entry 1: 'date' is missing"),
        (
            {"entries": [{"title": "x", "date": "2026-13-40", "time": "25:00"}]},
            "entry 1: cannot read the date",
        ),
        ({"entries": [{"title": 5, "date": "2026-01-01"}]}, "entry 1: 'title' must be text"),
        ({"format": "encounters-export", "version": 1, "encounters": []}, "import it without --from jrnl"),
    ],
)
def test_bad_jrnl_files(tmp_path: Path, other: Path, document: Any, expected: str) -> None:
    bad = tmp_path / "bad-jrnl.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert expected in fails(1, "--journal", str(other), "import", "--from", "jrnl", str(bad))
    assert everything(other) == []


def test_a_jrnl_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "journal.txt"
    bad.write_text("[2026-04-02 14:30] A plain text jrnl journal.\n", encoding="utf-8")
    assert "is not valid JSON" in fails(1, "import", "--from", "jrnl", str(bad))
