"""The command line through Typer's runner: stdin is not a terminal here, stdout and stderr are apart."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.errors import NotFoundError
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter

ENCOUNTER_KEYS = {
    "id",
    "status",
    "created_at",
    "updated_at",
    "domain",
    "practices",
    "values",
    "ratings",
    "label",
    "private",
    "lang",
    "answers",
}
ANSWER_KEYS = {"question_id", "phase", "question", "answer"}
NASTY_LABEL = "[bold]x[/bold]\x1b[31m"

PREPARE_ANSWERS = {
    "domain": "library",
    "practice": "explain-the-why",
    "answers": {
        "label": "help with a benefit form at the counter",
        "intention": "The visitor understands each part of the form.",
        "explain-the-why.reasons": "Why proof of income is needed.",
    },
}
REFLECT_ANSWERS = {
    "values": ["knowledge", "trust"],
    "answers": {
        "what": "We read the form together and I explained the income part.",
        "so-what": "They could decide which part to fill in first.",
        "rating-knowledge": 4,
        "explain-the-why.understood": 5,
        "next-step": "Ask what they already know first.",
    },
}


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke the app; whatever happens, a user never sees a traceback without --debug."""
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200", **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str, **kwargs: Any) -> Result:
    result = run(*args, **kwargs)
    assert result.exit_code == 0, result.stderr
    return result


def fails(code: int, *args: str, **kwargs: Any) -> str:
    """Run a command that must fail with ``code``: one line on stderr, nothing on stdout; the line."""
    result = run(*args, **kwargs)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("encounters: error: ")
    return lines[0]


def listed(*args: str) -> list[dict[str, Any]]:
    result = ok("list", "--json", *args)
    return json.loads(result.stdout)


def write(path: Path, data: Any) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def journal() -> Iterator[Store]:
    with Store.open(paths.journal_path()) as store:
        yield store


def local(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0).astimezone()


def seed(store: Store, **fields: Any) -> Encounter:
    text = fields.pop("text", "A note.")
    when = fields.pop("when", None)
    encounter = Encounter(
        id=fields.pop("id", None) or store.new_id(),
        status=fields.pop("status", "logged"),
        lang="en",
        answers=[Answer("note", "quick", "What happened?", "long_text", text, "test")],
        **fields,
    )
    if when is not None:
        encounter.created_at = encounter.updated_at = when
    store.add(encounter)
    return encounter


# --- help ----------------------------------------------------------------------------------------


def _command_paths() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(get_command(app), ())
    return found


COMMAND_PATHS = _command_paths()


def test_the_command_tree_has_every_documented_command() -> None:
    names = {" ".join(path) for path in COMMAND_PATHS}
    expected = {
        "prepare",
        "reflect",
        "log",
        "questions",
        "list",
        "show",
        "search",
        "edit",
        "delete",
        "practices list",
        "practices show",
        "practices search",
        "values",
        "domains",
        "check",
        "paths",
        "config show",
        "config set",
        "config unset",
    }
    assert expected <= names


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "encounters")
def test_every_command_has_help_text(path: tuple[str, ...]) -> None:
    command = get_command(app)
    for name in path:
        command = command.commands[name]
    assert (command.help or "").strip(), f"'{' '.join(path)}' has no help text"
    for param in command.params:
        if param.name != "help":
            assert (getattr(param, "help", None) or "").strip(), (
                f"{param.name} of '{' '.join(path)}' has no help"
            )

    result = ok(*path, "--help")
    assert "Usage: encounters" in result.stdout
    assert command.help.splitlines()[0].strip()[:30] in " ".join(result.stdout.split())
    assert ok(*path, "-h").stdout == result.stdout


@pytest.mark.parametrize("group", [(), ("practices",), ("config",)])
def test_a_group_without_a_command_shows_its_help_without_an_empty_error(group: tuple[str, ...]) -> None:
    result = run(*group)
    assert result.exit_code == 2
    assert "Usage: encounters" in result.stdout
    assert "error" not in result.stderr


