"""Hostile and broken input (issue 6, section 3): the only outcomes are success or one of our own errors.

A malicious workshop file, a broken answers file, an odd argument or a 5 MB note can do nothing
but succeed or fail with one line of ours: no code runs, no file outside a pack is read, no
traceback, no escape sequence reaches the terminal, no network connection is opened, and every
file written is the owner's alone.

Fuzz counts, for a reliability report: ``FUZZ_CASES`` counts the generated cases each property
tried in this process (``FUZZ_EXAMPLES`` is the configured number per property: 200, or 25 with
ENCOUNTERS_QUICK=1). A script can run ``pytest.main(["tests/test_hostile_input.py"])`` and read
``sys.modules["test_hostile_input"].FUZZ_CASES`` afterwards, or set ENCOUNTERS_FUZZ_REPORT=PATH to
have the counts written there as JSON when the module finishes.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from encounters_cli.catalogue import models
from encounters_cli.catalogue.loader import check_paths, load_catalogue
from encounters_cli.cli.app import app
from encounters_cli.coach.flows import describe_questions
from encounters_cli.errors import CatalogueError
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store

ROOT = Path(__file__).resolve().parents[1]

# --- fuzz settings and counts ------------------------------------------------------------------

QUICK = bool(os.environ.get("ENCOUNTERS_QUICK"))
FUZZ_EXAMPLES = 25 if QUICK else 200
settings.register_profile(
    "hostile-input",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # a CLI run loads the catalogue and opens the journal: timing varies, results do not
    # tmp_path is shared by the examples of one test, which only ever overwrite their own file in it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = settings.get_profile("hostile-input")
FUZZ_CASES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def fuzz_report() -> Iterator[None]:
    yield
    target = os.environ.get("ENCOUNTERS_FUZZ_REPORT")
    if target:
        report = {"examples_per_property": FUZZ_EXAMPLES, "cases": dict(FUZZ_CASES)}
        Path(target).write_text(json.dumps({**report, "total": sum(FUZZ_CASES.values())}), "utf-8")


# --- running the CLI ---------------------------------------------------------------------------


def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200", **(env or {})})


def assert_ours(result: Result, *, one_line: bool = True) -> None:
    """Success, or a failure we meant: a documented exit code and our own one-line message."""
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, output)
    # anything but SystemExit escaping main would be a traceback in a real terminal
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert "encounters: error: unexpected" not in output, output
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert lines, "a failure without a message"
        assert lines[-1].startswith("encounters: error: "), result.stderr
        if one_line:
            assert len(lines) == 1, result.stderr


def ok(*args: str, **kwargs: Any) -> Result:
    result = invoke(*args, **kwargs)
    assert_ours(result)
    assert result.exit_code == 0, result.stderr
    return result


def error_line(code: int, *args: str, **kwargs: Any) -> str:
    result = invoke(*args, **kwargs)
    assert_ours(result)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr.strip()


def entry(encounter_id: str) -> dict[str, Any]:
    return json.loads(ok("show", "--json", encounter_id).stdout)


def answers_of(encounter_id: str) -> dict[str, Any]:
    return {answer["question_id"]: answer["answer"] for answer in entry(encounter_id)["answers"]}


PACK_PRACTICE = """\
practices:
  - id: {id}
    title: {{en: "{title}", fi: Otsikko}}
    summary: {{en: S, fi: S}}
    why: {{en: W, fi: W}}
    steps: [{{en: a, fi: a}}, {{en: b, fi: b}}]
    values: [trust]
    domains: all
    before: [{{id: q, type: text, prompt: {{en: "Q?", fi: "K?"}}}}]
    after: [{{id: q, type: text, prompt: {{en: "Q?", fi: "K?"}}}}]
"""


def practice_yaml(practice_id: str, title: str = "A title") -> str:
    return PACK_PRACTICE.format(id=practice_id, title=title)


# --- safe YAML: a file cannot run code ---------------------------------------------------------

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_in_a_catalogue_file_run_nothing(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "evil.yaml").write_text(f"values: {tag.format(marker=marker)}\n", "utf-8")

    [problem] = check_paths([pack])
    assert problem.startswith(f"{pack / 'evil.yaml'}:1:9: invalid YAML: could not determine a constructor")
    with pytest.raises(CatalogueError, match="could not determine a constructor"):
        load_catalogue([pack])
    line = error_line(1, "practices", "list", env={"ENCOUNTERS_PRACTICES": str(pack)})
    assert "evil.yaml:1:9" in line
    assert not marker.exists()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
@pytest.mark.parametrize("where", ["intention: {tag}", "label: {tag}", "{tag}"])
def test_python_tags_in_an_answers_file_run_nothing(tmp_path: Path, tag: str, where: str) -> None:
    marker = tmp_path / "ran"
    answers = tmp_path / "answers.yaml"
    value = where.format(tag=tag.format(marker=marker))
    answers.write_text(value if where == "{tag}" else f"domain: library\nanswers:\n  {value}\n", "utf-8")
    line = error_line(1, "prepare", "--answers", str(answers))
    assert f"{answers}:" in line
    assert "not valid YAML: could not determine a constructor" in line
    assert not marker.exists()
    assert json.loads(ok("list", "--json").stdout) == []


EDITOR = """\
import json, os, shutil, sys

