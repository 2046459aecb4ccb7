"""encounters export: every format read back by the tools people use, streaming, atomic files, the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tracemalloc
import types
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.cli.app import app
from encounters_cli.errors import EncountersError
from encounters_cli.export import FORMATS, ExportJob, exporter
from encounters_cli.export.run import ExportRequest, run_export
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

MARCH = datetime(2026, 3, 14, 9, 30, 15, 123456, tzinfo=timezone.utc)
TRICKY = 'Kävimme lomakkeen läpi; asiakas kysyi, "miksi tulotiedot?"\nToinen rivi: äöå ÄÖÅ, 100 €'


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200", **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def ok(*args: str, **kwargs: Any) -> Result:
    result = run(*args, **kwargs)
    assert result.exit_code == 0, result.stderr
    return result


def fails(code: int, *args: str, **kwargs: Any) -> str:
    """A command that must fail with ``code`` and one line on stderr, nothing on stdout; that line."""
    result = run(*args, **kwargs)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("encounters: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """Where exports go: apart from the journal's folder, which the autouse fixture puts in tmp_path."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def journal() -> Iterator[Store]:
    with Store.open(paths.journal_path()) as store:
        yield store


def full_encounter(store: Store, **fields: Any) -> Encounter:
    """An entry with every kind of field and answer filled in, including awkward text."""
    when = fields.pop("when", MARCH)
    encounter = Encounter(
        id=fields.pop("id", None) or store.new_id(),
        status=fields.pop("status", "reflected"),
        lang=fields.pop("lang", "fi"),
        created_at=when,
        updated_at=when + timedelta(hours=1, microseconds=7),
        domain=fields.pop("domain", "library"),
        practices=fields.pop("practices", ["explain-the-why"]),
        values=fields.pop("values", ["trust", "knowledge"]),
        ratings=fields.pop("ratings", {"trust": 4, "knowledge": 2}),
        label=fields.pop("label", 'Lomake, "tulotiedot"'),
        private=fields.pop("private", False),
        workshop=fields.pop("workshop", None),
        workshop_step=fields.pop("workshop_step", None),
        answers=fields.pop(
            "answers",
            [
                Answer("what", "after", "Mitä tapahtui?", "long_text", TRICKY, "cat-test", when, None),
                Answer(
                    "values",
                    "after",
                    "Mitä arvoja?",
                    "multi_choice",
                    ["trust", "knowledge"],
                    "cat-test",
                    when,
                    "values",
                ),
                Answer("rating-trust", "after", "Luottamus?", "scale", 4, "cat-test", when, "rating"),
                Answer("explain-the-why.understood", "after", "Ymmärsikö?", "yes_no", True, "cat-test", when),
                Answer("so-what", "after", "Entä sitten?", "long_text", None, "cat-test", when),
                Answer(
                    "next-step",
                    "after",
                    "Seuraava askel?",
                    "text",
                    "Kysy ensin.",
                    "cat-test",
                    when,
                    "next_step",
                ),
            ],
        ),
    )
    assert not fields, fields
    store.add(encounter)
    return encounter


@pytest.fixture
def filled(journal: Store) -> list[Encounter]:
    """Three entries: a full one, a private one in a workshop, and one without answers."""
    return [
        full_encounter(journal),
        full_encounter(
            journal,
            when=MARCH - timedelta(days=40),
            private=True,
            domain="school",
            values=["equality"],
            ratings={},
            label=None,
            workshop="demo-workshop",
            workshop_step="step-2",
            lang="en",
        ),
        full_encounter(
            journal, when=MARCH - timedelta(days=80), status="logged", answers=[], domain=None, practices=[]
        ),
    ]


# --- json ----------------------------------------------------------------------------------------


def test_json_is_one_document_with_every_entry_and_the_about_last(
    filled: list[Encounter], outdir: Path
) -> None:
    out = outdir / "all.json"
    result = ok("export", "--format", "json", "--out", str(out))
    assert str(out) in result.stderr
    text = out.read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == ["format", "version", "encounters", "about"]
    assert (document["format"], document["version"]) == ("encounters-export", 1)
    assert document["encounters"] == [encounter.to_json() for encounter in filled]  # newest first
    assert document["about"]["anonymised"] is False
    assert document["about"]["counts"]["exported"] == 3
    assert "äöå" in text  # UTF-8 as it is, not \u escapes
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_private_entries_are_in_a_plain_export_and_left_out_of_an_anonymised_one(
    filled: list[Encounter], outdir: Path
) -> None:
    plain = json.loads(ok("export", "-f", "json", "-o", "-").stdout)
    assert [record["private"] for record in plain["encounters"]] == [False, True, False]

    anonymised = json.loads(
        ok("export", "-f", "json", "-o", "-", "--anonymise", "--study-key", "study-1", "--k", "1").stdout
    )
    records = anonymised["encounters"]
    assert len(records) == 2
    assert anonymised["about"]["anonymised"] is True
    assert anonymised["about"]["counts"]["private_left_out"] == 1
    text = json.dumps(records)
    for encounter in filled:
        assert encounter.id not in text
    assert "created_at" not in text
    assert "private" not in text