def test_version() -> None:
    assert re.fullmatch(r"encounters \d+\.\d+\.\d+\S*\n", ok("--version").stdout)


def test_an_unknown_option_is_a_one_line_usage_error() -> None:
    line = fails(2, "list", "--bogus")
    assert "--bogus" in line
    assert "encounters list --help" in line


# --- prepare and reflect with answers files -------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_prepare_and_reflect_from_answers_files(tmp_path: Path, suffix: str) -> None:
    prepared = ok("prepare", "--answers", str(write(tmp_path / f"prepare{suffix}", PREPARE_ANSWERS)))
    encounter_id = prepared.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}\n", prepared.stdout)  # only the id on stdout
    assert f"encounters reflect {encounter_id[:8]}" in prepared.stderr

    [entry] = listed()
    assert set(entry) >= ENCOUNTER_KEYS
    assert entry["id"] == encounter_id
    assert entry["status"] == "prepared"
    assert entry["domain"] == "library"
    assert entry["practices"] == ["explain-the-why"]
    assert entry["label"] == "help with a benefit form at the counter"
    assert entry["private"] is False
    assert entry["lang"] == "en"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", entry["created_at"])
    for answer in entry["answers"]:
        assert set(answer) >= ANSWER_KEYS
    by_id = {answer["question_id"]: answer for answer in entry["answers"]}
    assert by_id["intention"]["phase"] == "before"
    assert by_id["intention"]["answer"] == "The visitor understands each part of the form."
    assert by_id["intention"]["question"].startswith("What do you want this encounter to achieve")
    assert by_id["explain-the-why.reasons"]["answer"] == "Why proof of income is needed."

    reflect_file = write(tmp_path / f"reflect{suffix}", REFLECT_ANSWERS)
    reflected = ok("reflect", encounter_id[:6], "--answers", str(reflect_file))
    assert reflected.stdout.strip() == encounter_id
    assert "Ask what they already know first." in reflected.stderr  # the summary ends on the next step

    [entry] = listed()
    assert entry["status"] == "reflected"
    assert entry["values"] == ["knowledge", "trust"]
    assert entry["ratings"] == {"knowledge": 4}
    phases = [answer["phase"] for answer in entry["answers"]]
    assert phases.count("before") == 8
    assert entry["answers"][-1]["question_id"] == "next-step"
    assert entry["updated_at"] > entry["created_at"]


def test_answers_file_settings_private_and_encounter(tmp_path: Path) -> None:
    encounter_id = ok("prepare", "--answers", str(write(tmp_path / "p.yaml", PREPARE_ANSWERS))).stdout.strip()
    reflect = {**REFLECT_ANSWERS, "encounter": encounter_id[:5], "private": True}
    ok("reflect", "--answers", str(write(tmp_path / "r.yaml", reflect)))
    [entry] = listed()
    assert entry["status"] == "reflected"
    assert entry["private"] is True


def test_reflect_twice_on_one_encounter_is_an_error(tmp_path: Path) -> None:
    encounter_id = ok("prepare", "--answers", str(write(tmp_path / "p.yaml", PREPARE_ANSWERS))).stdout.strip()
    reflect_file = str(write(tmp_path / "r.yaml", REFLECT_ANSWERS))
    ok("reflect", encounter_id, "--answers", reflect_file)
    line = fails(1, "reflect", encounter_id, "--answers", reflect_file)
    assert "already reflected" in line


