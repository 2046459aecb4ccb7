"""The REFI-QDA (.qdpx) export: schema-valid, positions exact, codes, cases and variables, streaming.

The journal and every record here are synthetic. The schema is the REFI-QDA project schema kept in the
shared folder beside the repository (``../shared/refi-qda/`` from the repository root).
"""

from __future__ import annotations

import io
import json
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from encounters_cli.catalogue.loader import load_catalogue
from encounters_cli.catalogue.models import Catalogue
from encounters_cli.cli.app import app
from encounters_cli.errors import EncountersError
from encounters_cli.export import ExportJob
from encounters_cli.export.qdpx import EXPORTER, GUID_NAMESPACE, clean, guid
from encounters_cli.storage import paths
from encounters_cli.storage.journal import Store
from encounters_cli.storage.records import Answer, Encounter, Filter

etree = pytest.importorskip("lxml.etree", reason="lxml (the test extra) validates against the schema")

SCHEMA_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda" / "Project-mrt2019.xsd"
NS = "urn:QDA-XML:project:1.0"
Q = {"q": NS}
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

COMBINING = "Ame\u0301lie-nukke"  # 'e' + combining acute: NFC makes it one 'é'
EMOJI = "\U0001f642"  # above U+FFFF: two UTF-16 code units, replaced by U+FFFD
SPECIAL = "<lomake> & \"leima\" 'kopio' ]]>"
WHAT = f"Äiti ja Öljy-Åke kysyivät {SPECIAL} ja {COMBINING} {EMOJI} hymyili."
NEWLINES = "\n\nEnsimmäinen rivi\r\n\r\nToinen rivi\n\n\n  kolmas, sisennetty\rneljäs\n\n"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue([])


@pytest.fixture(scope="module")
def schema() -> Any:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"the REFI-QDA schema is not at {SCHEMA_PATH} (the shared folder beside the repository)")
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def answer(qid: str, qtype: str, text: str, value: Any, role: str | None = None) -> Answer:
    return Answer(
        question_id=qid,
        phase="after",
        question=text,
        question_type=qtype,
        answer=value,
        catalogue_version="test",
        answered_at=T0,
        role=role,
    )


def synthetic_journal() -> list[Encounter]:
    """Five entries: rich and tagged, tagged with only choices, untagged, empty, and one more tagged."""
    return [
        Encounter(
            id=Store.new_id(),
            status="reflected",
            lang="fi",
            created_at=T0,
            updated_at=T0,
            domain="library",
            practices=["explain-the-why"],
            values=["trust", "equality"],
            ratings={"trust": 4, "equality": 3},
            label=f"Neuvonta tiskillä {SPECIAL}",
            answers=[
                answer("label", "text", "Anna kohtaamiselle lyhyt nimi", "Neuvonta tiskillä", role="label"),
                answer("what", "long_text", "Mitä tapahtui?", WHAT),
                answer("feelings", "long_text", "Mitä tunsit?", NEWLINES),
                answer("values", "multi_choice", "Mihin arvoihin?", ["trust", "equality"], role="values"),
                answer("rating-trust", "scale", "Oma arvioni: luottamus", 4, role="rating"),
                answer("explain-the-why.know-the-reason", "yes_no", "Tiesitkö syyn?", True),
                answer("so-what", "long_text", "Mitä siitä seurasi?", "   "),  # blank: left out
                answer("next-step", "text", "Mitä teet seuraavaksi?", "Kysyn ensin, mitä hän jo tietää."),
            ],
        ),
        Encounter(
            id=Store.new_id(),
            status="logged",
            lang="en",
            created_at=T0 + timedelta(days=3),
            updated_at=T0 + timedelta(days=3),
            domain="school",
            values=["participation"],
            label=None,
            answers=[answer("lifeline", "choice", "Which lifeline?", "participation")],
        ),
        Encounter(
            id=Store.new_id(),
            status="prepared",
            lang="en",
            created_at=T0 + timedelta(days=5),
            updated_at=T0 + timedelta(days=5),
            domain="social-services",
            label="Planning with Dana Fictive's team",
            answers=[answer("intention", "long_text", "What do you intend?", "Listen first.")],
        ),
        Encounter(
            id=Store.new_id(),
            status="logged",
            lang="en",
            created_at=T0 + timedelta(days=7),
            updated_at=T0 + timedelta(days=7),
        ),
        Encounter(
            id=Store.new_id(),
            status="logged",
            lang="en",
            created_at=T0 + timedelta(days=40),
            updated_at=T0 + timedelta(days=40),
            domain="library",
            practices=["listen-to-the-end"],
            values=["freedom", "justice", "welfare"],
            ratings={"justice": 5},
            answers=[
                answer(
                    "note",
                    "long_text",
                    "Quick note",
                    "Oskari Kuvitelma (oskari.kuvitelma@example.org) waited; we\tlistened.",
                )
            ],
        ),
    ]


