"""`encounters workshop summary`: what a group chose and rated, from hand-made anonymised exports.

Three synthetic participants of the workshop 'everyday-democracy' (pseudonyms P-…a1, P-…b2, P-…c3):
one sends a json export, two send jsonl (one with its data-description sidecar). The steps:

- pick-value (choose a value): a1 trust, b2 trust, c3 participation
- pick-practice (choose a practice): a1 explain-the-why, b2 explain-the-why, c3 listen-to-the-end
- after-roleplay (ask): ratings trust 4/5/3, participation -/2/4; a choice question and a text one
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.cli.app import app
from encounters_cli.workshop.summary import ExportFileError, summarise

WORKSHOP = "everyday-democracy"
A1, B2, C3 = "P-0000000000a1", "P-0000000000b2", "P-0000000000c3"
SECRET_TEXT = "Oskari Kuvitelma said the form was confusing"


def record(
    participant: str, number: int, step: str | None, workshop: str | None = WORKSHOP, **fields: Any
) -> dict[str, Any]:
    """An anonymised record in the shape `export --anonymise` writes (SHARED.md)."""
    base: dict[str, Any] = {
        "id": f"{participant[-2:]}{number:014x}",
        "participant": participant,
        "status": "logged",
        "period": "2026-03",
        "date_precision": "month",
        "domain": "library",
        "lang": "en",
        "practices": [],
        "values": [],
        "ratings": {},
        "label": None,
        "workshop": workshop,
        "workshop_step": step,
        "answers": [],
    }
    base.update(fields)
    return base


def answer(
    question_id: str, qtype: str, value: Any, question: str, role: str | None = None
) -> dict[str, Any]:
    return {
        "question_id": question_id,
        "phase": "after",
        "question": question,
        "question_type": qtype,
        "role": role,
        "answer": value,
        "catalogue_version": "test",
    }


def roleplay(participant: str, number: int, ratings: dict[str, int], first: str, written: str | None):
    answers = [
        answer("rating-trust", "scale", ratings.get("trust"), "How was trust?", role="rating"),
        answer("try-first", "choice", first, "Which practice would you try first?"),
    ]
    if written is not None:
        answers.append(answer("why", "long_text", written, "Why that one?"))
    return record(participant, number, "after-roleplay", ratings=ratings, answers=answers)


def records_of(participant: str) -> list[dict[str, Any]]:
    plan = {
        A1: ("trust", "explain-the-why", {"trust": 4}, "explain-the-why", SECRET_TEXT),
        B2: ("trust", "explain-the-why", {"trust": 5, "participation": 2}, "listen-to-the-end", None),
        C3: ("participation", "listen-to-the-end", {"trust": 3, "participation": 4}, "explain-the-why", "x"),
    }
    value, practice, ratings, first, written = plan[participant]
    return [  # newest first, as `export` lists them
        roleplay(participant, 3, ratings, first, written),
        record(participant, 2, "pick-practice", practices=[practice]),
        record(participant, 1, "pick-value", values=[value]),
    ]


def write_json(path: Path, records: list[dict[str, Any]], anonymised: bool = True) -> Path:
    document = {
        "format": "encounters-export",
        "version": 1,
        "encounters": records,
        "about": {"format_version": 1, "anonymised": anonymised},
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in records), "utf-8")
    return path


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    first = write_json(
        tmp_path / "veera.json",
        [*records_of(A1), record(A1, 9, None, workshop=None, values=["freedom"])],  # not in a workshop
    )
    second = write_jsonl(tmp_path / "dana.jsonl", records_of(B2))
    third = write_jsonl(tmp_path / "oskari.jsonl", records_of(C3))
    sidecar = tmp_path / "oskari.jsonl.about.json"
    sidecar.write_text(json.dumps({"format_version": 1, "anonymised": True}), "utf-8")
    return [first, second, third]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def summary_json(*args: str) -> dict[str, Any]:
    code, out, err = run("workshop", "summary", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def step_of(document: dict[str, Any], step: str) -> dict[str, Any]:
    [workshop] = document["workshops"]
    return next(item for item in workshop["steps"] if item["step"] == step)


# --- the figures ---------------------------------------------------------------------------------


def test_json_counts_participants_files_and_choices(exports: list[Path]) -> None:
    document = summary_json(*map(str, exports))
    [workshop] = document["workshops"]
    assert workshop["workshop"] == WORKSHOP
    assert workshop["participants"] == 3
    assert workshop["files"] == 3
    assert workshop["entries"] == 9
    assert [step["step"] for step in workshop["steps"]] == ["pick-value", "pick-practice", "after-roleplay"]
    assert document["records"] == 10
    assert document["left_out"] == 1  # the entry written outside any workshop

    values = step_of(document, "pick-value")
    assert values["participants"] == 3
    assert [(v["id"], v["name"], v["participants"]) for v in values["values"]] == [
        ("trust", "Trust", 2),
        ("participation", "Participation", 1),
    ]
    practices = step_of(document, "pick-practice")["practices"]
    assert [(p["id"], p["name"], p["participants"]) for p in practices] == [
        ("explain-the-why", "Explain the why", 2),
        ("listen-to-the-end", "Listen to the end", 1),
    ]


def test_json_rating_distributions_and_means(exports: list[Path]) -> None:
    ratings = step_of(summary_json(*map(str, exports)), "after-roleplay")["ratings"]
    by_value = {item["value"]: item for item in ratings}
    assert list(by_value) == ["participation", "trust"]  # the catalogue's order of values
    assert by_value["trust"]["n"] == 3
    assert by_value["trust"]["mean"] == 4.0
    assert by_value["trust"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert by_value["participation"]["n"] == 2
    assert by_value["participation"]["mean"] == 3.0
    assert by_value["participation"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}


def test_choice_answers_are_counted_and_written_ones_never_shown(exports: list[Path]) -> None:
    document = summary_json(*map(str, exports))
    questions = {q["id"]: q for q in step_of(document, "after-roleplay")["questions"]}
    assert set(questions) == {"try-first", "why"}  # the rating question shows as ratings instead
    assert questions["try-first"]["answered"] == 3
    assert [(c["answer"], c["label"], c["count"]) for c in questions["try-first"]["counts"]] == [
        ("explain-the-why", "Explain the why", 2),
        ("listen-to-the-end", "Listen to the end", 1),
    ]
    assert questions["why"]["answered"] == 2
    assert questions["why"]["counts"] == []
    assert "Oskari Kuvitelma" not in json.dumps(document)
    code, out, _ = run("workshop", "summary", *map(str, exports))
    assert code == 0
    assert "Oskari Kuvitelma" not in out
    assert "2 written answers: counted here, not shown" in out


def test_the_terminal_shows_bars_names_and_n_without_colour(exports: list[Path]) -> None:
    code, out, err = run("workshop", "summary", *map(str, exports))
    assert code == 0, err
    assert "\x1b[" not in out
    assert "Workshop everyday-democracy · 3 participants · 9 entries · 3 files" in out
    assert "Step pick-value · 3 entries from 3 participants" in out
    assert "Values chosen (participants who chose each, of 3)" in out
    lines = out.splitlines()
    trust = next(line for line in lines if line.strip().startswith("Trust") and "of 3" in line)
    participation = next(line for line in lines if line.strip().startswith("Participation"))
    assert trust.rstrip().endswith("2 of 3")
    assert participation.rstrip().endswith("1 of 3")
    assert trust.count("█") == 13  # 2/3 of 20 blocks
    assert participation.count("█") == 7
    assert "Explain the why" in out
    assert "Ratings, 1–5 (each participant's own perception)" in out
    rated = next(line for line in lines if line.strip().startswith("Trust") and "of 3" not in line)
    assert rated.split() == ["Trust", "·", "·", "1", "1", "1", "4.0", "3"]
    assert "1 record(s) belong to no workshop" in err
    assert all(line == line.rstrip() for line in lines)


def test_finnish_names_and_wording(exports: list[Path]) -> None:
    code, out, _ = run("--lang", "fi", "workshop", "summary", *map(str, exports))
    assert code == 0
    assert "Työpaja everyday-democracy · 3 osallistujaa · 9 merkintää · 3 tiedostoa" in out
    assert "Luottamus" in out
    assert "Osallisuus" in out
    assert "2/3" in out
    lines = out.splitlines()
    rated = next(line for line in lines if line.strip().startswith("Luottamus") and "/" not in line)
    assert rated.split()[-2:] == ["4,0", "3"]
    document = summary_json("--workshop", WORKSHOP, *map(str, exports))  # names follow --lang: English
    assert step_of(document, "pick-value")["values"][0]["name"] == "Trust"
    code, out, _ = run("--lang", "fi", "workshop", "summary", "--json", *map(str, exports))
    assert json.loads(out)["workshops"][0]["steps"][0]["values"][0]["name"] == "Luottamus"


def test_unknown_ids_stay_ids_and_control_characters_are_inert(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "odd.jsonl",
        [record(A1, 1, "pick\x1b[2J", values=["team-spirit", "trust"], practices=["our-own\x07"])],
    )
    document = summary_json(str(path))
    step = document["workshops"][0]["steps"][0]
    assert step["step"] == "pick\x1b[2J"  # JSON carries the data as it is; the terminal does not
    assert {v["name"] for v in step["values"]} == {"team-spirit", "Trust"}
    code, out, _ = run("workshop", "summary", str(path))
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "pick\\x1b[2J" in out
    assert "our-own\\x07" in out


def test_several_workshops_each_get_a_summary_or_one_asked_for(tmp_path: Path, exports: list[Path]) -> None:
    other = write_jsonl(
        tmp_path / "other.jsonl",
        [record(A1, 20, "warm-up", workshop="team-day", values=["equality"])],
    )
    document = summary_json(*map(str, exports), str(other))
    assert [w["workshop"] for w in document["workshops"]] == [WORKSHOP, "team-day"]
    assert document["workshops"][1]["participants"] == 1
    only = summary_json("--workshop", "team-day", *map(str, exports), str(other))
    assert [w["workshop"] for w in only["workshops"]] == ["team-day"]
    assert only["left_out"] == 10  # nine of everyday-democracy and one outside any workshop
    code, _, err = run("workshop", "summary", "--workshop", "no-such", *map(str, exports), str(other))
    assert code == 1
    assert err.strip().splitlines() == [
        "encounters: error: no records of workshop 'no-such' in the files (they hold: everyday-democracy,"
        " team-day)"
    ]


def test_a_record_in_two_files_counts_once(tmp_path: Path, exports: list[Path]) -> None:
    again = write_jsonl(tmp_path / "veera-again.jsonl", records_of(A1))
    document = summary_json(*map(str, exports), str(again))
    assert document["duplicates"] == 3
    assert document["workshops"][0]["entries"] == 9
    _, _, err = run("workshop", "summary", *map(str, exports), str(again))
    assert "3 record(s) appeared in more than one file and were counted once." in err


def test_a_sidecar_given_as_an_export_is_skipped(tmp_path: Path, exports: list[Path]) -> None:
    sidecar = tmp_path / "oskari.jsonl.about.json"
    code, out, err = run("workshop", "summary", *map(str, exports), str(sidecar))
    assert code == 0
    assert f"Skipped {sidecar}: it is a data description, not an export." in err
    assert "3 participants" in out


def test_steps_come_in_the_order_they_were_written(tmp_path: Path) -> None:
    # one participant came late (no pick-value), another left early (no after-roleplay): read
    # file by file, the first file alone would put pick-value last; merged, each file's order holds
    late = write_jsonl(tmp_path / "late.jsonl", records_of(A1)[:2])  # after-roleplay, pick-practice
    early = write_jsonl(tmp_path / "early.jsonl", records_of(B2)[1:])  # pick-practice, pick-value
    document = summary_json(str(late), str(early))
    steps = [step["step"] for step in document["workshops"][0]["steps"]]
    assert steps == ["pick-value", "pick-practice", "after-roleplay"]
    outside = write_jsonl(tmp_path / "outside.jsonl", [record(C3, 7, None, values=["trust"])])
    document = summary_json(str(outside), str(late))
    assert [step["step"] for step in document["workshops"][0]["steps"]] == [
        "pick-practice",
        "after-roleplay",
        None,  # written in the workshop but outside any step: last
    ]
    _, out, _ = run("workshop", "summary", str(outside))
    assert "Outside any step · 1 entry from 1 participant" in out


def test_files_that_contradict_each_other_keep_the_first_met_order(tmp_path: Path) -> None:
    one = write_jsonl(tmp_path / "one.jsonl", [record(A1, 2, "b"), record(A1, 1, "a")])  # a, then b
    two = write_jsonl(tmp_path / "two.jsonl", [record(B2, 2, "a"), record(B2, 1, "b")])  # b, then a
    figures = summarise([one, two], load_catalogue([]))
    assert [step.step for step in figures.workshops[0].steps] == ["a", "b"]


SCRIPT = """\
id: everyday-democracy
title: Everyday democracy
steps:
  - id: welcome
    minutes: 5
    say: Welcome.
  - id: pick-value
    title: Which value matters most?
    choose: {what: value}
  - id: pick-practice
    choose: {what: practice}
  - id: after-roleplay
    ask:
      - {id: try-first, type: choice, prompt: Which first?, options_from: practices}