@pytest.mark.parametrize("flow", ["prepare", "reflect"])
def test_no_terminal_and_no_answers_file_stops_at_once(flow: str) -> None:
    line = fails(1, flow, input="intention\n")
    assert "--answers" in line
    assert "not a terminal" in line
    assert listed() == []


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"answers": {"intention": "x", "intentoin": "y"}}, "'intentoin'"),
        ({"answers": {"intention": ["a"]}}, "'intention' expects text"),
        ({"answers": {}}, "'intention' needs an answer"),
        ({"answers": {"intention": "x", "lifeline": "kindness"}}, "'lifeline'"),
        ({"domain": "moon", "answers": {"intention": "x"}}, "'domain'"),
        ({"answers": {"intention": "x"}, "colour": "red"}, "unknown key 'colour'"),
        ({"answers": {"intention": "x"}, "private": "yes"}, "'private' must be true or false"),
    ],
)
def test_answers_file_mistakes_are_one_line_and_save_nothing(
    tmp_path: Path, answers: dict, expected: str
) -> None:
    path = write(tmp_path / "answers.yaml", answers)
    line = fails(1, "prepare", "--answers", str(path))
    assert expected in line
    assert str(path) in line
    assert listed() == []


def test_an_out_of_range_rating_in_an_answers_file(tmp_path: Path) -> None:
    data = {"answers": {"what": "x", "so-what": "y", "next-step": "z", "rating-justice": 6}}
    line = fails(1, "reflect", "--answers", str(write(tmp_path / "r.json", data)))
    assert "'rating-justice'" in line
    assert "outside 1-5" in line


def test_a_missing_answers_file() -> None:
    line = fails(2, "prepare", "--answers", "nowhere.yaml")
    assert "nowhere.yaml" in line


@pytest.mark.parametrize(("option", "value"), [("--domain", "moon"), ("--practice", "be-nice")])
def test_unknown_domain_or_practice_options(tmp_path: Path, option: str, value: str) -> None:
    path = write(tmp_path / "p.yaml", PREPARE_ANSWERS)
    line = fails(1, "prepare", option, value, "--answers", str(path))
    assert value in line


# --- log ------------------------------------------------------------------------------------------


def test_log_text_with_values() -> None:
    result = ok("log", "Short phone call about a rejected application", "-v", "trust", "-v", "justice")
    [entry] = listed()
    assert result.stdout.strip() == entry["id"]
    assert f"Logged {entry['id'][:8]}" in result.stderr
    assert entry["status"] == "logged"
    assert entry["values"] == ["trust", "justice"]
    assert entry["answers"][0]["answer"] == "Short phone call about a rejected application"
    assert entry["answers"][0]["phase"] == "quick"


def test_log_reads_stdin() -> None:
    ok("log", "--domain", "school", "--label", "parent meeting", input="First line.\nSecond line.\n")
    [entry] = listed()
    assert entry["answers"][0]["answer"] == "First line.\nSecond line."
    assert entry["domain"] == "school"
    assert entry["label"] == "parent meeting"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("log", "x", "-v", "kindness"), "kindness"),
        (("log", "x", "--domain", "moon"), "moon"),
        (("log", "x", "--practice", "be-nice"), "be-nice"),
        (("log",), "'note' needs an answer"),
    ],
)
def test_log_mistakes(args: tuple[str, ...], expected: str) -> None:
    assert expected in fails(1, *args, input="")
    assert listed() == []


# --- list -----------------------------------------------------------------------------------------


@pytest.fixture
def spread(journal: Store) -> dict[str, Encounter]:
    return {
        "jan": seed(
            journal,
            when=local(2020, 1, 10),
            domain="library",
            values=["trust"],
            practices=["explain-the-why"],
        ),
        "feb": seed(
            journal,
            status="reflected",
            when=local(2020, 2, 10),
            domain="school",
            values=["trust", "justice"],
        ),
        "mar": seed(
            journal, status="prepared", when=local(2020, 3, 10), domain="school", practices=["plan-together"]
        ),
        "now": seed(journal, status="prepared"),
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["now", "mar", "feb", "jan"]),
        (("-n", "2"), ["now", "mar"]),
        (("--limit", "1"), ["now"]),
        (("--since", "2020-02-10"), ["now", "mar", "feb"]),
        (("--until", "2020-02-10"), ["feb", "jan"]),
        (("--since", "2020-01-11", "--until", "2020-03-09"), ["feb"]),
        (("--value", "trust"), ["feb", "jan"]),
        (("-v", "trust", "-v", "justice"), ["feb"]),
        (("--domain", "school"), ["mar", "feb"]),
        (("--practice", "plan-together"), ["mar"]),
        (("--open",), ["now", "mar"]),
        (("--open", "--domain", "school"), ["mar"]),
        (("--since", "today"), ["now"]),
    ],
)
def test_list_filters(spread: dict[str, Encounter], args: tuple[str, ...], expected: list[str]) -> None:
    names = {encounter.id: name for name, encounter in spread.items()}
    assert [names[entry["id"]] for entry in listed(*args)] == expected