def job(catalogue: Catalogue, *, anonymised: bool = False, lang: str = "en", **about: Any) -> ExportJob:
    description = {
        "format_version": 1,
        "tool": {"name": "encounters", "version": "0.1.0"},
        "exported_at": "2026-04" if anonymised else "2026-04-02T08:00:00Z",
        "anonymised": anonymised,
        "statement": "Synthetic test data <not real> & nothing else.",
        "settings": {"date_precision": "month", "k": 5} if anonymised else None,
        "counts": {"exported": 5},
        "catalogue_version": catalogue.version,
        **about,
    }
    return ExportJob(catalogue=catalogue, lang=lang, anonymised=anonymised, describe=lambda: description)


@dataclass
class Project:
    archive: zipfile.ZipFile
    raw: bytes  # project.qde as written
    root: Any  # its lxml tree
    texts: dict[str, str]  # source GUID -> text
    raw_texts: dict[str, bytes]

    def sources(self) -> list[Any]:
        return self.root.findall("q:Sources/q:TextSource", Q)

    def source(self, record_id: str) -> Any:
        found = self.root.find(f"q:Sources/q:TextSource[@guid='{guid('source:' + record_id)}']", Q)
        assert found is not None, record_id
        return found

    def code_guids(self, element: Any) -> set[str]:
        return {ref.get("targetGUID") for ref in element.iterfind(".//q:Coding/q:CodeRef", Q)}

    def variables(self) -> dict[str, Any]:
        """Variable name -> (GUID, typeOfVariable)."""
        return {
            variable.get("name"): (variable.get("guid"), variable.get("typeOfVariable"))
            for variable in self.root.iterfind("q:Variables/q:Variable", Q)
        }

    def values_of(self, element: Any) -> dict[str, str]:
        """The VariableValues directly inside ``element``, by variable name."""
        names = {guid_: name for name, (guid_, _) in self.variables().items()}
        found = {}
        for value in element.findall("q:VariableValue", Q):
            ref = value.find("q:VariableRef", Q).get("targetGUID")
            found[names[ref]] = value[1].text
        return found


def export(records: Any, export_job: ExportJob, path: Path) -> Project:
    with path.open("wb") as out:
        EXPORTER.write(records, out, export_job)
    return read(path)


def read(path: Path) -> Project:
    archive = zipfile.ZipFile(path)
    raw = archive.read("project.qde")
    root = etree.fromstring(raw)
    raw_texts = {
        name.removeprefix("sources/").removesuffix(".txt"): archive.read(name)
        for name in archive.namelist()
        if name.startswith("sources/")
    }
    texts = {key: data.decode("utf-8") for key, data in raw_texts.items()}
    return Project(archive, raw, root, texts, raw_texts)


@pytest.fixture
def journal_records() -> list[dict[str, Any]]:
    with Store.open(paths.journal_path()) as store:
        for encounter in synthetic_journal():
            store.add(encounter)
        return [encounter.to_json() for encounter in store.iter_encounters(Filter())]


@pytest.fixture
def plain(journal_records: list[dict[str, Any]], catalogue: Catalogue, tmp_path: Path) -> Project:
    return export(iter(journal_records), job(catalogue), tmp_path / "journal.qdpx")