# --- jsonl ---------------------------------------------------------------------------------------


def test_jsonl_lines_are_the_items_of_list_json(filled: list[Encounter], outdir: Path) -> None:
    out = outdir / "all.jsonl"
    ok("export", "-f", "jsonl", "-o", str(out))
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # every line ends with a line feed
    assert [json.loads(line) for line in lines[:-1]] == json.loads(ok("list", "-n", "100", "--json").stdout)
    about = json.loads((outdir / "all.jsonl.about.json").read_text(encoding="utf-8"))
    assert about["counts"]["exported"] == 3
    assert "codebook" in about


def test_jsonl_keeps_one_record_per_line_whatever_the_text(journal: Store) -> None:
    full_encounter(journal, label="line\u2028separator\u2029para\x85nel\rcr")
    output = ok("export", "-f", "jsonl", "-o", "-").stdout
    assert len(output.splitlines()) == 1  # str.splitlines breaks at LS, PS, NEL and CR too
    assert json.loads(output)["label"] == "line\u2028separator\u2029para\x85nel\rcr"


def test_stdout_gets_no_sidecar_and_only_data(filled: list[Encounter], outdir: Path, monkeypatch) -> None:
    monkeypatch.chdir(outdir)
    result = ok("export", "-f", "jsonl", "--out", "-")
    assert len(result.stdout.splitlines()) == 3
    assert "standard output" in result.stderr
    assert list(outdir.iterdir()) == []


# --- csv -----------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_tidy_reads_back_with_the_csv_module(filled: list[Encounter], outdir: Path) -> None:
    out = outdir / "tidy.csv"
    ok("export", "-f", "csv", "-o", str(out))
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.split(b"\n", 1)[0].endswith(b"\r")  # RFC 4180 line ends
    rows = read_csv(out)
    full, private, bare = filled
    assert len(rows) == len(full.answers) + len(private.answers) + 1  # one row per answer; bare has one
    first = rows[0]
    assert first["id"] == full.id
    assert first["created_at"] == full.to_json()["created_at"]
    assert first["values"] == "trust;knowledge"
    assert first["practices"] == "explain-the-why"
    assert (first["rating_trust"], first["rating_knowledge"], first["rating_justice"]) == ("4", "2", "")
    assert first["label"] == 'Lomake, "tulotiedot"'
    assert first["private"] == "false"
    by_question = {row["question_id"]: row for row in rows if row["id"] == full.id}
    assert by_question["what"]["answer"] == TRICKY  # commas, quotes, a line break and ä survive
    assert by_question["values"]["answer"] == "trust;knowledge"
    assert by_question["rating-trust"]["answer"] == "4"
    assert by_question["explain-the-why.understood"]["answer"] == "true"
    assert by_question["so-what"]["answer"] == ""
    assert by_question["next-step"]["role"] == "next_step"
    assert next(row for row in rows if row["id"] == private.id)["workshop"] == "demo-workshop"
    last = rows[-1]
    assert (last["id"], last["question_id"], last["answer"], last["domain"]) == (bare.id, "", "", "")
    assert json.loads((outdir / "tidy.csv.about.json").read_text(encoding="utf-8"))["counts"]["exported"] == 3


def test_csv_wide_has_one_row_per_encounter(filled: list[Encounter], outdir: Path) -> None:
    out = outdir / "wide.csv"
    ok("export", "-f", "csv", "--wide", "-o", str(out))
    rows = read_csv(out)
    assert [row["id"] for row in rows] == [encounter.id for encounter in filled]
    first = rows[0]
    assert first["answer_what"] == TRICKY
    assert first["answer_values"] == "trust;knowledge"
    assert first["answer_explain-the-why.understood"] == "true"
    assert first["rating_trust"] == "4"
    header = list(first)
    # columns follow the catalogue (prepare, reflect, ... then practices), only those answered
    assert (
        header.index("answer_what")
        < header.index("answer_next-step")
        < header.index("answer_explain-the-why.understood")
    )
    assert "answer_intention" not in header
    assert all(value == "" for key, value in rows[2].items() if key.startswith("answer_"))