def test_list_as_a_table(spread: dict[str, Encounter]) -> None:
    result = ok("list", "--domain", "school")
    assert result.stderr == ""
    rows = [line for line in result.stdout.splitlines() if re.match(r"[0-9a-f]{8} ", line)]
    assert [row[:8] for row in rows] == [spread["mar"].short_id, spread["feb"].short_id]
    assert "School" in rows[0]
    assert "2020-03-10" in rows[0]


def test_an_empty_list_says_how_to_start() -> None:
    result = ok("list")
    assert result.stdout == ""
    assert "encounters prepare" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("--value", "kindness"), 1, "kindness"),
        (("--domain", "moon"), 1, "moon"),
        (("--practice", "be-nice"), 1, "be-nice"),
        (("--since", "last tuesday"), 2, "cannot read the date"),
        (("-n", "0"), 2, "-n"),
        (("-n", "many"), 2, "'-n'"),
    ],
)
def test_list_filter_mistakes(args: tuple[str, ...], code: int, expected: str) -> None:
    assert expected in fails(code, "list", *args)


# --- show -----------------------------------------------------------------------------------------


@pytest.fixture
def twins(journal: Store) -> tuple[Encounter, Encounter]:
    first = seed(journal, id="abcd1" + "0" * 27, text="The first of two.")
    second = seed(journal, id="abcd2" + "0" * 27, text="The second of two.", values=["trust"])
    return first, second


def test_show_by_prefix(twins: tuple[Encounter, Encounter]) -> None:
    result = ok("show", "abcd2")
    assert result.stdout.startswith(twins[1].id)
    assert "The second of two." in result.stdout
    assert "What happened?" in result.stdout
    assert "Trust" in result.stdout
    assert json.loads(ok("show", "ABCD1", "--json").stdout)["id"] == twins[0].id


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("abcd", "more than one"),
        ("ffff", "no encounter"),
        ("ab", "at least 4"),
        ("zzzzz", "not an encounter id"),
    ],
)
def test_show_ambiguous_or_missing(twins: tuple[Encounter, Encounter], prefix: str, expected: str) -> None:
    assert expected in fails(1, "show", prefix)


def test_debug_shows_the_real_exception() -> None:
    result = CliRunner().invoke(app, ["--debug", "show", "ffff"])
    assert isinstance(result.exception, NotFoundError)


# --- search ---------------------------------------------------------------------------------------


@pytest.fixture
def searchable(journal: Store) -> dict[str, Encounter]:
    return {
        "library": seed(journal, domain="library", values=["knowledge"], text="We booked an interpreter."),
        "school": seed(journal, domain="school", text="The interpreter was late; we waited together."),
        "other": seed(journal, domain="school", text="A calm meeting."),
    }


def test_search_with_filters_and_json(searchable: dict[str, Encounter]) -> None:
    hits = json.loads(ok("search", "interpreter", "--json").stdout)
    assert {hit["id"] for hit in hits} == {searchable["library"].id, searchable["school"].id}
    for hit in hits:
        assert set(hit) >= ENCOUNTER_KEYS
        assert "[interpreter]" in hit["snippet"]
        assert isinstance(hit["score"], float)

    hits = json.loads(ok("search", "interpreter", "--domain", "school", "--json").stdout)
    assert [hit["id"] for hit in hits] == [searchable["school"].id]
    hits = json.loads(ok("search", "interpreter", "-v", "knowledge", "--json").stdout)
    assert [hit["id"] for hit in hits] == [searchable["library"].id]