def anonymised_records() -> list[dict[str, Any]]:
    """The anonymised record shape, by hand: two participants, coarse periods, no times, no raw ids."""
    common = {"lang": "fi", "workshop": None, "workshop_step": None, "date_precision": "month"}
    return [
        {
            **common,
            "id": "0a1b2c3d4e5f6071",
            "participant": "P-111111111111",
            "status": "reflected",
            "period": "2026-03",
            "domain": "library",
            "practices": ["plan-together"],
            "values": ["knowledge"],
            "ratings": {"knowledge": 2},
            "label": "[PERSON-1] ja hakemus",
            "answers": [
                {
                    "question_id": "what",
                    "phase": "after",
                    "question": "Mitä tapahtui?",
                    "question_type": "long_text",
                    "role": None,
                    "answer": f"[PERSON-1] soitti numerosta [PHONE-1]. {SPECIAL} {EMOJI}",
                    "catalogue_version": "test",
                }
            ],
        },
        {
            **common,
            "id": "1a1b2c3d4e5f6072",
            "participant": "P-222222222222",
            "status": "logged",
            "period": "2026-Q1",
            "date_precision": "quarter",
            "domain": "other",
            "practices": [],
            "values": ["safety", "not-in-the-catalogue"],
            "ratings": {},
            "label": None,
            "answers": [
                {
                    "question_id": "note",
                    "phase": "quick",
                    "question": "Lyhyt muistiinpano",
                    "question_type": "long_text",
                    "role": None,
                    "answer": f"Rauhallinen {COMBINING}.",
                    "catalogue_version": "test",
                }
            ],
        },
        {
            **common,
            "id": "2a1b2c3d4e5f6073",
            "participant": "P-111111111111",
            "status": "logged",
            "period": "2026-04",
            "domain": "library",
            "practices": [],
            "values": [],
            "ratings": {},
            "label": None,
            "answers": [],
        },
    ]


# -- the archive and the schema --------------------------------------------------------------------


def test_project_is_valid_against_the_refi_qda_schema(plain: Project, schema: Any) -> None:
    schema.assertValid(plain.root)
    assert plain.root.tag == f"{{{NS}}}Project"
    assert plain.raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_every_source_is_a_file_under_lowercase_sources_named_by_its_guid(plain: Project) -> None:
    names = plain.archive.namelist()
    assert set(names) == {"project.qde"} | {f"sources/{key}.txt" for key in plain.texts}
    sources = plain.sources()
    assert len(sources) == 5 == len(plain.texts)
    for source in sources:
        source_guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{source_guid}.txt"
        assert source_guid in plain.texts
        assert source_guid == source_guid.upper()


def test_guids_are_uuid5_of_a_fixed_namespace_and_the_ids(
    journal_records: list[dict], plain: Project
) -> None:
    namespace = uuid.UUID(bytes=GUID_NAMESPACE)
    for record in journal_records:
        expected = str(uuid.uuid5(namespace, f"source:{record['id']}")).upper()
        assert plain.source(record["id"]).get("guid") == expected
    every_guid = [element.get("guid") for element in plain.root.iter() if element.get("guid")]
    assert len(every_guid) == len(set(every_guid))


def test_the_same_records_give_the_same_project(
    journal_records: list[dict], catalogue: Catalogue, tmp_path: Path
) -> None:
    first = export(iter(journal_records), job(catalogue), tmp_path / "one.qdpx")
    second = export(iter(journal_records), job(catalogue), tmp_path / "two.qdpx")
    assert first.raw_texts == second.raw_texts
    guids = [[element.get("guid") for element in project.root.iter()] for project in (first, second)]
    assert guids[0] == guids[1]


# -- source texts and positions --------------------------------------------------------------------