def test_csv_wide_has_columns_for_questions_the_catalogue_does_not_know(journal: Store, outdir: Path) -> None:
    answers = [Answer("retired-question", "quick", "An old question", "text", "still here", "old")]
    full_encounter(journal, answers=answers)
    rows = read_csv(_export(outdir, "csv", "--wide"))
    assert rows[0]["answer_retired-question"] == "still here"


def test_csv_of_an_anonymised_export_has_the_anonymised_columns(
    filled: list[Encounter], outdir: Path
) -> None:
    out = outdir / "anon.csv"
    ok("export", "-f", "csv", "-o", str(out), "--anonymise", "--study-key", "k", "--k", "1", "--yes")
    rows = read_csv(out)
    assert {"participant", "period", "date_precision"} <= set(rows[0])
    assert not {"created_at", "updated_at", "private", "answered_at"} & set(rows[0])
    assert rows[0]["period"] == "2026-03"
    assert {row["participant"] for row in rows} == {rows[0]["participant"]}


def _export(folder: Path, fmt: str, *args: str) -> Path:
    out = folder / f"export-{len(list(folder.iterdir()))}.{fmt}"
    ok("export", "-f", fmt, "-o", str(out), *args)
    return out


# --- md ------------------------------------------------------------------------------------------


def test_markdown_reads_as_a_document(filled: list[Encounter]) -> None:
    text = ok("--lang", "fi", "export", "-f", "md", "-o", "-").stdout
    assert text.startswith("# Kohtaamiset\n")
    assert "**Mitä tapahtui?**" in text
    assert 'Kävimme lomakkeen läpi; asiakas kysyi, "miksi tulotiedot?"  \nToinen rivi: äöå' in text
    assert "Luottamus 4, Tieto 2" in text  # ratings with the values' names
    assert "Yksityinen merkintä" in text
    assert "reflektoitu" in text
    assert text.index("## Tietoa tästä viennistä") > text.index("**Seuraava askel?**")


def test_markdown_does_not_let_an_answer_become_a_heading_or_html(journal: Store) -> None:
    answers = [
        Answer("note", "quick", "Note", "long_text", "# not a heading\n<script>x</script>\n1. item", "v")
    ]
    full_encounter(journal, answers=answers, lang="en")
    text = ok("export", "-f", "md", "-o", "-").stdout
    assert "\\# not a heading" in text
    assert "<script>" not in text
    assert "1\\. item" in text


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "md"])
def test_an_empty_selection_is_still_a_valid_file(outdir: Path, fmt: str) -> None:
    out = outdir / f"empty.{fmt}"
    assert "Wrote 0 encounter(s)" in ok("export", "-f", fmt, "-o", str(out)).stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["encounters"] == []
    elif fmt == "jsonl":
        assert text == ""
    elif fmt == "csv":
        assert len(read_csv(out)) == 0
        assert text.startswith("id,status,created_at")
    else:
        assert "No encounters were selected." in text


# --- the command line: where the file goes, filters, refusals --------------------------------------


def test_filters_are_honoured(filled: list[Encounter]) -> None:
    def ids(*args: str) -> list[str]:
        return [record["id"] for record in json.loads(ok("export", "-o", "-", *args).stdout)["encounters"]]

    full, private, bare = filled
    assert ids("--value", "equality") == [private.id]
    assert ids("--domain", "library") == [full.id]
    assert ids("--since", "2026-03-01") == [full.id]
    assert ids("--until", "2026-02-28") == [private.id, bare.id]
    assert ids("--workshop", "demo-workshop") == [private.id]
    assert ids("--practice", "explain-the-why") == [full.id, private.id]


def test_an_existing_file_is_not_replaced_without_force(filled: list[Encounter], outdir: Path) -> None:
    out = outdir / "kept.json"
    out.write_text("precious", encoding="utf-8")
    line = fails(1, "export", "-o", str(out))
    assert "already exists" in line
    assert "--force" in line
    assert out.read_text(encoding="utf-8") == "precious"
    ok("export", "-o", str(out), "--force")
    assert len(json.loads(out.read_text(encoding="utf-8"))["encounters"]) == 3


def test_an_existing_sidecar_is_not_replaced_without_force(filled: list[Encounter], outdir: Path) -> None:
    (outdir / "data.csv.about.json").write_text("precious", encoding="utf-8")
    assert "data.csv.about.json already exists" in fails(
        1, "export", "-f", "csv", "-o", str(outdir / "data.csv")
    )
    assert sorted(path.name for path in outdir.iterdir()) == ["data.csv.about.json"]