with open(os.environ["EDIT_ARGV"], "w", encoding="utf-8") as log:
    json.dump(sys.argv[1:], log)
if os.environ.get("EDIT_WITH"):
    shutil.copyfile(os.environ["EDIT_WITH"], sys.argv[-1])
"""


@pytest.fixture
def editor(tmp_path: Path) -> dict[str, Any]:
    """An editor that logs its arguments and saves EDIT_WITH's bytes over the file (if set)."""
    folder = tmp_path / "an editor folder"  # spaces: the setting is split like a shell would, not run by one
    folder.mkdir()
    script = folder / "fake editor.py"
    script.write_text(EDITOR, "utf-8")
    return {"script": script, "argv": tmp_path / "editor-argv.json", "content": tmp_path / "edited.yaml"}


def edit_env(editor: dict[str, Any], setting: str, content: bytes | None = None) -> dict[str, str]:
    env = {"EDITOR": setting, "VISUAL": "", "EDIT_ARGV": str(editor["argv"]), "EDIT_WITH": ""}
    if content is not None:
        editor["content"].write_bytes(content)
        env["EDIT_WITH"] = str(editor["content"])
    return env


def logged(text: str = "A first note.", *args: str) -> str:
    return ok("log", text, *args).stdout.strip()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_in_an_edit_run_nothing(tmp_path: Path, editor: dict[str, Any], tag: str) -> None:
    marker = tmp_path / "ran"
    encounter_id = logged()
    setting = f'"{sys.executable}" "{editor["script"]}"'
    document = f"label: {tag.format(marker=marker)}\nanswers:\n  note: A first note.\n".encode()
    line = error_line(1, "edit", encounter_id[:8], env=edit_env(editor, setting, document))
    assert "not valid YAML: could not determine a constructor" in line
    assert "your edit was not saved" in line
    assert not marker.exists()
    assert entry(encounter_id)["label"] is None


def test_yaml_is_read_in_one_place_only() -> None:
    """Every YAML read goes through safe_yaml, which is bounded; a new yaml.load elsewhere fails here."""
    loading = re.compile(r"\byaml\.(load|safe_load|unsafe_load|full_load|load_all|safe_load_all|compose)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        if path.name != "safe_yaml.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if loading.search(line)
    ]
    assert offenders == []


# --- a pack reads only its own folder ----------------------------------------------------------


@pytest.fixture
def linked_pack(tmp_path: Path) -> dict[str, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.yaml").write_text(practice_yaml("from-outside"), "utf-8")
    (outside / "secret.txt").write_text("values: top secret words\n", "utf-8")
    pack = tmp_path / "pack"
    (pack / "sub").mkdir(parents=True)
    (pack / "own.yaml").write_text(practice_yaml("own-practice"), "utf-8")
    (pack / "sub" / "inner.yaml").write_text(practice_yaml("inner-practice"), "utf-8")
    return {"outside": outside, "pack": pack}


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("linked.yaml", "outside/elsewhere.yaml"),
        ("secret.yaml", "outside/secret.txt"),
        ("shared", "outside"),  # a linked folder
        ("up.yml", "../outside/elsewhere.yaml"),  # relative
    ],
)
def test_a_link_out_of_a_pack_is_a_problem_and_is_not_read(
    linked_pack: dict[str, Path], tmp_path: Path, name: str, target: str
) -> None:
    pack = linked_pack["pack"]
    link = pack / name
    link.symlink_to(target if target.startswith("..") else tmp_path / target)

    problems = check_paths([pack])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{link}: link not read: it leads to {tmp_path.resolve() / 'outside'}")
    assert "top secret" not in problems[0]
    with pytest.raises(CatalogueError, match="link not read"):
        load_catalogue([pack])
    line = error_line(1, "practices", "list", env={"ENCOUNTERS_PRACTICES": str(pack)})
    assert "link not read" in line

    link.unlink()  # without the link the same pack loads, so the link alone was refused
    assert {"own-practice", "inner-practice"} <= set(load_catalogue([pack]).practices)