def test_source_texts_are_utf8_nfc_without_bom_and_within_the_bmp(plain: Project) -> None:
    for data in plain.raw_texts.values():
        assert not data.startswith(b"\xef\xbb\xbf")
    for text in plain.texts.values():
        assert unicodedata.is_normalized("NFC", text)
        assert all(ord(char) <= 0xFFFF for char in text)
        assert "\r" not in text
    rich = "\n".join(plain.texts.values())
    assert "Amélie-nukke" in rich  # composed
    assert "\ufffd hymyili" in rich  # the emoji, replaced
    assert SPECIAL in rich  # markup characters are text in a .txt file, not escaped


def test_selections_lie_inside_their_source_and_select_the_answer(
    journal_records: list[dict], plain: Project
) -> None:
    checked = 0
    for record in journal_records:
        source = plain.source(record["id"])
        text = plain.texts[source.get("guid")]
        written = [
            clean(a["answer"]).strip()
            for a in record["answers"]
            if a["question_type"] in ("text", "long_text") and a["role"] != "label" and a["answer"].strip()
        ]
        selections = source.findall("q:PlainTextSelection", Q)
        if not record["values"] and not record["practices"]:
            assert selections == []
            continue
        spans = [(int(s.get("startPosition")), int(s.get("endPosition"))) for s in selections]
        for start, end in spans:
            assert 0 <= start < end <= len(text)
        if written:
            assert [text[start:end] for start, end in spans] == written
        else:  # tagged, but nothing written in words: the whole entry is coded
            assert spans == [(0, len(text) - 1)]
        checked += 1
    assert checked == 3


def test_positions_count_code_points_after_normalisation(plain: Project, journal_records: list) -> None:
    rich = next(record for record in journal_records if record["label"] and "Neuvonta" in record["label"])
    source = plain.source(rich["id"])
    text = plain.texts[source.get("guid")]
    first = source.find("q:PlainTextSelection", Q)
    start, end = int(first.get("startPosition")), int(first.get("endPosition"))
    selected = text[start:end]
    assert selected.startswith("Äiti")
    assert selected.endswith("hymyili.")
    assert len(selected) == len(unicodedata.normalize("NFC", WHAT))  # one code point for é and the emoji
    assert len(selected.encode("utf-16-le")) // 2 == len(selected)  # UTF-16 tools count the same
    # the label first, then each block: question line, answer, blank line between
    assert text.startswith(f"Neuvonta tiskillä {SPECIAL}\n\nMitä tapahtui?\n")
    assert "Mitä tunsit?\nEnsimmäinen rivi\n\nToinen rivi\n\n\n  kolmas, sisennetty\nneljäs\n\n" in text
    assert "Mihin arvoihin?\nLuottamus, Yhdenvertaisuus\n" in text  # choices read as labels
    assert "Tiesitkö syyn?\nkyllä\n" in text
    assert "Mitä siitä seurasi?" not in text  # a blank answer leaves no block
    assert text.count("Neuvonta tiskillä") == 1  # the label answer is not repeated


# -- codes -----------------------------------------------------------------------------------------


def code_folders(project: Project) -> dict[str, dict[str, str]]:
    """Folder name -> {code name: code GUID}; folders are not codable, codes are."""
    folders = {}
    for folder in project.root.findall("q:CodeBook/q:Codes/q:Code", Q):
        assert folder.get("isCodable") == "false"
        codes = folder.findall("q:Code", Q)
        assert all(code.get("isCodable") == "true" for code in codes)
        folders[folder.get("name")] = {code.get("name"): code.get("guid") for code in codes}
    return folders


def test_values_and_practices_are_codes_in_folders_by_kind(plain: Project, catalogue: Catalogue) -> None:
    folders = code_folders(plain)
    kinds = {"cornerstone": "Cornerstones", "lifeline": "Lifelines", "outcome": "Outcomes"}
    for value in catalogue.values.values():
        assert folders[kinds[value.kind]][value.name.en] == guid(f"code:value:{value.id}")
    assert set(folders["Cornerstones"]) == {"Equality", "Freedom"}
    assert set(folders["Lifelines"]) == {"Participation", "Trust", "Knowledge", "Justice"}
    assert folders["Practices"] == {
        practice.title.en: guid(f"code:practice:{practice.id}") for practice in catalogue.practices.values()
    }


