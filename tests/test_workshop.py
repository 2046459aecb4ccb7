"""Workshop scripts: the format, the located problems of `workshop check`, schema, questions, new."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from encounters_cli.cli.app import app
from encounters_cli.workshop.loader import MAX_SCRIPT_BYTES, WorkshopError, check_workshop, load_workshop
from encounters_cli.workshop.models import Translations, json_schema, text, validate_workshop

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "workshops"
SCRIPTS = sorted(path for path in EXAMPLES.glob("*.yaml") if not path.name.endswith(".answers.yaml"))


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def script(tmp_path: Path, body: str, name: str = "script.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    """`workshop check` on ``path``: exit 1, the problems on stderr (one per line), nothing on stdout."""
    result = run("workshop", "check", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("encounters: error: problems found: ")
    assert lines[-1].endswith(str(len(lines) - 1))
    return lines[:-1]


# --- the examples and the templates -----------------------------------------------------------------


def test_there_are_three_examples_one_of_them_finnish() -> None:
    assert len(SCRIPTS) >= 3
    languages = [yaml.safe_load(path.read_text(encoding="utf-8")).get("language", "en") for path in SCRIPTS]
    assert "fi" in languages
    assert any(isinstance(lang, list) for lang in languages)  # and one bilingual
    for path in SCRIPTS:
        assert path.with_name(path.stem + ".answers.yaml").is_file(), f"{path.name} has no answers file"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.stem)
def test_every_example_validates(path: Path) -> None:
    assert check_workshop(path) == []
    result = ok("workshop", "check", str(path))
    assert "a valid workshop script" in result.stderr
    workshop = load_workshop(path).workshop
    assert workshop.duration is not None
    assert workshop.planned_minutes() == workshop.duration  # the agenda adds up to what it promises


def test_the_school_example_uses_the_pack_beside_it() -> None:
    loaded = load_workshop(EXAMPLES / "school-staff-intro.yaml")
    assert loaded.packs == [EXAMPLES / "packs/staff-room"]
    assert "invite-the-quiet-voices" in loaded.catalogue.practices
    assert "staff-commitment" in loaded.catalogue.question_sets
    assert ok("check", str(EXAMPLES / "packs" / "staff-room"))


@pytest.mark.parametrize("template", ["short", "team-day"])
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_new_writes_a_commented_script_that_passes_check(tmp_path: Path, template: str, lang: str) -> None:
    printed = ok("workshop", "new", "--template", template, "--lang", lang).stdout
    out = tmp_path / f"{template}.{lang}.yaml"
    result = ok("workshop", "new", "--template", template, "--lang", lang, "--out", str(out))
    assert out.read_text(encoding="utf-8") == printed
    assert "workshop check" in result.stderr
    assert check_workshop(out) == []
    ok("workshop", "check", str(out))
    workshop = load_workshop(out).workshop
    assert workshop.languages == [lang]
    kinds = {step.kind for step in workshop.steps}
    assert kinds == {"say", "practice", "choose", "scenario", "ask", "timer", "debrief"}
    for kind in kinds:  # each kind is explained by a comment
        assert re.search(rf"^\s*# {kind}: ", printed, re.M), kind


def test_new_does_not_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("keep me", encoding="utf-8")
    result = run("workshop", "new", "--out", str(out))
    assert result.exit_code == 2
    assert "exists already" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    ok("workshop", "new", "--out", str(out), "--force")
    assert check_workshop(out) == []


def test_new_follows_the_content_language() -> None:
    assert "language: fi" in ok("--lang", "fi", "workshop", "new").stdout
    assert "language: en" in ok("workshop", "new").stdout


# --- located problems --------------------------------------------------------------------------------

BROKEN = """\
id: broken-one
title: {en: Broken, fi: Rikki}
language: [en, fi]
domain: libary
steps:
  - id: hello
    say: Only in English
  - id: hello
    sya: {en: x, fi: y}
  - id: card
    practice: explain-the-whyy
  - id: pick
    choose:
      what: value
      options: [trust, trustt]
  - id: qs
    ask:
      - set: reflect
        only: [what, wat]
      - set: no-such-set
      - id: what
        type: essay
        prompt: {en: a, fi: b}
      - id: rated
        type: scale
        role: rating
        rates: trus
        prompt: {en: a, fi: b}
  - id: talk
    timer:
      minutes: 5
      seconds: 3
      label: {en: x, fi: y}
  - id: both
    say: {en: x, fi: y}
    debrief: [{en: x, fi: y}]
  - id: extra
    say: {en: x, fi: y}
    minutes: 0
    colour: red
