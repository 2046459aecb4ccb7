"""encounters research merge: participants' anonymised exports into one data set, or a refusal.

Each participant is a real journal (Store.add), exported through the Anonymiser and the registry's
json/jsonl writers with its data description, as `encounters export --anonymise` does. All text is
synthetic.
"""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.cli.app import app
from encounters_cli.export import ExportJob, exporter
from encounters_cli.export import merge as merging
from encounters_cli.export.about import describe, study_key_check
from encounters_cli.export.anonymise import Anonymiser, AnonymiseSettings
from encounters_cli.export.merge import MergeError, merge
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

KEY = "study-key-for-merge-tests"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CATALOGUE = load_catalogue()


def entry(
    when: datetime,
    *,
    domain: str = "library",
    text: str = "We read the form together.",
    private: bool = False,
) -> Encounter:
    return Encounter(
        id=Store.new_id(),
        status="reflected",
        lang="en",
        created_at=when,
        updated_at=when,
        domain=domain,
        practices=["explain-the-why"],
        values=["trust"],
        ratings={"trust": 4},
        label="a synthetic encounter",
        private=private,
        answers=[
            Answer("what", "after", "What happened?", "long_text", text, CATALOGUE.version, when),
            Answer("values", "after", "Which values?", "multi_choice", ["trust"], CATALOGUE.version, when),
        ],
    )


def participant(
    folder: Path,
    name: str,
    entries: list[Encounter],
    *,
    fmt: str = "jsonl",
    key: str = KEY,
    precision: str = "month",
    k: int = 2,
) -> Path:
    """One participant's journal and its anonymised export (with the about inline or beside it)."""
    with Store.open(folder / name / "journal.sqlite3") as store:
        for encounter in entries:
            store.add(encounter)
        settings = AnonymiseSettings(key, precision, k)
        anonymiser = Anonymiser(settings, store.participant_secret())
        anonymiser.plan(store.iter_facts(Filter()))
        records = (r for e in store.iter_encounters(Filter()) if (r := anonymiser.transform(e)) is not None)

        def about() -> dict[str, Any]:
            return describe(
                CATALOGUE, anonymised=True, settings=settings, report=anonymiser.report, lang="en"
            )

        job = ExportJob(catalogue=CATALOGUE, lang="en", anonymised=True, describe=about)
        path = folder / f"{name}.{fmt}"
        with path.open("wb") as out:
            exporter(fmt).write(records, out, job)
        if fmt == "jsonl":
            path.with_name(path.name + ".about.json").write_text(json.dumps(about()), encoding="utf-8")
    return path


def month_of(n: int, month: int = 3) -> list[Encounter]:
    return [entry(datetime(2026, month, 2 + i, 9, tzinfo=timezone.utc)) for i in range(n)]


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def refused(folder: Path, *files: Path) -> str:
    """The merge must fail with one line and write nothing; returns the line."""
    out = folder / "merged"
    result = invoke("research", "merge", *map(str, files), "--out", str(out))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("encounters: error: ")
    assert not out.exists()
    return lines[0]