def test_code_names_follow_the_export_language(
    journal_records: list, catalogue: Catalogue, tmp_path: Path
) -> None:
    project = export(iter(journal_records), job(catalogue, lang="fi"), tmp_path / "fi.qdpx")
    folders = code_folders(project)
    assert {"Kulmakivet", "Elämänlangat", "Tulokset", "Harjoitukset"} <= set(folders)
    assert "Yhdenvertaisuus" in folders["Kulmakivet"]
    journal_case = project.root.find("q:Cases/q:Case", Q)
    assert journal_case.get("name") == "Tämä päiväkirja"


def test_each_tagged_encounter_is_coded_with_its_values_and_practices(
    journal_records: list[dict], plain: Project
) -> None:
    for record in journal_records:
        source = plain.source(record["id"])
        expected = {guid(f"code:value:{value}") for value in record["values"]}
        expected |= {guid(f"code:practice:{practice}") for practice in record["practices"]}
        assert plain.code_guids(source) == expected
        for selection in source.findall("q:PlainTextSelection", Q):
            assert plain.code_guids(selection) == expected  # every coded answer carries every tag


# -- cases, variables, description -----------------------------------------------------------------


def test_a_plain_export_is_one_case_holding_every_source(plain: Project) -> None:
    cases = plain.root.findall("q:Cases/q:Case", Q)
    assert len(cases) == 1
    assert cases[0].get("name") == "This journal"
    refs = {ref.get("targetGUID") for ref in cases[0].findall("q:SourceRef", Q)}
    assert refs == set(plain.texts)
    assert plain.values_of(cases[0]) == {"encounters": "5"}


def test_variables_describe_each_source(journal_records: list[dict], plain: Project) -> None:
    variables = plain.variables()
    assert variables["status"][1] == "Text"
    assert variables["created_at"][1] == "DateTime"
    assert variables["rating_trust"][1] == "Integer"
    assert variables["encounters"][1] == "Integer"
    assert "participant" not in variables  # no pseudonyms in a plain export
    rich = next(record for record in journal_records if record["ratings"].get("trust") == 4)
    values = plain.values_of(plain.source(rich["id"]))
    assert values == {
        "status": "reflected",
        "domain": "library",
        "created_at": "2026-03-02T09:30:00Z",
        "period": "2026-03",
        "lang": "fi",
        "values": "trust;equality",
        "practices": "explain-the-why",
        "rating_trust": "4",
        "rating_equality": "3",
    }
    empty = next(record for record in journal_records if not record["answers"])
    assert plain.values_of(plain.source(empty["id"]))["status"] == "logged"


def test_the_description_holds_the_statement_settings_and_counts(plain: Project) -> None:
    description = plain.root.find("q:Description", Q).text
    statement, _, details = description.partition("\n\n")
    assert statement == "Synthetic test data <not real> & nothing else."
    parsed = json.loads(details)
    assert parsed["counts"] == {"exported": 5}
    assert parsed["tool"] == {"name": "encounters", "version": "0.1.0"}
    assert "codebook" not in parsed  # the code book is the project's own CodeBook
    assert plain.root.get("origin") == "encounters 0.1.0"
    assert plain.root.get("creationDateTime") == "2026-04-02T08:00:00Z"


def test_describe_is_called_once_after_the_last_record(catalogue: Catalogue, tmp_path: Path) -> None:
    seen: list[str] = []

    def records() -> Iterator[dict[str, Any]]:
        for record in anonymised_records():
            seen.append(record["id"])
            yield record
        seen.append("exhausted")

    calls: list[list[str]] = []
    base = job(catalogue, anonymised=True)

    def describe() -> dict[str, Any]:
        calls.append(list(seen))
        return base.describe()

    export_job = ExportJob(catalogue=catalogue, lang="en", anonymised=True, describe=describe)
    with (tmp_path / "a.qdpx").open("wb") as out:
        assert EXPORTER.write(records(), out, export_job) == 3
    assert len(calls) == 1
    assert calls[0][-1] == "exhausted"