"""


def test_a_broken_script_gives_every_problem_with_file_line_and_step(tmp_path: Path) -> None:
    path = script(tmp_path, BROKEN, "broken.yaml")
    problems = problems_of(path)
    expected = [
        ("4:9", "domain: unknown domain id 'libary' (did you mean 'library'?"),
        ("7:10", "step 'hello': say: the script is in English and Finnish"),
        ("8:5", "step 'hello': a step needs one of: say, practice, choose, scenario, ask, timer, debrief"),
        ("8:9", "step 'hello': id: duplicate step id 'hello' (already used at line 6)"),
        (
            "11:15",
            "step 'card': practice: unknown practice id 'explain-the-whyy' (did you mean 'explain-the-why'?",
        ),
        ("15:24", "step 'pick': choose.options[1]: unknown value id 'trustt'"),
        ("19:22", "step 'qs': ask[0].only[1]: question set 'reflect' has no question 'wat'"),
        ("20:14", "step 'qs': ask[1].set: unknown question set id 'no-such-set'"),
        ("21:13", "step 'qs': ask[2].id: question 'what' is asked twice in this step (already by ask[0])"),
        ("22:15", "step 'qs': ask[2].type: unknown type 'essay' (expected one of: text, long_text, choice"),
        ("27:16", "step 'qs': ask[3].rates: unknown value id 'trus'"),
        ("32:16", "step 'talk': timer.seconds: give the timer's length as 'minutes' or 'seconds', not both"),
        ("34:5", "step 'both': a step does one thing, but this one has say and debrief"),
        ("39:14", "step 'extra': minutes: expected a number at least 1, got the number 0"),
        (
            "40:5",
            "step 'extra': colour: unknown field 'colour' (expected one of: id, title, minutes, notes, say)",
        ),
    ]
    assert len(problems) == len(expected), "\n".join(problems)
    for problem, (place, message) in zip(problems, expected, strict=True):
        assert problem.startswith(f"{path}:{place}: {message}"), problem


def test_load_raises_with_the_first_problem_and_the_count(tmp_path: Path) -> None:
    path = script(tmp_path, BROKEN, "broken.yaml")
    with pytest.raises(WorkshopError) as caught:
        load_workshop(path)
    assert len(caught.value.problems) == 15
    assert caught.value.message.endswith(f"(and 14 more problems; run 'encounters workshop check {path}')")
    result = run("workshop", "run", str(path), "--answers", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1  # one line, the first problem and how to see the rest


def test_yaml_syntax_errors_and_duplicate_keys_are_located(tmp_path: Path) -> None:
    path = script(tmp_path, "id: x\ntitle: T\nsteps:\n  - id: a\n    say: [unclosed\n", "syntax.yaml")
    [problem] = problems_of(path)
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: invalid YAML: ", problem)
    path = script(
        tmp_path,
        """\
        id: x
        title: T
        steps:
          - id: a
            say: one
            say: two
        """,
        "twice.yaml",
    )
    assert problems_of(path) == [
        f"{path}:6:5: step 'a': say: the key 'say' appears twice in one mapping (first at line 5)"
    ]


def test_a_one_language_script_takes_plain_strings_and_a_bilingual_one_both_translations(
    tmp_path: Path,
) -> None:
    plain = {"id": "w", "title": "Otsikko", "language": "fi", "steps": [{"id": "a", "say": "Hei"}]}
    assert text(validate_workshop(plain).title, "en") == "Otsikko"
    mapping = {**plain, "title": {"fi": "Otsikko"}}  # a mapping is fine when it has the script's language
    assert text(validate_workshop(mapping).title, "fi") == "Otsikko"
    path = script(
        tmp_path,
        """\
        id: both-languages
        title: {en: Title}
        language: [en, fi]
        steps:
          - id: a
            say: {fi: Hei}
          - id: b
            debrief:
              - {en: One?, fi: Yksi?}
              - Two?
        """,
    )
    assert problems_of(path) == [
        f"{path}:2:8: title: missing Finnish translation (the script is in English and Finnish;"
        " add 'fi: ...')",
        f"{path}:6:10: step 'a': say: missing English translation (the script is in English and Finnish;"
        " add 'en: ...')",
        f"{path}:10:9: step 'b': debrief[1]: the script is in English and Finnish (language: [en, fi]):"
        " write this text as {en: ..., fi: ...}",
    ]


def test_text_problems_are_refused(tmp_path: Path) -> None:
    path = script(
        tmp_path,
        """\
        id: w
        title: "Bell\\a"
        language: sv
        steps:
          - id: a
            say: "   "
          - id: b
            timer: {label: Talk}
        """,
    )
    problems = problems_of(path)
    assert problems[0].startswith(f"{path}:2:8: title: control character \\x07 in the text")
    assert problems[1] == f"{path}:3:11: language: unknown language 'sv' (expected one of: en, fi)"
    assert problems[2].startswith(f"{path}:6:10: step 'a': say: empty text")
    assert problems[3] == f"{path}:8:12: step 'b': timer: a timer needs its length: 'minutes' or 'seconds'"


def test_not_a_script_at_all(tmp_path: Path) -> None:
    assert problems_of(script(tmp_path, "", "empty.yaml"))[0].endswith(
        "the file is empty (expected a mapping with id, title and steps (see 'encounters workshop new'))"
    )
    assert "got a list" in problems_of(script(tmp_path, "- a\n- b\n", "list.yaml"))[0]
    missing = tmp_path / "missing.yaml"
    assert problems_of(missing) == [f"{missing}: no such file"]
    assert problems_of(tmp_path) == [f"{tmp_path}: a folder; give the workshop script's file"]
    path = script(tmp_path, "id: x\ntitle: T\nsteps: []\n", "nosteps.yaml")
    assert problems_of(path) == [f"{path}:3:8: steps: too few items: 0 (expected at least 1)"]
    path = script(tmp_path, "id: x\ntitle: T\nsteps:\n  - say: hi\n  - just text\n", "shapes.yaml")
    assert problems_of(path) == [
        f"{path}:4:5: step 1: id: missing required field 'id'",
        f"{path}:5:5: step 2: expected a step: a mapping with an id and one of say, practice, choose,"
        " scenario, ask, timer, debrief; got the text 'just text'",
    ]


def test_reading_is_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(
        "id: x\ntitle: T\nsteps:\n" + "# padding\n" * (MAX_SCRIPT_BYTES // 10 + 1), encoding="utf-8"
    )
    assert problems_of(big) == [f"{big}:1:1: the file is larger than 1 MB; a workshop script is far smaller"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
    )
    [problem] = problems_of(script(tmp_path, bomb, "bomb.yaml"))
    assert "aliases repeat more than" in problem
    assert re.search(r"bomb\.yaml:\d+:\d+: ", problem)
    [problem] = problems_of(script(tmp_path, "id: !!python/object/apply:os.system [ls]\n", "tag.yaml"))
    assert "invalid YAML" in problem


def test_packs_beside_the_script_are_checked_with_the_catalogue_checker(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "mine.yaml").write_text(
        textwrap.dedent(
            """\
            practices:
              - id: my-practice
                title: {en: Mine}
            """
        ),
        encoding="utf-8",
    )
    path = script(
        tmp_path,
        """\
        id: with-pack
        title: T
        packs: [pack, missing-pack, ../outside]
        steps:
          - id: card
            practice: my-practice
        """,
    )
    problems = problems_of(path)
    # the script's own problems first, then the packs' (in their files, by the catalogue's checker)
    assert problems[0].startswith(f"{path}:3:29: packs[2]: a pack is a folder or file beside the script")
    assert any(line == f"{tmp_path / 'missing-pack'}: no such file or folder" for line in problems)
    assert any(
        line.startswith(f"{pack / 'mine.yaml'}:3:12: practices[0].title.fi: missing Finnish")
        for line in problems
    )
    # the broken practice's id still counts as known: no cascade of "unknown practice" reports
    assert not any("unknown practice id 'my-practice'" in line for line in problems)


def test_ask_items_from_a_practice_are_checked(tmp_path: Path) -> None:
    path = script(
        tmp_path,
        """\
        id: refs
        title: T
        steps:
          - id: q
            ask:
              - practice: explain-the-why
                phase: before
                only: [reasons, understood]
              - practice: explain-the-why
                phase: after
              - practice: nope
              - id: mine
                type: multi_choice
                role: values
                prompt: Which?
                options:
                  - {id: trust, label: Trust}
                  - {id: kindness, label: Kindness}
          - id: q2
            ask:
              - practice: explain-the-why
              - practice: explain-the-why
                only: [understood]
        """,
    )
    problems = problems_of(path)
    assert problems == [
        f"{path}:8:25: step 'q': ask[0].only[1]: practice 'explain-the-why' (before) has no question"
        " 'understood' (it has: reasons, know-the-reason)",
        f"{path}:11:19: step 'q': ask[2].practice: unknown practice id 'nope' (expected one of:"
        " ask-how-it-was, ask-what-matters, calm-and-fair-in-conflict, doors-to-taking-part, explain-the-why,"
        " hear-the-child, keep-small-promises, listen-to-the-end, make-the-process-visible,"
        " meet-the-person-first, name-the-power, offer-real-choices, …)",
        f"{path}:18:18: step 'q': ask[3].options[1].id: unknown value id 'kindness' (expected one of:"
        " equality, freedom, participation, trust, knowledge, justice, learning, safety, welfare)",
        f"{path}:23:16: step 'q2': ask[1].only[0]: question 'explain-the-why.understood' is asked twice in"
        " this step (already by ask[0])",
    ]


# --- schema and questions ------------------------------------------------------------------------------


def _validate(instance: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    """A small validator for the JSON Schema keywords pydantic emits (enough to catch a wrong schema)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        assert name in root["$defs"], f"dangling $ref {schema['$ref']}"
        return _validate(instance, root["$defs"][name], root, where)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            passing = [option for option in schema[key] if not _validate(instance, option, root, where)]
            if key == "oneOf" and len(passing) != 1:
                return [f"{where}: matches {len(passing)} of oneOf"]
            if not passing:
                return [f"{where}: matches none of anyOf"]
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    kind = schema.get("type")
    if kind == "integer" and (isinstance(instance, bool) or not isinstance(instance, int)):
        return [f"{where}: not an integer"]
    if kind == "number" and (isinstance(instance, bool) or not isinstance(instance, (int, float))):
        return [f"{where}: not a number"]
    if kind in kinds and not isinstance(instance, kinds[kind]):
        return [f"{where}: not {kind}"]
    if "enum" in schema and instance not in schema["enum"]:
        return [f"{where}: not in enum"]
    if "const" in schema and instance != schema["const"]:
        return [f"{where}: not the const"]
    errors: list[str] = []
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}: missing {name}" for name in schema.get("required", []) if name not in instance]
        for name, value in instance.items():
            if name in properties:
                errors += _validate(value, properties[name], root, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _validate(value, schema["additionalProperties"], root, f"{where}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            errors += _validate(item, schema["items"], root, f"{where}[{index}]")
    if isinstance(instance, list) and len(instance) < schema.get("minItems", 0):
        errors.append(f"{where}: too few items")
    return errors


def test_schema_is_json_schema_that_accepts_the_examples_and_rejects_a_broken_script() -> None:
    printed = ok("workshop", "schema").stdout
    schema = json.loads(printed)
    assert schema == json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"id", "title", "steps"}
    assert schema["additionalProperties"] is False
    for path in SCRIPTS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # JSON has string keys only: anchors {1: ...} become {"1": ...}, as an editor sees them
        data = json.loads(json.dumps(data))
        assert _validate(data, schema, schema) == [], path.name
    broken = yaml.safe_load(BROKEN)
    assert _validate(json.loads(json.dumps(broken)), schema, schema) != []
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.Draft202012Validator.check_schema(schema)


def test_questions_json_lists_every_question_of_every_step() -> None:
    path = EXAMPLES / "school-staff-intro.yaml"
    listing = json.loads(ok("workshop", "questions", str(path), "--json").stdout)
    keys = {"step", "step_kind", "question", "type", "required", "prompt", "role", "options"}
    assert all(keys <= set(item) for item in listing)
    by_key = {(item["step"], item["question"]): item for item in listing}
    assert list(by_key) == [
        ("reflect", "observed"),
        ("reflect", "lifelines"),
        ("reflect", "rating-participation"),
        ("reflect", "invite-the-quiet-voices.heard"),
        ("my-practice", None),
        ("commitment", "situation"),
        ("commitment", "sign"),
    ]
    observed = by_key["reflect", "observed"]
    assert observed["type"] == "long_text"
    assert observed["required"] is True
    assert observed["options"] is None
    assert by_key["reflect", "lifelines"]["options"] == ["participation", "trust", "knowledge", "justice"]
    assert by_key["reflect", "lifelines"]["role"] == "values"
    rating = by_key["reflect", "rating-participation"]
    assert (rating["type"], rating["min"], rating["max"], rating["rates"]) == ("scale", 1, 5, "participation")
    choice = by_key["my-practice", None]
    assert choice["step_kind"] == "choose"
    assert choice["type"] == "choice"
    assert choice["required"] is True
    assert choice["options"][0] == "invite-the-quiet-voices"
    assert by_key["reflect", "invite-the-quiet-voices.heard"]["type"] == "yes_no"

    table = ok("workshop", "questions", str(path)).stdout
    assert "rating-participation" in table
    assert "1–5" in table


def test_questions_of_a_bilingual_script_follow_the_content_language() -> None:
    path = EXAMPLES / "library-huddle.yaml"
    english = json.loads(ok("workshop", "questions", str(path), "--json").stdout)
    finnish = json.loads(ok("--lang", "fi", "workshop", "questions", str(path), "--json").stdout)
    assert english[0]["prompt"].startswith("One barrier")
    assert finnish[0]["prompt"].startswith("Yksi osallistumisen este")
    assert [item["question"] for item in english] == [item["question"] for item in finnish]


def test_translations_fall_back_to_the_other_language() -> None:
    assert Translations(en="Hello").get("fi") == "Hello"
    assert Translations(fi="Hei").get("en") == "Hei"
    assert Translations(en="Hello", fi="Hei").get("fi_FI.UTF-8") == "Hei"