def test_a_link_that_stays_inside_the_pack_and_a_pack_given_as_a_link_are_read(
    linked_pack: dict[str, Path], tmp_path: Path
) -> None:
    pack = linked_pack["pack"]
    (pack / "sub" / "inner.yaml").rename(pack / "inner.txt")
    (pack / "sub" / "inner.yaml").symlink_to(pack / "inner.txt")
    alias = tmp_path / "pack-alias"
    alias.symlink_to(pack)  # the folder the person names may itself be a link
    for named in (pack, alias):
        assert check_paths([named]) == []
        practices = load_catalogue([named]).practices
        assert {"own-practice", "inner-practice"} <= set(practices)
        assert "from-outside" not in practices


def test_a_link_that_loops_is_a_problem(linked_pack: dict[str, Path]) -> None:
    pack = linked_pack["pack"]
    (pack / "loop.yaml").symlink_to(pack / "loop.yaml")
    [problem] = check_paths([pack])
    assert problem.startswith(f"{pack / 'loop.yaml'}: link not read: it cannot be followed")


# --- bounded YAML and JSON: loops, billion laughs, depth, long numbers ---------------------------


def laughs(levels: int) -> str:
    """Each level an alias list of ten of the one before: 10**levels items once expanded."""
    lines = ["lol0: &lol0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


HOSTILE_DOCUMENTS = {
    "alias loop": ("practices: &loop [*loop]\n", "a loop"),
    "alias loop in a mapping": ("values:\n  - &item {id: x, name: *item}\n", "a loop"),
    "billion laughs": (laughs(9) + "practices: *lol9\n", "aliases repeat more than 100,000 items"),
    "deep flow nesting": ("values: " + "[" * 5000 + "]" * 5000 + "\n", "nesting depth"),
    "deep block nesting": (
        "values:\n" + "".join(" " * level + "- \n" for level in range(1, 500)),
        "nested too deeply (more than 100 levels)",
    ),
    "deep mapping nesting": (
        "values:\n" + "".join(" " * level + "a:\n" for level in range(1, 990)),
        "nested too deeply (more than 100 levels)",
    ),
    "a 5000-digit number": ("values: [{id: " + "9" * 5000 + "}]\n", "a number too long to read"),
}


@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
def test_hostile_catalogue_documents_are_one_located_problem(tmp_path: Path, name: str) -> None:
    document, expected = HOSTILE_DOCUMENTS[name]
    path = tmp_path / "pack.yaml"
    path.write_text(document, "utf-8")
    [problem] = check_paths([path])
    assert problem.startswith(f"{path}:")
    assert "invalid YAML" in problem
    assert expected in problem
    result = invoke("check", str(path))
    assert_ours(result, one_line=False)
    assert result.stderr.splitlines() == [problem, "encounters: error: 1 problem found"]


@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
@pytest.mark.parametrize("place", ["top", "answer"])
def test_hostile_answers_files_are_one_error_line(tmp_path: Path, name: str, place: str) -> None:
    document, _ = HOSTILE_DOCUMENTS[name]
    if place == "answer":  # the same structure one level down, as an answer's value
        document = "domain: library\nanswers:\n  intention:\n" + textwrap.indent(document, "    ")
    path = tmp_path / "answers.yaml"
    path.write_text(document, "utf-8")
    line = error_line(1, "prepare", "--answers", str(path))
    assert f"{path}" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
        ('{"answers": {"intention": ' + "9" * 5000 + "}}", "not valid JSON: a number too long to read"),
    ],
)
def test_hostile_json_answers_files_are_one_error_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(text, "utf-8")
    assert error_line(1, "prepare", "--answers", str(path)) == f"encounters: error: {path}: {expected}"


def test_a_long_number_python_can_read_is_an_answer_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"domain": "library", "answers": {"intention": 1' + "0" * 4000 + "}}", "utf-8")
    encounter_id = ok("prepare", "--answers", str(path)).stdout.strip()
    assert answers_of(encounter_id)["intention"] == "1" + "0" * 4000


# --- property: any YAML as a catalogue pack ----------------------------------------------------

FIELD_NAMES = sorted(
    {
        name
        for model in (
            models.Localized,
            models.Value,
            models.Domain,
            models.Option,
            models.Question,
            models.Practice,
            models.QuestionSet,
            models.CatalogueFile,
        )
        for name in model.model_fields
    }
)
ID_LIKE = ["trust", "library", "prepare", "reflect", "quick", "explain-the-why", "all", "text", "scale", "x"]
ODD_CHARACTERS = st.one_of(
    st.characters(),
    st.characters(categories=["Cc", "Cs"]),  # controls, and surrogates (what undecodable bytes become)
    st.sampled_from(["\x1b", "\x9b", "\x00", "\x85", "\u2028", "\ufeff", "\u202e", "ä", "\r"]),
)
odd_text = st.text(ODD_CHARACTERS, max_size=12)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    odd_text,
    st.dates(),
    st.sampled_from(ID_LIKE),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), odd_text, st.integers(-2, 9), st.booleans(), st.none())
data = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)
catalogue_like = st.dictionaries(
    st.sampled_from(models.KINDS),
    st.lists(st.dictionaries(st.sampled_from(FIELD_NAMES), data, max_size=8), max_size=3),
    max_size=4,
)

YAML_FRAGMENTS = [
    *(f"{kind}:" for kind in models.KINDS),
    *(f"{name}: " for name in FIELD_NAMES),
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!python/object/apply:os.system ['touch fuzz-ran'] ",
    "!!python/object/new:os.system ['touch fuzz-ran'] ",
    "'",
    '"',
    '"\\udcff"',
    '"\\e[2J"',
    "|",
    ">",
    "#",
    "---",
    "...",
    "%YAML 1.1\n",
    "\t",
    "en: ",
    "fi: ",
    "1: ",
    "9" * 4400,
    ".nan",
    "2024-01-01",
    "null",
    "yes",
    "~",
    *ID_LIKE,
]
yaml_text = st.lists(st.one_of(st.sampled_from(YAML_FRAGMENTS), odd_text), max_size=40).map("".join)


def as_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a surrogate makes the bytes invalid UTF-8, on purpose


def dumped(document: Any, unicode: bool, flow: bool | None) -> bytes:
    return as_bytes(yaml.safe_dump(document, allow_unicode=unicode, default_flow_style=flow, sort_keys=False))


yaml_documents = st.one_of(
    yaml_text.map(as_bytes),
    st.binary(max_size=200),
    st.builds(dumped, st.one_of(data, catalogue_like), st.booleans(), st.sampled_from([None, False, True])),
)


def assert_catalogue_outcome(path: Path) -> None:
    """check_paths lists located one-line problems; load_catalogue agrees, and raises nothing else."""
    problems = check_paths([path])
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, str)
        assert "\n" not in problem
        assert problem.startswith(f"{path}:"), problem
    if not problems:
        load_catalogue([path])  # a clean report means the same pack loads
        return
    with pytest.raises(CatalogueError) as refused:
        load_catalogue([path])
    assert refused.value.problems == problems
    assert "\n" not in refused.value.message


@FUZZ
@given(document=yaml_documents)
def test_any_yaml_document_as_a_pack_gives_problems_or_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: bytes
) -> None:
    FUZZ_CASES["catalogue documents"] += 1
    work = tmp_path / "work"  # where a '!!python' fragment would 'touch fuzz-ran'
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    path = tmp_path / "pack.yaml"  # outside the working folder, so problems name it in full
    path.write_bytes(document)
    assert_catalogue_outcome(path)
    assert not (work / "fuzz-ran").exists()


# --- property: any answers file ----------------------------------------------------------------

_SHIPPED = load_catalogue()  # the shipped catalogue only: nothing of the tester's home is read here
QUESTIONS = [
    item
    for flow in ("prepare", "reflect")
    for practice in (None, "explain-the-why", "hear-the-child")
    for item in describe_questions(_SHIPPED, "en", flow, practice)
]
QUESTION_IDS = sorted({item["id"] for item in QUESTIONS} - {"domain", "practice", "values"})
OPTION_IDS = sorted({option for item in QUESTIONS for option in item.get("options") or []})
answer_values = st.one_of(
    data,
    odd_text,
    st.text(max_size=30),
    st.sampled_from(OPTION_IDS),
    st.lists(st.sampled_from(OPTION_IDS), max_size=4),
    st.integers(-2, 8),
    st.sampled_from(["yes", "no", "k", "e", "", " ", "none", "1,2", "trust, knowledge"]),
)
answers_mapping = st.fixed_dictionaries(
    {},
    optional={
        "domain": st.one_of(st.sampled_from(list(_SHIPPED.domains)), data),
        "practice": st.one_of(st.sampled_from([*_SHIPPED.practices, "none"]), data),
        "values": st.one_of(st.lists(st.sampled_from(list(_SHIPPED.values)), max_size=4), data),
        "label": st.one_of(odd_text, data),
        "private": st.one_of(st.booleans(), data),
        "encounter": st.one_of(st.text("0123456789abcdef", max_size=12), data),
        "answers": st.one_of(
            st.dictionaries(st.one_of(st.sampled_from(QUESTION_IDS), keys), answer_values, max_size=10),
            data,
        ),
        "unknown": data,
    },
)