# -- anonymised records ----------------------------------------------------------------------------


def test_anonymised_records_make_one_case_per_participant(
    catalogue: Catalogue, schema: Any, tmp_path: Path
) -> None:
    records = anonymised_records()
    project = export(iter(records), job(catalogue, anonymised=True), tmp_path / "study.qdpx")
    schema.assertValid(project.root)
    cases = {case.get("name"): case for case in project.root.findall("q:Cases/q:Case", Q)}
    assert set(cases) == {"P-111111111111", "P-222222222222"}
    for name, case in cases.items():
        refs = [ref.get("targetGUID") for ref in case.findall("q:SourceRef", Q)]
        mine = [guid(f"source:{r['id']}") for r in records if r["participant"] == name]
        assert refs == mine
        assert project.values_of(case) == {"participant": name, "encounters": str(len(mine))}
    second = project.values_of(project.source("1a1b2c3d4e5f6072"))
    assert second["period"] == "2026-Q1"
    assert second["date_precision"] == "quarter"
    assert second["domain"] == "other"
    assert "created_at" not in project.variables()


def test_anonymised_projects_hold_no_exact_times(catalogue: Catalogue, tmp_path: Path) -> None:
    project = export(iter(anonymised_records()), job(catalogue, anonymised=True), tmp_path / "s.qdpx")
    assert project.root.get("creationDateTime") is None  # the export month is no xsd:dateTime
    for source in project.sources():
        assert source.get("creationDateTime") is None
    for selection in project.root.iterfind(".//q:PlainTextSelection", Q):
        # the codings are dated to the first of the export's month, midnight: no more than the about says
        assert selection.get("creationDateTime").endswith("-01T00:00:00Z")
    text = project.raw.decode("utf-8")
    assert "created_at" not in text
    assert "created_at" not in project.variables()


def test_values_missing_from_the_catalogue_still_get_codes(catalogue: Catalogue, tmp_path: Path) -> None:
    project = export(iter(anonymised_records()), job(catalogue, anonymised=True), tmp_path / "s.qdpx")
    folders = code_folders(project)
    assert folders["Other values"] == {"not-in-the-catalogue": guid("code:value:not-in-the-catalogue")}
    source = project.source("1a1b2c3d4e5f6072")
    assert guid("code:value:not-in-the-catalogue") in project.code_guids(source)


# -- robustness ------------------------------------------------------------------------------------


def test_markup_and_control_characters_in_fields_stay_valid_xml(
    catalogue: Catalogue, schema: Any, tmp_path: Path
) -> None:
    record = anonymised_records()[0] | {
        "domain": "a<b&c\"d'e\x01f\x7f",
        "participant": "P-<&>\x00",
        "period": "2026\u2028-03",
        "ratings": {"knowledge": 2, "odd<id>": 3, "flag": True},
    }
    project = export(iter([record]), job(catalogue, anonymised=True), tmp_path / "x.qdpx")
    schema.assertValid(project.root)
    values = project.values_of(project.source(record["id"]))
    assert values["domain"] == "a<b&c\"d'e\ufffdf\x7f"
    assert values["rating_odd<id>"] == "3"
    assert "rating_flag" not in values  # a boolean is not a rating
    assert project.root.find("q:Cases/q:Case", Q).get("name") == "P-<&>\ufffd"


@pytest.mark.parametrize(
    "value",
    ["3F2A9C1B-0000-5000-8000-000000000000", "42", "", "a&b", "<x>", 'say "hi"', "it's", "a\tb\nc\rd", "ä ✓"],
)
def test_the_faster_start_tag_writes_what_xmlgenerator_writes(value: str) -> None:
    from xml.sax.saxutils import XMLGenerator

    from encounters_cli.export.qdpx import _Generator

    written = []
    for generator_class in (XMLGenerator, _Generator):
        out = io.StringIO()
        generator = generator_class(out, encoding="utf-8", short_empty_elements=True)
        generator.startElement("Code", {"guid": value, "name": value})
        generator.endElement("Code")
        written.append(out.getvalue())
    assert written[0] == written[1]