def test_search_as_text_and_when_nothing_matches(searchable: dict[str, Encounter]) -> None:
    result = ok("search", "waited")
    assert result.stdout.startswith(searchable["school"].short_id)
    assert "we waited together" in result.stdout
    nothing = ok("search", "helicopter")
    assert nothing.stdout == ""
    assert "Nothing matches" in nothing.stderr
    assert json.loads(ok("search", "helicopter", "--json").stdout) == []


def test_search_takes_any_text(searchable: dict[str, Encounter]) -> None:
    ok("search", 'AND "( -interpreter')


# --- edit -----------------------------------------------------------------------------------------

EDITOR_SCRIPT = """\
import os, sys

mode, path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as handle:
    text = handle.read()
with open(os.environ["EDIT_LOG"], "w", encoding="utf-8") as log:
    log.write(path + "\\n" + oct(os.stat(path).st_mode & 0o777))
changes = {
    "answer": ("The first answer.", "A better answer."),
    "rating": ("ratings: {}", "ratings: {trust: 9}"),
    "value": ("values: [trust]", "values: [kindness]"),
    "same": ("", ""),
    "intention": ("The visitor understands each part of the form.", "They know what happens next."),
}
old, new = changes[mode]
assert old in text, text
with open(path, "w", encoding="utf-8") as handle:
    handle.write(text.replace(old, new, 1))
"""


@pytest.fixture
def editor(tmp_path: Path) -> Any:
    folder = tmp_path / "my editor"  # a space in the path: EDITOR is split like a shell would
    folder.mkdir()
    script = folder / "edit.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    log = tmp_path / "editor.log"

    def env(mode: str) -> dict[str, str]:
        return {"EDITOR": f'"{sys.executable}" "{script}" {mode}', "EDIT_LOG": str(log), "VISUAL": ""}

    env.log = log  # type: ignore[attr-defined]
    return env


def test_edit_saves_a_changed_answer(journal: Store, editor: Any) -> None:
    entry = seed(journal, text="The first answer.", values=["trust"])
    result = ok("edit", entry.short_id, env=editor("answer"))
    assert f"Saved changes to {entry.short_id}" in result.stderr
    assert journal.get(entry.id).answers[0].answer == "A better answer."
    edited_path, mode = editor.log.read_text(encoding="utf-8").splitlines()
    assert mode == "0o600"
    assert not Path(edited_path).exists()


def test_edit_an_answer_of_a_prepared_encounter(tmp_path: Path, editor: Any) -> None:
    encounter_id = ok("prepare", "--answers", str(write(tmp_path / "p.yaml", PREPARE_ANSWERS))).stdout.strip()
    ok("edit", encounter_id[:6], env=editor("intention"))
    [entry] = listed()
    answers = {answer["question_id"]: answer["answer"] for answer in entry["answers"]}
    assert answers["intention"] == "They know what happens next."
    assert answers["explain-the-why.reasons"] == "Why proof of income is needed."
    assert entry["label"] == "help with a benefit form at the counter"


def test_edit_without_changes(journal: Store, editor: Any) -> None:
    entry = seed(journal, text="The first answer.")
    result = ok("edit", entry.short_id, env=editor("same"))
    assert "No changes" in result.stderr
    assert journal.get(entry.id).updated_at == entry.updated_at


@pytest.mark.parametrize(
    ("mode", "expected", "kept_text"),
    [("rating", "rating for 'trust'", "{trust: 9}"), ("value", "kindness", "values: [kindness]")],
)
def test_an_invalid_edit_keeps_the_original_and_the_edited_text(
    journal: Store, editor: Any, mode: str, expected: str, kept_text: str
) -> None:
    entry = seed(journal, text="The first answer.", values=["trust"])
    line = fails(1, "edit", entry.short_id, env=editor(mode))
    assert expected in line
    assert "unchanged" in line
    stored = journal.get(entry.id)
    assert stored.values == ["trust"]
    assert stored.ratings == {}
    assert stored.updated_at == entry.updated_at
    kept = Path(line.rsplit(" in ", 1)[1])
    assert kept.exists()
    assert kept_text in kept.read_text(encoding="utf-8")
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_failing_editor_saves_nothing(journal: Store) -> None:
    entry = seed(journal)
    assert "exited with code 1" in fails(1, "edit", entry.short_id, env={"EDITOR": "false", "VISUAL": ""})
    assert "editor not found" in fails(
        1, "edit", entry.short_id, env={"EDITOR": "no-such-editor-here", "VISUAL": ""}
    )