def json_bytes(document: Any, ascii_only: bool) -> bytes:
    return as_bytes(json.dumps(document, default=str, skipkeys=True, ensure_ascii=ascii_only))


answers_files = st.one_of(
    st.tuples(st.just(".yaml"), st.builds(dumped, answers_mapping, st.booleans(), st.just(None))),
    st.tuples(st.just(".json"), st.builds(json_bytes, answers_mapping, st.booleans())),
    st.tuples(st.just(".yml"), st.builds(dumped, data, st.booleans(), st.just(None))),
    st.tuples(st.just(".json"), st.builds(json_bytes, data, st.booleans())),
    st.tuples(st.sampled_from([".yaml", ".json", ".txt"]), yaml_text.map(as_bytes)),
    st.tuples(st.sampled_from([".yaml", ".json"]), st.binary(max_size=100)),
)


@FUZZ
@given(case=answers_files, flow=st.sampled_from(["prepare", "reflect"]))
def test_any_answers_file_gives_success_or_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[str, bytes], flow: str
) -> None:
    FUZZ_CASES["answers files"] += 1
    monkeypatch.chdir(tmp_path)
    suffix, content = case
    path = tmp_path / f"answers{suffix}"
    path.write_bytes(content)
    result = invoke(flow, "--answers", str(path))
    assert_ours(result)
    if result.exit_code == 0:  # saved: the id on stdout names an entry that reads back
        assert entry(result.stdout.strip())["status"] in ("prepared", "reflected")
    assert not (tmp_path / "fuzz-ran").exists()


# --- property: any command-line arguments ------------------------------------------------------

COMMANDS = [
    ["list"],
    ["show"],
    ["search"],
    ["log"],
    ["questions"],
    ["practices", "show"],
    ["check"],
    ["insights"],
]
OPTION_WORDS = [
    "--json",
    "-n",
    "--limit",
    "--since",
    "--until",
    "--value",
    "-v",
    "--domain",
    "-d",
    "--practice",
    "-p",
    "--open",
    "--label",
    "-l",
    "--private",
    "--help",
    "--",
    "-",
    "--debug",
    "--nope",
    "-x",
    "--since=",
    "--limit=0",
    "-n-1",
    "--value=trust",
]
# no '/' in generated words: 'check /' would read the whole file system (slowly, not dangerously)
word = st.text(st.one_of(ODD_CHARACTERS).filter(lambda char: char not in "/\\"), max_size=15)
arguments = st.lists(
    st.one_of(
        word,
        st.sampled_from(OPTION_WORDS),
        st.sampled_from([*ID_LIKE, *_SHIPPED.practices, "prepare", "reflect", "quick", "."]),
        st.text("0123456789abcdef", min_size=1, max_size=33),  # ids and prefixes
        st.dates().map(str),
        st.integers().map(str),
        st.integers().map(lambda days: f"{days}d"),
        st.datetimes().map(lambda moment: moment.isoformat()),
        st.sampled_from(["today", "yesterday", "tänään", "0001-01-01", "9999-12-31", "2024-02-30"]),
    ),
    max_size=6,
)


@FUZZ
@given(command=st.sampled_from(COMMANDS), args=arguments)
def test_any_arguments_give_success_or_our_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], args: list[str]
) -> None:
    FUZZ_CASES["command lines"] += 1
    monkeypatch.chdir(tmp_path)
    result = invoke(*command, *args)
    assert_ours(result, one_line=command != ["check"])  # check lists each problem, then one line


def test_debug_only_counts_before_the_command() -> None:
    """'--debug' as an argument or an option's value must not turn an error into a traceback."""
    assert "'--debug' is not an encounter id" in error_line(1, "show", "--", "--debug")
    assert "cannot read the date '--debug'" in error_line(2, "list", "--since", "--debug")
    result = invoke("--debug", "show", "beef")
    assert result.exit_code == 1
    assert "no encounter with id 'beef'" in str(result.exception)  # re-raised for the traceback


@pytest.mark.parametrize("bound", ["--since", "--until"])
@pytest.mark.parametrize("command", [["list"], ["insights"], ["report", "--html", "--out", "-"]])
@pytest.mark.parametrize("date", ["99999999999d", "999999d", "0001-01-01", "9999-12-31", "9999-12-31T23:59"])
def test_dates_beyond_the_calendar_are_a_usage_error(command: list[str], bound: str, date: str) -> None:
    logged()
    assert "out of range" in error_line(2, *command, bound, date)