def test_the_default_file_name_when_stdout_is_a_terminal(
    filled: list[Encounter], outdir: Path, monkeypatch
) -> None:
    from encounters_cli.cli import export_commands

    monkeypatch.chdir(outdir)
    monkeypatch.setattr(export_commands, "_stdout_is_terminal", lambda: True)
    today = date.today()
    ok("export", "-f", "csv")
    ok("export", "-f", "md", "--anonymise", "--study-key", "k", "--k", "1")
    names = sorted(path.name for path in outdir.iterdir())
    assert names == [
        f"encounters-{today:%Y-%m-%d}.csv",
        f"encounters-{today:%Y-%m-%d}.csv.about.json",
        f"encounters-anonymised-{today:%Y-%m-%d}.md",
    ]


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("-f", "xml"), 2, "unknown format 'xml' (choose from json, jsonl, csv, md, qdpx)"),
        (("-f", "json", "--wide"), 2, "--wide only goes with --format csv"),
        (("--k", "3"), 2, "--k only goes with --anonymise"),
        (("--date-precision", "week"), 2, "--date-precision only goes with --anonymise"),
        (("--anonymise",), 2, "give --study-key"),
        (("--anonymise", "--study-key", "k", "--date-precision", "year"), 2, "unknown date precision 'year'"),
        (("-f", "qdpx", "-o", "-"), 2, "cannot go to standard output"),
        (("--value", "nonsense"), 1, "unknown value 'nonsense'"),
        (("-o", "/nonexistent-folder/x.json"), 1, "the folder /nonexistent-folder does not exist"),
    ],
)
def test_mistakes_are_one_line(
    filled: list[Encounter], args: tuple[str, ...], code: int, expected: str
) -> None:
    assert expected in fails(code, "export", *args)


def test_the_study_key_can_come_from_the_environment(filled: list[Encounter]) -> None:
    result = ok("export", "-o", "-", "--anonymise", "--k", "1", env={"ENCOUNTERS_STUDY_KEY": "from-env"})
    assert len(json.loads(result.stdout)["encounters"]) == 2
    assert "Anonymised: 2 exported, 1 private left out" in result.stderr  # the one-line summary, no preview


def test_the_help_lists_every_registered_format() -> None:
    text = " ".join(ok("export", "--help").stdout.split())
    for name in FORMATS:
        assert name in text


# --- atomic files --------------------------------------------------------------------------------


class Failing:
    """A format that writes some bytes, then fails halfway."""

    name = "boom"
    suffix = ".boom"
    text = True

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def write(self, records: Any, out: Any, job: ExportJob) -> int:
        for index, _ in enumerate(records):
            out.write(b"x" * 10_000)
            if index == 1:
                raise self.error
        return 0


@pytest.fixture
def failing_format(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(error: BaseException) -> None:
        module = types.ModuleType("failing_test_format")
        module.EXPORTER = Failing(error)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "failing_test_format", module)
        monkeypatch.setitem(FORMATS, "boom", "failing_test_format")

    return install


@pytest.mark.parametrize(
    ("error", "code"), [(EncountersError("the disk said no"), 1), (KeyboardInterrupt(), 130)]
)
def test_a_failure_midway_leaves_no_file(
    filled: list[Encounter], outdir: Path, failing_format: Any, error: BaseException, code: int
) -> None:
    failing_format(error)
    result = run("export", "-f", "boom", "-o", str(outdir / "out.boom"))
    assert result.exit_code == code
    assert list(outdir.iterdir()) == []  # neither the file nor its temporary file


def test_a_failure_midway_keeps_the_old_file_under_force(
    filled: list[Encounter], outdir: Path, failing_format: Any
) -> None:
    failing_format(EncountersError("the disk said no"))
    out = outdir / "out.boom"
    out.write_bytes(b"the previous export")
    assert "the disk said no" in fails(1, "export", "-f", "boom", "-o", str(out), "--force")
    assert out.read_bytes() == b"the previous export"
    assert list(outdir.iterdir()) == [out]