"""


def test_a_script_orders_and_titles_the_steps(tmp_path: Path, exports: list[Path]) -> None:
    script = tmp_path / "everyday-democracy.yaml"
    script.write_text(SCRIPT, "utf-8")
    other = write_jsonl(tmp_path / "other.jsonl", [record(A1, 20, "warm-up", workshop="team-day")])
    document = summary_json("--script", str(script), *map(str, exports), str(other))
    [workshop] = document["workshops"]  # the script's workshop only
    assert [(step["step"], step["title"]) for step in workshop["steps"]] == [
        ("pick-value", "2. Which value matters most?"),
        ("pick-practice", "3. Choice"),
        ("after-roleplay", "4. Questions"),
    ]
    code, out, err = run("workshop", "summary", "--script", str(script), *map(str, exports))
    assert code == 0, err
    assert "Step 2. Which value matters most? (pick-value) · 3 entries from 3 participants" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: Broken\nsteps: []\n", "utf-8")
    code, _, err = run("workshop", "summary", "--script", str(broken), *map(str, exports))
    assert code == 1
    assert "broken.yaml" in err


def test_the_core_gives_plain_data(exports: list[Path]) -> None:
    figures = summarise(exports, load_catalogue([]), "en", workshop=WORKSHOP)
    [workshop] = figures.workshops
    assert workshop.steps[0].values[0].id == "trust"
    assert workshop.steps[2].ratings[1].mean == pytest.approx(4.0)


# --- refusals ------------------------------------------------------------------------------------


def error_of(*paths: Path, lang: str = "en") -> str:
    code, out, err = run("--lang", lang, "workshop", "summary", *map(str, paths))
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_plain_json_export_is_refused_with_how_to_make_an_anonymised_one(tmp_path: Path) -> None:
    plain = write_json(tmp_path / "plain.json", records_of(A1), anonymised=False)
    message = error_of(plain)
    assert str(plain) in message
    assert "not anonymised" in message
    assert message.endswith("encounters export --anonymise --workshop ID")
    fi = error_of(plain, lang="fi")
    assert "vientiä ei ole anonymisoitu" in fi


def test_a_plain_record_in_jsonl_is_refused_naming_the_line(tmp_path: Path) -> None:
    plain = {
        "id": "0123456789abcdef0123456789abcdef",
        "status": "logged",
        "created_at": "2026-03-14T10:00:00.000000Z",
        "updated_at": "2026-03-14T10:00:00.000000Z",
        "private": False,
        "lang": "en",
        "values": ["trust"],
        "workshop": WORKSHOP,
        "workshop_step": "pick-value",
    }
    path = write_jsonl(tmp_path / "mixed.jsonl", [records_of(B2)[0], plain])
    message = error_of(path)
    assert f"{path} line 2: this export is not anonymised" in message
    assert message.endswith(f"encounters export --anonymise --workshop {WORKSHOP}")


def test_a_jsonl_whose_sidecar_says_plain_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", records_of(B2))
    (tmp_path / "p.jsonl.about.json").write_text(json.dumps({"format_version": 1, "anonymised": False}))
    assert "not anonymised" in error_of(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"participant": "P-1", "workshop": "w"}\n{"participant": ',
            "line 2: not valid JSON (Expecting value at column 17)",
        ),
        ("[1, 2]\n", "line 1: expected a record (a JSON object), found a list"),
        (
            '{"participant": "P-1", "workshop": "w", "ratings": {"trust": 7}}\n',
            "line 1: 'ratings' must map value ids to whole numbers from 1 to 5 (found 'trust': 7)",
        ),
        (
            '{"participant": "P-1", "workshop": "w", "values": "trust"}\n',
            "line 1: 'values' must be a list of ids (found text 'trust')",
        ),
        (
            '{"participant": "P-1", "workshop": 3}\n',
            "line 1: 'workshop' must be text or null (found a number 3)",
        ),
    ],
)
def test_a_broken_jsonl_line_is_named(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(content, "utf-8")
    assert error_of(path).startswith(f"encounters: error: {path} {expected}")


def test_a_broken_json_export_item_is_named(tmp_path: Path) -> None:
    items = records_of(A1)
    items[1]["practices"] = [1, 2]
    path = write_json(tmp_path / "veera.json", items)
    assert f"{path} encounters[1]: 'practices' must be a list of ids" in error_of(path)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("missing.json", None, "cannot read the file (No such file or directory)"),
        ("latin1.jsonl", "Äänestys".encode("latin-1"), "not UTF-8 text"),
        ("other.json", b'{"format": "something-else", "encounters": []}', "not an encounters export"),
        ("array.json", b"[]", "not an encounters export"),
    ],
)
def test_files_that_are_not_exports(tmp_path: Path, name: str, data: bytes | None, expected: str) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    message = error_of(path)
    assert str(path) in message
    assert expected in message


def test_files_without_any_record(tmp_path: Path) -> None:
    # what a participant's export holds when every entry was too rare to share under its --k
    empty = write_jsonl(tmp_path / "empty.jsonl", [])
    message = error_of(empty, write_json(tmp_path / "empty.json", []))
    assert "the files hold no records" in message
    assert "--k" in message


def test_no_workshop_records_at_all(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "daily.jsonl", [record(A1, 1, None, workshop=None)])
    message = error_of(path)
    assert "none of the 1 records in the files was written in a workshop" in message
    assert "encounters export --anonymise --workshop ID" in message


def test_the_core_raises_one_error_type(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text("{", "utf-8")
    with pytest.raises(ExportFileError, match=r"broken\.jsonl line 1"):
        summarise([path], load_catalogue([]))


def test_exports_are_required() -> None:
    code, _, err = run("workshop", "summary")
    assert code == 2
    assert "EXPORTS" in err