def test_the_widest_dates_still_work() -> None:
    logged()
    for command in (["list"], ["insights"]):
        ok(*command, "--since", "0001-03-01", "--until", "9998-12-31")


# --- huge inputs ----------------------------------------------------------------------------------

CLOSING = "In the end the visitor asked about the zebra crossing."
FIVE_MB = ("Read the form together, line by line. " * 140_000)[: 5 * 1024 * 1024 - len(CLOSING)] + CLOSING


def test_a_five_megabyte_note_on_stdin_is_stored_and_shown_exactly() -> None:
    encounter_id = ok("log", input=FIVE_MB.encode()).stdout.strip()
    assert answers_of(encounter_id) == {"note": FIVE_MB}
    shown = ok("show", encounter_id).stdout
    assert "Read the form together, line by line." in shown
    assert len(shown) > len(FIVE_MB)
    listing = ok("list").stdout.splitlines()
    assert encounter_id[:8] in listing[2]
    assert "logged" in listing[2]  # the other columns keep their room beside the long note
    # a rare word: one common in 5 MB makes SQLite's snippet() slow (quadratic in the matches)
    assert encounter_id[:8] in ok("search", "zebra").stdout


def test_a_five_megabyte_answer_in_an_answers_file_is_stored_exactly(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"domain": "library", "answers": {"intention": FIVE_MB}}), "utf-8")
    encounter_id = ok("prepare", "--answers", str(path)).stdout.strip()
    assert answers_of(encounter_id)["intention"] == FIVE_MB


def test_a_five_megabyte_wrong_answer_gives_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"  # written by hand: PyYAML's emitter takes seconds over 5 MB
    path.write_text(f"domain: library\nanswers:\n  intention: Listen.\n  lifeline: {FIVE_MB}\n", "utf-8")
    line = error_line(1, "prepare", "--answers", str(path))
    assert "is not one of the options" in line
    assert len(line) < 500