# --- delete ---------------------------------------------------------------------------------------


def test_delete_with_yes(journal: Store) -> None:
    keep = seed(journal, text="Keep me.")
    gone = seed(journal, text="Delete the interpreter note.")
    result = ok("delete", gone.short_id, "--yes")
    assert f"Deleted {gone.short_id}" in result.stderr
    assert [entry["id"] for entry in listed()] == [keep.id]
    assert json.loads(ok("search", "interpreter", "--json").stdout) == []


def test_delete_without_yes_and_without_a_terminal_deletes_nothing(journal: Store) -> None:
    entry = seed(journal)
    line = fails(2, "delete", entry.short_id, input="y\n")
    assert "--yes" in line
    assert [item["id"] for item in listed()] == [entry.id]


def test_delete_a_missing_encounter() -> None:
    assert "no encounter" in fails(1, "delete", "ffff", "--yes")


# --- the catalogue --------------------------------------------------------------------------------


def test_check_a_broken_pack_lists_every_located_problem(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "practices.yaml").write_text(
        textwrap.dedent(
            """\
            practices:
              - id: Bad_Id
                title: {en: A title}
              - id: good-one
                title: {en: Good, fi: Hyvä}
                summary: {en: S, fi: S}
                why: {en: W, fi: W}
                steps:
                  - {en: a, fi: a}
                  - {en: b, fi: b}
                values: [kindness, trust]
                domains: all
                before: [{id: q, type: text, prompt: {en: Q?, fi: K?}}]
                after: [{id: q, type: text, prompt: {en: Q?, fi: K?}}]
            """
        ),
        encoding="utf-8",
    )
    result = run("check", str(pack))
    assert result.exit_code == 1
    assert result.stdout == ""
    *problems, last = result.stderr.splitlines()
    assert last == f"encounters: error: {len(problems)} problems found"
    assert len(problems) >= 3
    for line in problems:
        assert re.match(r"\S*practices\.yaml:\d+:\d+: ", line), line
    assert any("Bad_Id" in line for line in problems)
    assert any("kindness" in line for line in problems)
    assert any("title.fi" in line for line in problems)


def test_check_a_valid_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "domains.yaml").write_text(
        "domains:\n  - id: youth-work\n    name: {en: Youth work, fi: Nuorisotyö}\n", encoding="utf-8"
    )
    result = ok("check", str(pack))
    assert "valid" in result.stderr


def test_check_a_missing_path() -> None:
    result = run("check", "no-such-pack")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "no-such-pack: no such file or folder",
        "encounters: error: 1 problem found",
    ]


def test_questions_as_json() -> None:
    listing = json.loads(ok("questions", "prepare", "--json").stdout)
    by_id = {item["id"]: item for item in listing}
    assert list(by_id)[:4] == ["domain", "practice", "label", "intention"]
    assert by_id["intention"]["required"] is True
    assert by_id["intention"]["type"] == "long_text"
    assert by_id["lifeline"]["options"] == ["participation", "trust", "knowledge", "justice"]
    with_practice = json.loads(ok("questions", "reflect", "-p", "explain-the-why", "--json").stdout)
    assert "explain-the-why.understood" in [item["id"] for item in with_practice]
    table = ok("questions", "reflect").stdout
    assert "rating-trust" in table
    assert "next-step" in table
    assert "nope" in fails(1, "questions", "nope")