def edit_about(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    about_path = path.with_name(path.name + ".about.json")
    about = json.loads(about_path.read_text(encoding="utf-8"))
    change(about)
    about_path.write_text(json.dumps(about), encoding="utf-8")


# --- merging ------------------------------------------------------------------------------------


def test_merge_two_participants_and_read_it_back(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(6), fmt="json")
    second = participant(tmp_path, "oskari", month_of(4) + month_of(3, month=4), fmt="jsonl")
    out = tmp_path / "study"
    result = invoke("research", "merge", str(first), str(second), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "2 participants" in result.stderr
    assert "13 entries" in result.stderr

    lines = (out / "merged.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 13
    assert len({r["participant"] for r in records}) == 2
    assert {r["period"] for r in records} == {"2026-03", "2026-04"}

    with (out / "merged.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 13 * 2  # tidy: one row per answer
    assert {row["participant"] for row in rows} == {r["participant"] for r in records}
    assert {row["question_id"] for row in rows} == {"what", "values"}
    assert {row["rating_trust"] for row in rows} == {"4"}
    assert "created_at" not in rows[0]

    about = json.loads((out / "about.json").read_text(encoding="utf-8"))
    assert about["participants"] == 2
    assert about["entries"] == 13
    assert about["inputs"] == 2
    assert about["anonymised"] is True
    assert about["settings"]["study_key_check"] == study_key_check(KEY)
    assert KEY not in json.dumps(about)
    assert about["counts"]["exported"] == 13
    assert about["codebook"]["values"]
    assert "pseudonymised" in about["statement"].lower()
    for written in ("merged.jsonl", "merged.csv", "about.json"):
        assert stat.S_IMODE((out / written).stat().st_mode) == 0o600
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_merged_qdpx_is_a_valid_project_with_a_case_per_participant(tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree", reason="lxml (the test extra) validates against the schema")
    schema_path = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda" / "Project-mrt2019.xsd"
    if not schema_path.is_file():
        pytest.skip(f"the REFI-QDA schema is not at {schema_path}")
    first = participant(tmp_path, "veera", month_of(5))
    second = participant(tmp_path, "oskari", month_of(5), fmt="json")
    result = merge([first, second], tmp_path / "study", catalogue=CATALOGUE)
    assert result.skipped_formats == []
    with zipfile.ZipFile(tmp_path / "study" / "merged.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    etree.XMLSchema(etree.parse(str(schema_path))).assertValid(root)
    namespace = {"q": "urn:QDA-XML:project:1.0"}
    cases = root.findall("q:Cases/q:Case", namespace)
    assert sorted(case.get("name") for case in cases) == sorted(
        {
            json.loads(line)["participant"]
            for line in (tmp_path / "study" / "merged.jsonl").read_text().splitlines()
        }
    )
    description = root.find("q:Description", namespace).text
    assert "merged from 2 anonymised exports of 2 participants" in description
    assert f'"study_key_check": "{study_key_check(KEY)}"' in description


def test_k_anonymity_is_repeated_on_the_merged_set(tmp_path: Path) -> None:
    # Each participant's export is 2-anonymous. Merged with k=5: the March library group has 2 + 2 = 4
    # at month level and climbs to the quarter, where it meets the second participant's quarter-level
    # records (already coarser: they stay) and makes 4 + 3 = 7. The school pair is alone: left out.
    first = participant(tmp_path, "veera", month_of(2) + [entry(T0, domain="school") for _ in range(2)])
    second = participant(tmp_path, "oskari", month_of(2), fmt="json")
    third = participant(tmp_path, "dana", month_of(3, month=2), precision="quarter")
    result = merge([first, second, third], tmp_path / "study", catalogue=CATALOGUE, k=5)
    assert result.entries == 7
    assert result.suppressed == 2
    assert result.generalised == {"month->quarter": 4}
    records = [json.loads(line) for line in (tmp_path / "study" / "merged.jsonl").read_text().splitlines()]
    assert {(r["domain"], r["period"], r["date_precision"]) for r in records} == {
        ("library", "2026-Q1", "quarter")
    }
    about = json.loads((tmp_path / "study" / "about.json").read_text())
    assert about["counts"]["merge"]["suppressed"] == 2
    assert about["counts"]["merge"]["k"] == 5
    assert about["settings"]["date_precision"] == "mixed"
    assert about["settings"]["date_precisions"] == ["month", "quarter"]


def test_default_k_is_the_largest_the_exports_used(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(3), k=3)
    second = participant(tmp_path, "oskari", month_of(2, month=5), k=2)
    result = merge([first, second], tmp_path / "study", catalogue=CATALOGUE)
    assert result.about["settings"]["k"] == 3
    assert result.entries == 3  # the pair from May is below 3 at every level
    assert result.suppressed == 2


def test_a_record_given_twice_is_kept_once(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(4))
    copy = tmp_path / "veera-again.jsonl"
    copy.write_bytes(first.read_bytes())
    copy.with_name(copy.name + ".about.json").write_bytes(
        first.with_name(first.name + ".about.json").read_bytes()
    )
    result = merge([first, copy], tmp_path / "study", catalogue=CATALOGUE)
    assert result.entries == 4
    assert result.duplicates == 4
    assert result.participants == 1


def test_a_practice_only_some_exports_know_is_fine(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(2))
    second = participant(tmp_path, "oskari", month_of(2))

    def add_practice(about: dict[str, Any]) -> None:
        about["codebook"]["practices"].append(
            {"id": "our-own", "names": {"en": "Ours", "fi": "Oma"}, "values": []}
        )

    edit_about(second, add_practice)
    result = merge([first, second], tmp_path / "study", catalogue=CATALOGUE)
    assert "our-own" in {p["id"] for p in result.about["codebook"]["practices"]}


# --- refusals -----------------------------------------------------------------------------------


def test_refuses_exports_made_with_another_study_key(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(2))
    second = participant(tmp_path, "oskari", month_of(2), key="some-other-study")
    line = refused(tmp_path, first, second)
    assert "another study key" in line
    assert "oskari.jsonl" in line


def test_refuses_a_plain_export(tmp_path: Path) -> None:
    with Store.open(tmp_path / "plain" / "journal.sqlite3") as store:
        for encounter in month_of(3):
            store.add(encounter)
        job = ExportJob(
            catalogue=CATALOGUE,
            lang="en",
            anonymised=False,
            describe=lambda: describe(CATALOGUE, anonymised=False, settings=None, report=None, lang="en"),
        )
        plain = tmp_path / "plain.json"
        with plain.open("wb") as out:
            exporter("json").write((e.to_json() for e in store.iter_encounters(Filter())), out, job)
    anonymised = participant(tmp_path, "veera", month_of(2))
    line = refused(tmp_path, anonymised, plain)
    assert "plain.json is not anonymised" in line


def test_refuses_records_that_are_not_anonymised_whatever_the_about_says(tmp_path: Path) -> None:
    export = participant(tmp_path, "veera", month_of(2))
    lines = export.read_text().splitlines()
    record = json.loads(lines[0])
    record["created_at"] = "2026-03-02T09:00:00.000000Z"
    export.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n")
    assert "is not anonymised (it has created_at)" in refused(tmp_path, export)


def test_refuses_a_jsonl_without_its_description(tmp_path: Path) -> None:
    export = participant(tmp_path, "veera", month_of(2))
    export.with_name(export.name + ".about.json").unlink()
    assert "no data description" in refused(tmp_path, export)


@pytest.mark.parametrize("name", ["notes.csv", "missing.jsonl"])
def test_refuses_what_it_cannot_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("id,participant\n")
    result = invoke("research", "merge", str(path), "--out", str(tmp_path / "merged"))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "merged").exists()


def test_refuses_codebooks_that_disagree_on_a_value_kind(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(2))
    second = participant(tmp_path, "oskari", month_of(2))

    def trust_a_cornerstone(about: dict[str, Any]) -> None:
        for value in about["codebook"]["values"]:
            if value["id"] == "trust":
                value["kind"] = "cornerstone"

    edit_about(second, trust_a_cornerstone)
    line = refused(tmp_path, first, second)
    assert "value 'trust' is a lifeline in veera.jsonl but a cornerstone in oskari.jsonl" in line


def test_refuses_codebooks_that_disagree_on_a_question_type(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(2))
    second = participant(tmp_path, "oskari", month_of(2))

    def what_a_scale(about: dict[str, Any]) -> None:
        for question in about["codebook"]["questions"]:
            if question["set"] == "reflect" and question["id"] == "what":
                question["type"] = "scale"

    edit_about(second, what_a_scale)
    line = refused(tmp_path, first, second)
    assert "question 'what' (reflect) is long_text in veera.jsonl but scale in oskari.jsonl" in line


def test_refusal_leaves_an_existing_output_folder_as_it_was(tmp_path: Path) -> None:
    first = participant(tmp_path, "veera", month_of(2))
    second = participant(tmp_path, "oskari", month_of(2), key="some-other-study")
    out = tmp_path / "study"
    out.mkdir()
    (out / "merged.jsonl").write_text("earlier\n")
    with pytest.raises(MergeError):
        merge([first, second], out, catalogue=CATALOGUE)
    assert [path.name for path in out.iterdir()] == ["merged.jsonl"]
    assert (out / "merged.jsonl").read_text() == "earlier\n"


# --- reading our json without loading it whole ----------------------------------------------------


def test_json_exports_are_read_record_by_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = participant(tmp_path, "veera", month_of(5, month=3), fmt="json")
    whole = json.loads(export.read_text(encoding="utf-8"))
    monkeypatch.setattr(merging, "_READ_CHUNK", 7)  # every value crosses a chunk boundary
    abouts: list[dict[str, Any]] = []
    records = list(merging._iter_json_export(export, abouts.append))
    assert records == whole["encounters"]
    assert abouts == [whole["about"]]
    # another key order (about first), other white space, an empty file's worth of records
    reordered = tmp_path / "reordered.json"
    reordered.write_text(
        json.dumps({"about": whole["about"], "encounters": whole["encounters"], "version": 1})
    )
    assert list(merging._iter_json_export(reordered, lambda _: None)) == whole["encounters"]
    empty = tmp_path / "empty.json"
    empty.write_text('{ "encounters" : [ ] , "about" : {"anonymised": true} }')
    found: list[dict[str, Any]] = []
    assert list(merging._iter_json_export(empty, found.append)) == []
    assert found == [{"anonymised": True}]
    broken = tmp_path / "broken.json"
    broken.write_text('{"encounters": [{"id": 1}, {"id": ')
    with pytest.raises(json.JSONDecodeError):
        list(merging._iter_json_export(broken, lambda _: None))


# --- end to end: export --anonymise on two journals, then merge ---------------------------------------


def test_export_then_merge_from_the_command_line(tmp_path: Path) -> None:
    import getpass
    import socket

    raw_ids: list[str] = []
    exports: list[Path] = []
    for name, fmt in (("veera", "jsonl"), ("oskari", "json")):
        journal = tmp_path / name / "journal.sqlite3"
        with Store.open(journal) as store:
            for encounter in month_of(5):
                encounter.answers[0].answer = "Dana Fictive called from 040 123 4567 at 09:40."
                store.add(encounter)
                raw_ids.append(encounter.id)
        out = tmp_path / f"{name}.{fmt}"
        exported = invoke(
            "--journal", str(journal), "export", "-f", fmt, "-o", str(out),
            "--anonymise", "--study-key", KEY, "--yes",
        )  # fmt: skip
        assert exported.exit_code == 0, exported.stderr
        exports.append(out)
    study = tmp_path / "study"
    result = invoke("research", "merge", *map(str, exports), "--out", str(study))
    assert result.exit_code == 0, result.stderr
    assert "2 participants" in result.stderr
    written = {path.name: path.read_bytes() for path in study.iterdir()}
    assert {"merged.jsonl", "merged.csv", "about.json"} <= set(written)
    text = b"".join(data for name, data in written.items() if name != "merged.qdpx").decode("utf-8")
    records = [json.loads(line) for line in written["merged.jsonl"].decode().splitlines()]
    assert len(records) == 10
    for original in [*raw_ids, KEY, "040 123 4567", str(tmp_path), socket.gethostname(), "T09:00"]:
        assert original not in text, original
    user = getpass.getuser()
    if len(user) >= 4:
        assert f'"{user}"' not in text
    assert "[PHONE-1]" in text