def test_an_empty_selection_is_a_valid_project(catalogue: Catalogue, schema: Any, tmp_path: Path) -> None:
    project = export(iter([]), job(catalogue), tmp_path / "empty.qdpx")
    schema.assertValid(project.root)
    assert project.archive.namelist() == ["project.qde"]
    assert project.root.find("q:Sources", Q) is None


def test_two_records_with_one_id_are_refused(catalogue: Catalogue, tmp_path: Path) -> None:
    record = anonymised_records()[0]
    with pytest.raises(EncountersError, match="two records in the export have the id '0a1b2c3d4e5f6071'"):
        export(iter([record, dict(record)]), job(catalogue, anonymised=True), tmp_path / "dup.qdpx")


def test_records_are_consumed_one_at_a_time(catalogue: Catalogue) -> None:
    """Each source is in the archive before the next record is asked for: nothing waits for the end."""
    out = io.BytesIO()
    records = anonymised_records()
    in_archive_when_asked: list[bool] = []

    def lazily() -> Iterator[dict[str, Any]]:
        for index, record in enumerate(records):
            if index:
                previous = f"sources/{guid('source:' + records[index - 1]['id'])}.txt".encode()
                in_archive_when_asked.append(previous in out.getvalue())
            yield record

    assert EXPORTER.write(lazily(), out, job(catalogue, anonymised=True)) == 3
    assert in_archive_when_asked == [True, True]


def test_a_large_sources_part_goes_through_a_temporary_file(
    catalogue: Catalogue, schema: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With tiny limits the Sources part is flushed often and rolls over to disk; the result is the same."""
    from encounters_cli.export import qdpx

    monkeypatch.setattr(qdpx, "SPOOL_BYTES", 512)
    monkeypatch.setattr(qdpx, "FLUSH_CHARS", 100)
    monkeypatch.setattr(qdpx, "COPY_CHUNK", 64)
    records = [record | {"id": f"{n:016x}"} for n in range(40) for record in anonymised_records()[:1]]
    project = export(iter(records), job(catalogue, anonymised=True), tmp_path / "big.qdpx")
    schema.assertValid(project.root)
    assert len(project.sources()) == 40
    assert list(tmp_path.iterdir()) == [tmp_path / "big.qdpx"]  # the temporary file is gone


# -- through the command line ----------------------------------------------------------------------


def test_export_command_writes_a_valid_qdpx(schema: Any, tmp_path: Path) -> None:
    with Store.open(paths.journal_path()) as store:
        for encounter in synthetic_journal():
            store.add(encounter)
    target = tmp_path / "journal.qdpx"
    result = CliRunner().invoke(app, ["export", "--format", "qdpx", "--out", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    project = read(target)
    schema.assertValid(project.root)
    assert len(project.sources()) == 5
    description = project.root.find("q:Description", Q).text
    assert json.loads(description.partition("\n\n")[2])["counts"]["exported"] == 5


def test_anonymised_export_command_writes_a_valid_qdpx(schema: Any, tmp_path: Path) -> None:
    with Store.open(paths.journal_path()) as store:
        for encounter in synthetic_journal():
            store.add(encounter)
    target = tmp_path / "study.qdpx"
    command = ["export", "-f", "qdpx", "-o", str(target), "--anonymise", "--yes", "--k", "1"]
    result = CliRunner().invoke(app, command, env={"ENCOUNTERS_STUDY_KEY": "synthetic-study-key-123"})
    assert result.exit_code == 0, result.stderr
    project = read(target)
    schema.assertValid(project.root)
    cases = project.root.findall("q:Cases/q:Case", Q)
    assert len(cases) == 1
    assert cases[0].get("name").startswith("P-")
    assert "created_at" not in project.raw.decode("utf-8")
    sources = "".join(project.texts.values())
    assert "we\tlistened" in sources
    assert "oskari.kuvitelma@example.org" not in sources  # the scrubbed text is what reaches the sources