def test_values_and_domains_as_json() -> None:
    values = json.loads(ok("values", "--json").stdout)
    assert [value["id"] for value in values][:2] == ["equality", "freedom"]
    assert {value["kind"] for value in values} == {"cornerstone", "lifeline", "outcome"}
    assert len(values) == 9
    domains = json.loads(ok("domains", "--json").stdout)
    assert "early-childhood-education" in [domain["id"] for domain in domains]


def test_practices_list_show_and_search() -> None:
    every = json.loads(ok("practices", "list", "--json").stdout)
    assert len(every) >= 18
    for_work = json.loads(ok("practices", "list", "--domain", "employment-services", "--json").stdout)
    assert "hear-the-child" not in [practice["id"] for practice in for_work]
    for_freedom = json.loads(ok("practices", "list", "--value", "freedom", "--json").stdout)
    assert all("freedom" in practice["values"] for practice in for_freedom)

    card = ok("practices", "show", "explain-the-why").stdout
    assert "Explain the why" in card
    assert "Why it matters" in card
    assert "Do you yourself know why the rule exists?" in card
    assert "explain-the-why" in ok("practices", "search", "reasons").stdout
    assert "be-nice" in fails(1, "practices", "show", "be-nice")


def test_paths_honour_encounters_home_and_journal(isolated_home: Path, tmp_path: Path) -> None:
    listing = json.loads(ok("paths", "--json").stdout)
    assert listing["data"] == str(isolated_home)
    assert listing["journal"] == str(isolated_home / "journal.sqlite3")
    assert listing["config"] == str(isolated_home / "config.toml")
    assert all(Path(folder).is_dir() for folder in listing["shipped_catalogue"])
    assert {Path(folder).name for folder in listing["shipped_catalogue"]} == {"practices", "prompts"}

    other = tmp_path / "elsewhere" / "mine.sqlite3"
    assert json.loads(ok("--journal", str(other), "paths", "--json").stdout)["journal"] == str(other)
    ok("--journal", str(other), "log", "Into the other journal.")
    assert other.exists()
    assert listed() == []
    assert len(json.loads(ok("--journal", str(other), "list", "--json").stdout)) == 1


def test_config_lang(isolated_home: Path) -> None:
    ok("config", "set", "lang", "fi")
    assert "Yhdenvertaisuus" in ok("values").stdout
    assert "lang" in fails(1, "config", "set", "lang", "sv")
    ok("config", "unset", "lang")
    assert "Equality" in ok("values").stdout


# --- language -------------------------------------------------------------------------------------


def test_lang_fi_gives_finnish_content(tmp_path: Path) -> None:
    assert "Yhdenvertaisuus" in ok("--lang", "fi", "values").stdout
    card = ok("--lang", "fi", "practices", "show", "explain-the-why").stdout
    assert "Kerro perustelut" in card
    assert "Miksi tämä on tärkeää" in card

    result = ok("--lang", "fi", "prepare", "--answers", str(write(tmp_path / "p.yaml", PREPARE_ANSWERS)))
    assert "Valmistelu" in result.stderr
    [entry] = listed()
    assert entry["lang"] == "fi"
    intention = next(a for a in entry["answers"] if a["question_id"] == "intention")
    assert intention["question"].startswith("Mitä haluat tämän kohtaamisen saavan aikaan")
    assert "Kirjasto" in ok("--lang", "fi", "list").stdout


def test_a_finnish_locale_gives_finnish_content() -> None:
    assert "Yhdenvertaisuus" in ok("values", env={"LANG": "fi_FI.UTF-8"}).stdout
    assert "Equality" in ok("--lang", "en", "values", env={"LANG": "fi_FI.UTF-8"}).stdout


def test_an_unknown_lang_is_a_usage_error() -> None:
    assert "sv" in fails(2, "--lang", "sv", "values")


# --- user text is shown literally -----------------------------------------------------------------