def test_run_export_core_without_the_command_line(
    filled: list[Encounter], journal: Store, catalogue: Catalogue, outdir: Path
) -> None:
    seen: list[int] = []
    summary = run_export(
        journal,
        catalogue,
        "en",
        ExportRequest("jsonl", Filter(), outdir / "core.jsonl"),
        on_progress=seen.append,
    )
    assert (summary.written, summary.path, summary.sidecar) == (
        3,
        outdir / "core.jsonl",
        outdir / "core.jsonl.about.json",
    )
    assert seen == [3]
    declined = run_export(
        journal,
        catalogue,
        "en",
        ExportRequest("csv", Filter(), outdir / "no.csv", anonymise=_settings()),
        confirm=lambda report: report.exported == 2 and False,
    )
    assert not declined.kept
    assert sorted(path.name for path in outdir.iterdir()) == ["core.jsonl", "core.jsonl.about.json"]


def _settings() -> Any:
    from encounters_cli.export.anonymise import AnonymiseSettings

    return AnonymiseSettings(study_key="k", k=1)


# --- streaming: writers pull records as they write, and hold none ---------------------------------


def synthetic_record(index: int) -> dict[str, Any]:
    moment = (MARCH + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    answers = [
        {
            "question_id": question,
            "phase": "after",
            "question": "Mitä tapahtui?",
            "question_type": "long_text",
            "answer": f"Vastaus {index}, rivi\ntoinen rivi " + "ä" * 300,
            "role": None,
            "catalogue_version": "cat-test",
            "answered_at": moment,
        }
        for question in ("what", "so-what", "next-step")
    ]
    return {
        "id": f"{index:032x}",
        "status": "reflected",
        "created_at": moment,
        "updated_at": moment,
        "domain": "library",
        "practices": ["explain-the-why"],
        "values": ["trust"],
        "ratings": {"trust": 3},
        "label": f"Tapaaminen {index}",
        "private": False,
        "lang": "fi",
        "workshop": None,
        "workshop_step": None,
        "answers": answers,
    }


class CountingSink(io.RawIOBase):
    """Discards what is written, noting how many records had been pulled when data first arrived."""

    def __init__(self, pulled: list[int]) -> None:
        self.pulled = pulled
        self.first_data_at: int | None = None
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.first_data_at is None and self.pulled[0] > 0:
            self.first_data_at = self.pulled[0]
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize(
    ("fmt", "wide"), [("json", False), ("jsonl", False), ("csv", False), ("csv", True), ("md", False)]
)
def test_writers_consume_records_lazily(catalogue: Catalogue, fmt: str, wide: bool) -> None:
    total = 5000
    pulled = [0]

    def records() -> Iterator[dict[str, Any]]:
        for index in range(total):
            pulled[0] += 1
            yield synthetic_record(index)

    sink = CountingSink(pulled)
    job = ExportJob(catalogue, "fi", False, describe=lambda: {"counts": {"exported": pulled[0]}}, wide=wide)
    assert exporter(fmt).write(records(), sink, job) == total  # type: ignore[arg-type]
    assert sink.first_data_at is not None
    assert sink.first_data_at < total / 2


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "md"])
def test_writers_hold_no_more_than_a_few_records(catalogue: Catalogue, fmt: str) -> None:
    """Peak memory stays far below what the records would take all at once (about 25 MB here)."""
    job = ExportJob(catalogue, "fi", False, describe=lambda: {})
    records = (synthetic_record(index) for index in range(8000))
    tracemalloc.start()
    try:
        exporter(fmt).write(records, CountingSink([0]), job)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6_000_000, peak


# --- a person at a terminal: study key and preview -------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
@pytest.mark.parametrize("answer", ["n", "y"])
def test_the_preview_asks_before_writing(
    filled: list[Encounter], journal: Store, outdir: Path, answer: str
) -> None:
    import pexpect

    full_encounter(journal, label="Soita numeroon 040 123 4567 huomenna")
    out = outdir / "research.jsonl"
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "encounters_cli", "export", "-f", "jsonl", "-o", str(out), "--anonymise", "--k", "1"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 100),
    )
    try:
        child.expect_exact("Study key")
        child.sendline("a-study-key")
        child.expect_exact("Preview of the anonymised export of 4 encounter(s)")
        child.expect_exact("PHONE 1")
        child.expect_exact("1 private")
        child.expect_exact("[PHONE-1]")  # an excerpt around the placeholder
        child.expect_exact("Write the export? [y/N]")
        child.sendline(answer)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    if answer == "n":
        assert child.exitstatus == 0
        assert "Nothing was written" in (child.before or "")
        assert list(outdir.iterdir()) == []
    else:
        assert child.exitstatus == 0
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3
        assert "a-study-key" not in out.read_text(encoding="utf-8")
        assert "040 123 4567" not in out.read_text(encoding="utf-8")