def test_a_ten_thousand_question_set_loads(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    question = "      - {{id: q{0}, type: text, prompt: {{en: 'Question {0}?', fi: 'Kysymys {0}?'}}}}\n"
    questions = "".join(question.format(number) for number in range(10_000))
    header = "question_sets:\n  - id: big\n    title: {en: Big, fi: Iso}\n    questions:\n"
    (pack / "big.yaml").write_text(header + questions, "utf-8")
    catalogue = load_catalogue([pack])
    assert len(catalogue.question_set("big").questions) == 10_000
    assert catalogue.question_set("big").questions[-1].prompt.en == "Question 9999?"


# --- invalid UTF-8 -------------------------------------------------------------------------------

LATIN_1 = "Kävimme lomakkeen läpi.".encode("latin-1")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_answers_file_that_is_not_utf8(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"answers{suffix}"
    body = b"answers:\n  intention: " + LATIN_1 if suffix == ".yaml" else b'{"answers": {"intention": "%s"}}'
    path.write_bytes(body.replace(b"%s", LATIN_1))
    line = error_line(1, "prepare", "--answers", str(path))
    assert line.startswith(f"encounters: error: {path}: the file is not UTF-8 text (byte ")


def test_a_catalogue_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_bytes(practice_yaml("latin-practice", "Title").encode().replace(b"Title", LATIN_1))
    result = invoke("check", str(path))
    assert_ours(result, one_line=False)
    assert result.stderr.splitlines()[0].startswith(f"{path}:1:1: the file is not UTF-8 text (byte ")


def test_stdin_that_is_not_utf8() -> None:
    line = error_line(1, "log", input=b"A note: " + LATIN_1)
    assert "standard input is not UTF-8 text (byte 9)" in line
    assert json.loads(ok("list", "--json").stdout) == []


def test_an_edit_saved_in_another_encoding_is_refused_and_kept_byte_for_byte(
    editor: dict[str, Any],
) -> None:
    encounter_id = logged()
    document = b"label: " + LATIN_1 + b"\nanswers:\n  note: A first note.\n"
    setting = f'"{sys.executable}" "{editor["script"]}"'
    line = error_line(1, "edit", encounter_id[:8], env=edit_env(editor, setting, document))
    assert "bytes that are not UTF-8" in line
    kept = Path(line.rsplit(" in ", 1)[1])
    assert kept.read_bytes() == document
    assert entry(encounter_id)["label"] is None


UNDECODABLE = os.fsdecode(b"caf\xe9")  # what Python makes of an argument that is not UTF-8


@pytest.mark.parametrize(
    "args",
    [
        ["log", UNDECODABLE],
        ["log", "--label", UNDECODABLE, "A note."],
        ["search", UNDECODABLE],
    ],
)
def test_arguments_that_are_not_utf8_are_refused(args: list[str]) -> None:
    assert "is not valid UTF-8 text" in error_line(1, *args)


@pytest.mark.parametrize("where", ["label", "intention"])
def test_escaped_surrogates_in_a_json_answers_file_are_refused(tmp_path: Path, where: str) -> None:
    document: dict[str, Any] = {"domain": "library", "answers": {"intention": "Listen."}}
    if where == "label":
        document["label"] = "caf\udce9"
    else:
        document["answers"]["intention"] = "caf\udce9"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(document), "utf-8")  # '\udce9' is written as an escape, valid JSON
    assert "is not valid UTF-8 text" in error_line(1, "prepare", "--answers", str(path))


# --- control characters and escape sequences -----------------------------------------------------

NASTY = "a\x00b\x07c\x08d\x1b[2Je\x1b]0;owned\x07f\x9b31mg\x85h\x7fi\rj"
NASTY_SHOWN = "a\\x00b\\x07c\\x08d\\x1b[2Je\\x1b]0;owned\\x07f\\x9b31mg\\x85h\\x7fi\\rj"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_control_characters_are_stored_exactly_and_shown_inertly(tmp_path: Path) -> None:
    logged_id = ok("log", f"note {NASTY} end", "--label", f"label {NASTY}").stdout.strip()
    path = tmp_path / "answers.json"
    document = {"domain": "library", "label": f"prep {NASTY}", "answers": {"intention": f"goal {NASTY}"}}
    path.write_text(json.dumps(document), "utf-8")
    prepared_id = ok("prepare", "--answers", str(path)).stdout.strip()

    assert answers_of(logged_id)["note"] == f"note {NASTY} end"
    assert entry(logged_id)["label"] == " ".join(f"label {NASTY}".split())  # a label is one line
    assert answers_of(prepared_id)["intention"] == f"goal {NASTY}"
    for args in (("list",), ("show", logged_id[:8]), ("show", prepared_id[:8]), ("search", "owned")):
        shown = ok(*args).stdout
        assert not RAW_CONTROLS.search(shown), (args, shown)
    assert f"note {NASTY_SHOWN} end" in ok("show", logged_id[:8]).stdout
    assert f"goal {NASTY_SHOWN}" in ok("show", prepared_id[:8]).stdout


def test_escape_sequences_in_a_pack_are_refused_with_their_place(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(practice_yaml("escape-practice", "Ask \\e[2J first"), "utf-8")
    [problem] = check_paths([pack])
    assert problem.startswith(f"{pack}:3:")
    assert "practices[0].title.en: control character \\x1b in the text" in problem
    result = invoke("practices", "list", env={"ENCOUNTERS_PRACTICES": str(pack)})
    assert_ours(result)
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout + result.stderr


# --- $EDITOR without a shell -------------------------------------------------------------------


@pytest.mark.parametrize(
    "trailer",
    [
        "; touch {marker}",
        "&& touch {marker}",
        "| touch {marker}",
        "$(touch {marker})",
        "`touch {marker}`",
        "> {marker}",
    ],
)
@pytest.mark.parametrize("variable", ["EDITOR", "VISUAL"])
def test_shell_syntax_in_the_editor_setting_is_never_run(
    tmp_path: Path, editor: dict[str, Any], trailer: str, variable: str
) -> None:
    marker = tmp_path / "ran"
    encounter_id = logged()
    setting = f'"{sys.executable}" "{editor["script"]}" --wait {trailer.format(marker=marker)}'
    env = edit_env(editor, "nano" if variable == "VISUAL" else setting)
    env[variable] = setting
    result = invoke("edit", encounter_id[:8], env=env)
    assert_ours(result)
    assert not marker.exists()
    argv = json.loads(editor["argv"].read_text("utf-8"))
    # the shell words reached the editor as plain arguments, the file to edit last
    assert argv[:-1] == ["--wait", *trailer.format(marker=marker).split()]
    assert argv[-1].endswith(".yaml")
    assert "No changes" in result.stderr


def test_an_editor_with_spaces_and_a_flag_edits(editor: dict[str, Any]) -> None:
    encounter_id = logged()
    setting = f'"{sys.executable}" "{editor["script"]}" --flag'
    document = b"label: at the counter\nanswers:\n  note: A better note.\n"
    ok("edit", encounter_id[:8], env=edit_env(editor, setting, document))
    assert json.loads(editor["argv"].read_text("utf-8"))[0] == "--flag"
    assert entry(encounter_id)["label"] == "at the counter"
    assert answers_of(encounter_id) == {"note": "A better note."}


# --- file modes ----------------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """No umask at all: whatever the modes are, they are ours."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.usefixtures("open_umask")
def test_every_file_written_is_0600_and_every_folder_created_0700(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor: dict[str, Any]
) -> None:
    home = tmp_path / "deeper" / "still" / "home"
    monkeypatch.setenv("ENCOUNTERS_HOME", str(home))
    first = logged()
    with Store.open(paths.journal_path()):  # a reader holds the WAL open, so -wal and -shm exist
        logged("A second note.")
        ok("config", "set", "lang", "en")
        setting = f'"{sys.executable}" "{editor["script"]}"'
        error_line(1, "edit", first[:8], env=edit_env(editor, setting, b"label: [not, text]\n"))
        out = tmp_path / "out"
        out.mkdir(mode=0o755)
        ok("report", "--html", "--out", str(out / "report.html"))

        written = sorted(path.name for path in home.iterdir())
        assert {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm", "config.toml"} <= set(
            written
        )
        assert any(name.startswith("rejected-edit-") for name in written)
        files = [path for path in home.rglob("*") if path.is_file()] + [out / "report.html"]
        modes = {str(path): oct(stat.S_IMODE(path.stat().st_mode)) for path in files}
        assert set(modes.values()) == {"0o600"}, modes
    folders = [home, home.parent, home.parent.parent, *(path for path in home.rglob("*") if path.is_dir())]
    modes = {str(path): oct(stat.S_IMODE(path.stat().st_mode)) for path in folders}
    assert set(modes.values()) == {"0o700"}, modes


# --- no network ----------------------------------------------------------------------------------

NETWORK_GUARD = """\
import os
import socket

_LOG = os.environ["NETWORK_GUARD_LOG"]


def _refuse(name):
    def refuse(*args, **kwargs):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{name} {args!r}\\n")
        raise OSError(f"network disabled by the test ({name})")

    return refuse


socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")
socket.socket.sendto = _refuse("sendto")
socket.create_connection = _refuse("create_connection")
socket.getaddrinfo = _refuse("getaddrinfo")
"""

FLOWS = """\
import contextlib, io, json, socket, sys

from typer.main import get_command

try:  # the canary: proves the guard is installed before anything of ours is imported
    socket.getaddrinfo("canary.invalid", 80)
except OSError:
    pass

from encounters_cli.cli.app import app

command = get_command(app)
results, last_id = [], ""
for args in json.loads(sys.argv[1]):
    args = [arg.replace("{id}", last_id[:8]) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = command.main(args=args, prog_name="encounters", standalone_mode=False)
    if args[0] in ("prepare", "reflect", "log") and code == 0:
        last_id = out.getvalue().strip()
    results.append({"args": args, "code": code, "stderr": err.getvalue()})
print(json.dumps(results))
"""


def test_the_main_flows_open_no_network_connection(tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NETWORK_GUARD, "utf-8")
    log = tmp_path / "network.log"
    prepare = tmp_path / "prepare.yaml"
    prepare.write_text(
        "domain: library\npractice: explain-the-why\nanswers:\n  intention: Explain the form.\n", "utf-8"
    )
    reflect = tmp_path / "reflect.json"
    reflect.write_text(
        json.dumps({"answers": {"what": "We read it.", "so-what": "Clearer.", "next-step": "Ask first."}}),
        "utf-8",
    )
    commands = [
        ["prepare", "--answers", str(prepare)],
        ["reflect", "{id}", "--answers", str(reflect)],
        ["log", "A quick note about the counter."],
        ["list"],
        ["list", "--json"],
        ["search", "counter"],
        ["show", "{id}"],
        ["insights"],
        ["report", "--html", "--out", str(tmp_path / "report.html")],
        ["check", str(ROOT / "practices")],
        ["practices", "list"],
        ["practices", "show", "explain-the-why"],
        ["questions", "reflect"],
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(guard), os.environ.get("PYTHONPATH", "")]),
        "NETWORK_GUARD_LOG": str(log),
    }
    done = subprocess.run(
        [sys.executable, "-c", FLOWS, json.dumps(commands)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [(result["args"][0], result["code"]) for result in results] == [
        (args[0], 0) for args in commands
    ], results
    attempts = log.read_text("utf-8").splitlines()
    assert attempts == ["getaddrinfo ('canary.invalid', 80)"]  # the canary only