def test_markup_and_escapes_in_user_text_are_shown_literally(journal: Store) -> None:
    ok("log", f"Note with {NASTY_LABEL} inside", "--label", NASTY_LABEL, "-v", "trust")
    [entry] = listed()
    assert entry["label"] == NASTY_LABEL  # stored as typed; JSON escapes it its own way

    for args in (("list",), ("show", entry["id"][:8]), ("search", "note")):
        shown = ok(*args).stdout
        assert "[bold]x[/bold]\\x1b[31m" in shown, args
        assert "\x1b" not in shown, args


def test_bidirectional_overrides_are_shown_not_obeyed(journal: Store) -> None:
    ok("log", "Paid \u202etxet neddih\u202c in full", "--label", "refund \u2066desk\u2069")
    for args in (("list",), ("show", listed()[0]["id"][:8])):
        shown = ok(*args).stdout
        assert "\u202e" not in shown, args
        assert "\u2066" not in shown, args
        assert "\\u202e" in shown or "\\u2066" in shown, args


def test_markup_in_an_error_message_is_shown_literally() -> None:
    line = fails(1, "show", "[red]beef[/red]")
    assert "[red]beef[/red]" in line


def test_brackets_in_a_trainers_pack_are_shown_literally(tmp_path: Path, journal: Store) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        textwrap.dedent(
            """\
            domains:
              - id: youth-work
                name: {en: "Youth [work]", fi: "Nuoriso[työ]"}
            practices:
              - id: team-check
                title: {en: "Ask [team] first [bold]now[/bold] :thumbs_up:", fi: "Kysy [tiimi] ensin"}
                summary: {en: S, fi: S}
                why: {en: W, fi: W}
                steps: [{en: a, fi: a}, {en: b, fi: b}]
                values: [trust]
                domains: all
                before: [{id: q, type: text, prompt: {en: "Q [x]?", fi: "K [x]?"}}]
                after: [{id: q, type: text, prompt: {en: "Q?", fi: "K?"}}]
            """
        ),
        encoding="utf-8",
    )
    env = {"ENCOUNTERS_PRACTICES": str(pack)}
    assert "Ask [team] first [bold]now[/bold] :thumbs_up:" in ok("practices", "list", env=env).stdout
    assert "Ask [team] first [bold]now[/bold]" in ok("practices", "search", "team", env=env).stdout
    assert "Q [x]?" in ok("questions", "prepare", "-p", "team-check", env=env).stdout
    assert "Youth [work]" in ok("domains", env=env).stdout
    seed(journal, domain="youth-work")
    assert "Youth [work]" in ok("list", env=env).stdout


def test_list_and_search_filter_by_workshop() -> None:
    from encounters_cli.storage import paths
    from encounters_cli.storage.journal import Store
    from encounters_cli.storage.records import Encounter

    with Store.open(paths.journal_path()) as store:
        for label, shop in (("huddle answer", "library-huddle"), ("ordinary answer", None)):
            store.add(Encounter(id=Store.new_id(), status="logged", lang="en", label=label, workshop=shop))
    listed = json.loads(ok("list", "--workshop", "library-huddle", "--json").stdout)
    assert [item["label"] for item in listed] == ["huddle answer"]
    found = json.loads(ok("search", "answer", "-w", "library-huddle", "--json").stdout)
    assert [item["workshop"] for item in found] == ["library-huddle"]


def test_config_nudge() -> None:
    assert "nudge = true" in ok("config", "show").stdout
    ok("config", "set", "nudge", "false")
    assert "nudge = false" in ok("config", "show").stdout
    assert "nudge" in fails(1, "config", "set", "nudge", "maybe")
    ok("config", "unset", "nudge")
    assert "nudge = true" in ok("config", "show").stdout


def test_config_show_json() -> None:
    ok("config", "set", "lang", "fi")
    shown = json.loads(ok("config", "show", "--json").stdout)
    assert shown["lang"] == shown["lang_in_effect"] == "fi"
    assert (shown["practices"], shown["keyring"], shown["nudge"]) == ([], False, True)
    assert shown["file"].endswith("config.toml")
