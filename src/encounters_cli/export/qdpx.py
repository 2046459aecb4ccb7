"""REFI-QDA project export (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo and QualCoder (docs/qdpx.md).

A ``.qdpx`` file is a zip archive: ``project.qde`` (QDA-XML project 1.0) and ``sources/``, one plain
text file per encounter named by its source GUID. The project's parts must come in the schema's order
(Users, CodeBook, Variables, Cases, Sources, Description), but the codes, variables and cases that
occur, and the counts the description reports, are known only after the last record. So the export
streams in two passes over its own output, never over the records:

1. each record becomes one zip entry ``sources/<GUID>.txt`` at once, and its ``<TextSource>`` element
   (selections, codings, variable values) is appended to a temporary file (in memory while small,
   then on disk next to the output); what the later parts need is kept compactly (16 bytes a source);
2. at the end ``project.qde`` is written as one zip entry: the header, code book, variables and
   cases, then the temporary file copied in as the ``<Sources>`` element, then the description.

Text rules that keep positions right in every tool: sources are UTF-8 without a byte order mark,
NFC-normalised, with ``\\n`` line ends, and with characters above U+FFFF (emoji), lone surrogates and
control characters other than tab and line feed replaced by U+FFFD, so that tools counting UTF-16
code units and tools counting code points agree. Selection positions count code points, end
exclusive. GUIDs are uuid5 of a fixed namespace and the item's id: the same records give the same
GUIDs in every export.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import XMLGenerator, quoteattr

from encounters_cli.catalogue.models import language_code
from encounters_cli.errors import EncountersError
from encounters_cli.i18n import Texts, translate

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue, Question
    from encounters_cli.export import ExportJob

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
# Never change: every GUID in every earlier export was derived from it.
GUID_NAMESPACE = uuid.UUID("6f1c3b0e-5a0d-4c47-9a51-2f1e8d7b4c90").bytes
SOURCES_FOLDER = "sources"  # lowercase, as MAXQDA writes it (QualCoder and others accept both cases)
PROJECT_ENTRY = "project.qde"
# Fixed zip timestamps: the archive's bytes depend only on the records and the description.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SPOOL_BYTES = 8 * 1024 * 1024  # the Sources part stays in memory up to this size, then goes to disk
FLUSH_CHARS = 256 * 1024  # XML text gathered before it is handed to the temporary file
COPY_CHUNK = 1024 * 1024
RENDERED_VARIABLE_VALUES = 10_000  # at most this many kept (a few MB); the rest are rendered each time
# Bytes of project.qde per encounter besides its TextSource (one SourceRef in a case), generously;
# used to decide beforehand whether the entry needs ZIP64 (zipfile must know when it opens the entry)
CASE_BYTES_PER_SOURCE = 64
CHOICE_TYPES = ("choice", "multi_choice")
VALUE_KINDS = ("cornerstone", "lifeline", "outcome")
USER_NAME = "encounters"
# One colour per code, cycled; QDA tools pick random colours otherwise.
PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
)

# Characters that XML 1.0 forbids or that UTF-16 counts twice, and controls that tools show as junk:
# everything except tab, line feed, and U+0020..U+FFFD without the surrogates.
_UNSAFE = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd]")
_NEEDS_QUOTING = re.compile('[&<>"\t\n\r]')

TEXTS: Texts = {
    "project": {"en": "encounters export", "fi": "encounters-vienti"},
    "folder.cornerstone": {"en": "Cornerstones", "fi": "Kulmakivet"},
    "folder.lifeline": {"en": "Lifelines", "fi": "Elämänlangat"},
    "folder.outcome": {"en": "Outcomes", "fi": "Tulokset"},
    "folder.other": {"en": "Other values", "fi": "Muut arvot"},
    "folder.practices": {"en": "Practices", "fi": "Harjoitukset"},
    "folder.cornerstone.about": {
        "en": "The two cornerstones of democratic encounters. Each coded passage is an answer in an "
        "encounter tagged with the value.",
        "fi": "Demokraattisen kohtaamisen kaksi kulmakiveä. Koodattu kohta on vastaus kohtaamisesta, "
        "johon arvo on merkitty.",
    },
    "folder.lifeline.about": {
        "en": "The lifelines of democracy. Each coded passage is an answer in an encounter tagged with "
        "the value.",
        "fi": "Demokratian elämänlangat. Koodattu kohta on vastaus kohtaamisesta, johon arvo on merkitty.",
    },
    "folder.outcome.about": {
        "en": "Outcomes that democratic encounters serve. Each coded passage is an answer in an encounter "
        "tagged with the value.",
        "fi": "Tulokset, joita demokraattiset kohtaamiset palvelevat. Koodattu kohta on vastaus "
        "kohtaamisesta, johon arvo on merkitty.",
    },
    "folder.other.about": {
        "en": "Values in the data that the catalogue used for this export does not know.",
        "fi": "Aineiston arvot, joita tässä viennissä käytetty luettelo ei tunne.",
    },
    "folder.practices.about": {
        "en": "Practices the professional tried. Each coded passage is an answer in an encounter where "
        "the practice was used.",
        "fi": "Harjoitukset, joita työntekijä kokeili. Koodattu kohta on vastaus kohtaamisesta, jossa "
        "harjoitusta käytettiin.",
    },
    "journal": {"en": "This journal", "fi": "Tämä päiväkirja"},
    "yes": {"en": "yes", "fi": "kyllä"},
    "no": {"en": "no", "fi": "ei"},
    "var.status": {
        "en": "Status of the entry: prepared, reflected or logged.",
        "fi": "Merkinnän tila: prepared (valmisteltu), reflected (pohdittu) tai logged (kirjattu).",
    },
    "var.domain": {
        "en": "Service domain id ('other' where generalised for anonymity).",
        "fi": "Palvelualan tunniste ('other', jos yleistetty anonymiteetin vuoksi).",
    },
    "var.created_at": {
        "en": "When the entry was written (UTC).",
        "fi": "Milloin merkintä kirjoitettiin (UTC).",
    },
    "var.period": {
        "en": "When the entry was written, coarsened (month, week, quarter or day).",
        "fi": "Milloin merkintä kirjoitettiin, karkeistettuna (kuukausi, viikko, neljännes tai päivä).",
    },
    "var.date_precision": {
        "en": "Precision of the period of this entry.",
        "fi": "Tämän merkinnän ajanjakson tarkkuus.",
    },
    "var.lang": {"en": "Language the entry was written in.", "fi": "Kieli, jolla merkintä kirjoitettiin."},
    "var.values": {
        "en": "Ids of the values the entry is tagged with, separated by ';'.",
        "fi": "Merkintään liitettyjen arvojen tunnisteet puolipistein eroteltuina.",
    },
    "var.practices": {
        "en": "Ids of the practices used, separated by ';'.",
        "fi": "Käytettyjen harjoitusten tunnisteet puolipistein eroteltuina.",
    },
    "var.workshop": {
        "en": "Workshop the entry was written in.",
        "fi": "Työpaja, jossa merkintä kirjoitettiin.",
    },
    "var.workshop_step": {"en": "Step of that workshop.", "fi": "Työpajan vaihe."},
    "var.rating": {
        "en": "My perception of {name}, 1 to 5 (the professional's own rating).",
        "fi": "Oma arvioni: {name}, 1–5 (työntekijän oma arvio).",
    },
    "var.participant": {
        "en": "Pseudonymous participant id.",
        "fi": "Osallistujan pseudonyymi tunniste.",
    },
    "var.encounters": {
        "en": "Number of encounters of this case in the export.",
        "fi": "Tämän tapauksen kohtaamisten määrä viennissä.",
    },
}

# Source variables in the order they are declared; (name, typeOfVariable). Only those that occur.
SOURCE_VARIABLES = (
    ("status", "Text"),
    ("domain", "Text"),
    ("created_at", "DateTime"),
    ("period", "Text"),
    ("date_precision", "Text"),
    ("lang", "Text"),
    ("values", "Text"),
    ("practices", "Text"),
    ("workshop", "Text"),
    ("workshop_step", "Text"),
)
CASE_VARIABLES = (("participant", "Text"), ("encounters", "Integer"))
RATING_PREFIX = "rating_"


def guid_bytes(key: str) -> bytes:
    """The 16 bytes of uuid5(GUID_NAMESPACE, key), without building a UUID object (100k x 10 of them)."""
    digest = bytearray(hashlib.sha1(GUID_NAMESPACE + key.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return bytes(digest)


def guid_text(raw: bytes) -> str:
    """Uppercase 8-4-4-4-12, the form MAXQDA and ATLAS.ti write (the schema accepts either case)."""
    digits = raw.hex().upper()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def guid(key: str) -> str:
    return guid_text(guid_bytes(key))


def clean(text: str) -> str:
    """Text as every QDA tool counts it alike: LF line ends, NFC, nothing outside U+0009..U+FFFD."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _UNSAFE.sub("\ufffd", text)


class _Labels:
    """Option labels of the catalogue's choice questions, by full question id, in one language."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang
        self.by_question: dict[str, dict[str, str]] = {}
        for question_set in catalogue.question_sets.values():
            for question in question_set.questions:
                self._add(question.id, question)
        for practice_id in catalogue.practices:
            for phase in ("before", "after"):
                for question in catalogue.practice_questions(practice_id, phase):
                    self._add(question.id, question)

    def _add(self, question_id: str, question: Question) -> None:
        if question.type in CHOICE_TYPES and question_id not in self.by_question:
            self.by_question[question_id] = {
                option_id: label.get(self.lang) for option_id, label in self.catalogue.options_for(question)
            }

    def of(self, question_id: str) -> dict[str, str]:
        return self.by_question.get(question_id, {})


class _Source:
    """One encounter's text, built piece by piece so that answer positions are known exactly."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0  # in code points

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


class _Variables:
    """Variables declared in the project: name -> (GUID, typeOfVariable, description), in first-use order."""

    def __init__(self, job: ExportJob) -> None:
        self.job = job
        self.declared: dict[str, tuple[str, str, str]] = {}

    def use(self, name: str, kind: str) -> str:
        found = self.declared.get(name)
        if found is None:
            found = (guid(f"variable:{name}"), kind, self._describe(name))
            self.declared[name] = found
        return found[0]

    def _describe(self, name: str) -> str:
        lang = self.job.lang
        if name.startswith(RATING_PREFIX):
            value_id = name[len(RATING_PREFIX) :]
            value = self.job.catalogue.values.get(value_id)
            return translate(
                TEXTS, _lang(lang), "var.rating", name=value.name.get(lang) if value else value_id
            )
        return translate(TEXTS, _lang(lang), f"var.{name}")


def _lang(lang: str) -> str:
    return language_code(lang)


class _Generator(XMLGenerator):
    """XMLGenerator whose startElement leaves out ``quoteattr`` for values that need no escaping.

    Most attribute values are GUIDs and numbers, and quoteattr (seven replacements each) was the
    largest single cost in a profile of the export. A value containing none of ``&<>"`` or tab, CR,
    LF is written in double quotes as it is, which is what quoteattr would write; any other value
    still goes through quoteattr.
    Relies on XMLGenerator's ``_write`` and pending-start-tag handling (unchanged since Python 3.2);
    the tests validate every written project against the schema.
    """

    def startElement(self, name: str, attrs: Any) -> None:
        self._finish_pending_start_element()
        parts = ["<", name]
        for key, value in attrs.items():
            if _NEEDS_QUOTING.search(value) is None:
                parts.append(f' {key}="{value}"')
            else:
                parts.append(f" {key}={quoteattr(value)}")
        if self._short_empty_elements:
            self._pending_start_element = True
        else:
            parts.append(">")
        self._write("".join(parts))

    def fragment(self, xml: str) -> None:
        """Write ``xml``, complete elements this class wrote earlier, as they are."""
        self._finish_pending_start_element()
        self._write(xml)


class _Xml:
    """A thin layer over XMLGenerator: attribute values and text from the data go through ``clean``.

    ``ours=True`` marks attributes this module made itself (GUIDs, positions, timestamps): they are
    ASCII without control characters, so ``clean`` is skipped for them (tens of them per encounter).
    The generator still escapes them.
    """

    def __init__(self, stream: io.TextIOBase) -> None:
        self.gen = _Generator(stream, encoding="utf-8", short_empty_elements=True)
        # VariableValue elements, rendered once each: status, domain, period and ratings repeat a lot
        self.variable_values: dict[tuple[str, str, str], str] = {}

    def start(self, name: str, attrs: dict[str, str] | None = None, *, ours: bool = False) -> None:
        if attrs is None:
            attrs = {}
        elif not ours:
            attrs = {key: clean(value) for key, value in attrs.items()}
        self.gen.startElement(name, attrs)

    def end(self, name: str) -> None:
        self.gen.endElement(name)

    def empty(self, name: str, attrs: dict[str, str], *, ours: bool = False) -> None:
        self.start(name, attrs, ours=ours)
        self.end(name)

    def text_element(self, name: str, text: str) -> None:
        self.start(name)
        self.gen.characters(clean(text))
        self.end(name)

    def newline(self) -> None:
        # also closes a pending start tag, so raw bytes may follow it
        self.gen.ignorableWhitespace("\n")

    def variable_value(self, variable_guid: str, kind: str, value: str) -> None:
        key = (variable_guid, kind, value)
        rendered = self.variable_values.get(key)
        if rendered is None:
            scratch = io.StringIO()
            xml = _Xml(scratch)
            xml.start("VariableValue")
            xml.empty("VariableRef", {"targetGUID": variable_guid}, ours=True)
            xml.text_element(f"{kind}Value", value)
            xml.end("VariableValue")
            rendered = scratch.getvalue()
            if len(self.variable_values) < RENDERED_VARIABLE_VALUES:
                self.variable_values[key] = rendered
        self.gen.fragment(rendered)


class _Project:
    """The state of one export between the first record and the finished archive."""

    def __init__(self, out: BinaryIO, job: ExportJob) -> None:
        self.job = job
        self.lang = _lang(job.lang)
        self.catalogue = job.catalogue
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        # closed by close(), which write() calls in a finally: it outlives this method
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=_folder_of(out))  # noqa: SIM115
        self.buffer = io.StringIO()
        self.xml = _Xml(self.buffer)
        self.user = guid(f"user:{USER_NAME}")
        self.coded_at = _coding_time(job.anonymised)
        self.variables = _Variables(job)
        self.codes_seen: dict[str, str] = {}  # code key ("value:trust") -> GUID, of every code used
        self.cases: dict[str, bytearray] = {}  # case key -> the 16-byte GUIDs of its sources
        self.labels: dict[str, _Labels] = {}
        self.count = 0

    # -- pass 1: one record at a time ------------------------------------------------------------

    def add(self, record: dict[str, Any]) -> None:
        record_id = str(record.get("id") or f"#{self.count}")
        raw_guid = guid_bytes(f"source:{record_id}")
        source_guid = guid_text(raw_guid)
        entry = f"{SOURCES_FOLDER}/{source_guid}.txt"
        if _has_entry(self.zip, entry):
            raise EncountersError(
                f"two records in the export have the id {record_id!r}; a REFI-QDA project needs each"
                " encounter once (check the merged files for duplicates)"
            )
        source, spans = self._text(record)
        info = zipfile.ZipInfo(entry, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, source.encode("utf-8"))
        self._text_source(record, record_id, source_guid, source, spans)
        case = self._case_key(record)
        self.cases.setdefault(case, bytearray()).extend(raw_guid)
        self.count += 1
        if self.buffer.tell() >= FLUSH_CHARS:
            self._flush()

    def _case_key(self, record: dict[str, Any]) -> str:
        participant = record.get("participant")
        return str(participant) if self.job.anonymised and participant else ""

    def _text(self, record: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
        """The source text and the [start, end) spans to code: its answers written in words.

        Label first, then one block per answer: the question on one line, the answer below, a blank
        line between blocks. An encounter with tags but no written answer is coded as a whole so that
        its tags are still found through the codes.
        """
        source = _Source()
        spans: list[tuple[int, int]] = []
        label = clean(str(record.get("label") or "")).strip()
        if label:
            source.add(label)
        lang = _lang(str(record.get("lang") or self.job.lang))
        for answer in record.get("answers") or ():
            if answer.get("role") == "label":
                continue  # the label line above already says it
            text, free = self._answer_text(answer, lang)
            if not text:
                continue
            if source.length:
                source.add("\n\n")
            question = clean(str(answer.get("question") or answer.get("question_id") or "")).strip()
            if question:
                source.add(question + "\n")
            span = source.add(text)
            if free:
                spans.append(span)
        if source.length:
            source.add("\n")
        if not _codes_of(record):
            return source.text(), []  # a selection without a coding would read as an empty memo
        if not spans and source.length > 1:
            spans.append((0, source.length - 1))
        return source.text(), spans

    def _answer_text(self, answer: dict[str, Any], lang: str) -> tuple[str, bool]:
        """(text, written in words?) of one answer; choices read as their labels in the entry's language."""
        value = answer.get("answer")
        if value is None:
            return "", False
        if isinstance(value, bool):
            return translate(TEXTS, lang, "yes" if value else "no"), False
        if isinstance(value, str) and answer.get("question_type") not in CHOICE_TYPES:
            return clean(value).strip(), True
        labels = self._labels(lang).of(str(answer.get("question_id") or ""))
        if isinstance(value, list):
            return clean(", ".join(labels.get(str(item), str(item)) for item in value)).strip(), False
        return clean(labels.get(str(value), str(value))).strip(), False

    def _labels(self, lang: str) -> _Labels:
        if lang not in self.labels:
            self.labels[lang] = _Labels(self.catalogue, lang)
        return self.labels[lang]

    def _text_source(
        self,
        record: dict[str, Any],
        record_id: str,
        source_guid: str,
        source: str,
        spans: list[tuple[int, int]],
    ) -> None:
        xml = self.xml
        attrs = {
            "guid": source_guid,
            "name": clean(_source_name(record, record_id, self.job.anonymised)),
            "plainTextPath": f"internal://{source_guid}.txt",
            "creatingUser": self.user,
        }
        created = None if self.job.anonymised else _xsd_datetime(record.get("created_at"))
        if created:
            attrs["creationDateTime"] = created
        xml.start("TextSource", attrs, ours=True)
        codes = _codes_of(record)
        code_guids = [self._code_guid(code_key) for code_key in codes]
        for index, (start, end) in enumerate(spans):
            xml.start(
                "PlainTextSelection",
                {
                    "guid": guid(f"selection:{record_id}:{index}"),
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": self.user,
                    "creationDateTime": self.coded_at,
                },
                ours=True,
            )
            for code_key, code_guid in zip(codes, code_guids, strict=True):
                xml.start(
                    "Coding",
                    {"guid": guid(f"coding:{record_id}:{index}:{code_key}"), "creatingUser": self.user},
                    ours=True,
                )
                xml.empty("CodeRef", {"targetGUID": code_guid}, ours=True)
                xml.end("Coding")
            xml.end("PlainTextSelection")
        for name, kind, value in self._variable_values(record, created):
            xml.variable_value(self.variables.use(name, kind), kind, value)
        xml.end("TextSource")
        xml.newline()

    def _code_guid(self, code_key: str) -> str:
        """The code's GUID; remembers each code used, for the code book (unknown ids get codes too)."""
        found = self.codes_seen.get(code_key)
        if found is None:
            found = self.codes_seen[code_key] = guid(f"code:{code_key}")
        return found

    def _variable_values(self, record: dict[str, Any], created: str | None) -> Iterator[tuple[str, str, str]]:
        """(name, type, value) of the record's variables; ``created`` is its time as xsd:dateTime."""
        fields: dict[str, Any] = {
            "status": record.get("status"),
            "domain": record.get("domain"),
            "lang": record.get("lang"),
            # ';' between ids, as in the csv export
            "values": ";".join(str(v) for v in record.get("values") or ()),
            "practices": ";".join(str(p) for p in record.get("practices") or ()),
            "workshop": record.get("workshop"),
            "workshop_step": record.get("workshop_step"),
        }
        if self.job.anonymised:
            fields["period"] = record.get("period")
            fields["date_precision"] = record.get("date_precision")
        elif created:
            fields["created_at"] = created
            fields["period"] = created[:7]
        for name, kind in SOURCE_VARIABLES:
            value = fields.get(name)
            if value not in (None, ""):
                yield name, kind, str(value)
        ratings = record.get("ratings") or {}
        for value_id, rating in ratings.items():
            if isinstance(rating, int) and not isinstance(rating, bool):
                yield f"{RATING_PREFIX}{value_id}", "Integer", str(rating)

    def _flush(self) -> None:
        self.spool.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()

    # -- pass 2: project.qde ---------------------------------------------------------------------

    def finish(self, about: dict[str, Any]) -> None:
        self._flush()
        sources_bytes = self.spool.tell()
        info = zipfile.ZipInfo(PROJECT_ENTRY, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        estimate = sources_bytes + CASE_BYTES_PER_SOURCE * self.count + 16 * 1024 * 1024
        with self.zip.open(info, "w", force_zip64=estimate > zipfile.ZIP64_LIMIT) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            xml = _Xml(text)
            xml.gen.startDocument()
            xml.start("Project", self._project_attributes(about))
            xml.newline()
            xml.start("Users")
            xml.empty("User", {"guid": self.user, "name": USER_NAME})
            xml.end("Users")
            xml.newline()
            self._codebook(xml)
            self._declare_case_variables()
            self._variables(xml)
            self._cases(xml)
            if self.count:
                xml.start("Sources")
                xml.newline()
                text.flush()
                self.spool.seek(0)
                shutil.copyfileobj(self.spool, raw, COPY_CHUNK)
                xml.end("Sources")
                xml.newline()
            xml.text_element("Description", _description(about))
            xml.newline()
            xml.end("Project")
            xml.newline()
            text.flush()
            text.detach()
        self.zip.close()

    def close(self) -> None:
        self.spool.close()

    def abandon(self) -> None:
        """After a failure: end the archive now (the caller discards the file), not in ZipFile.__del__,
        which would write to an output that is closed by then."""
        with contextlib.suppress(OSError, ValueError):
            self.zip.close()

    def _project_attributes(self, about: dict[str, Any]) -> dict[str, str]:
        attrs = {"xmlns": PROJECT_NAMESPACE, "name": translate(TEXTS, self.lang, "project")}
        tool = about.get("tool")
        if isinstance(tool, dict):
            origin = " ".join(str(part) for part in (tool.get("name"), tool.get("version")) if part)
        else:
            origin = str(tool or USER_NAME)
        attrs["origin"] = origin or USER_NAME
        attrs["creatingUserGUID"] = self.user
        exported = about.get("exported_at")
        # a month only (anonymised exports) is no xsd:dateTime; the attribute is optional then
        created = _xsd_datetime(exported) if isinstance(exported, str) and "T" in exported else None
        if created:
            attrs["creationDateTime"] = created
        return attrs

    def _codebook(self, xml: _Xml) -> None:
        """Folders (not codable) of cornerstones, lifelines, outcomes, other values and practices."""
        catalogue = self.catalogue
        folders: list[tuple[str, list[tuple[str, str, str]]]] = []  # (folder kind, [(key, name, about)])
        for kind in VALUE_KINDS:
            folders.append(
                (
                    kind,
                    [
                        (f"value:{value.id}", value.name.get(self.lang), value.description.get(self.lang))
                        for value in catalogue.values_of_kind(kind)
                    ],
                )
            )
        unknown_values = [
            (key, key.partition(":")[2], "")
            for key in self.codes_seen
            if key.startswith("value:") and key.partition(":")[2] not in catalogue.values
        ]
        folders.append(("other", unknown_values))
        practices = [
            (f"practice:{practice.id}", practice.title.get(self.lang), practice.summary.get(self.lang))
            for practice in catalogue.practices.values()
        ]
        practices += [
            (key, key.partition(":")[2], "")
            for key in self.codes_seen
            if key.startswith("practice:") and key.partition(":")[2] not in catalogue.practices
        ]
        folders.append(("practices", practices))
        xml.start("CodeBook")
        xml.start("Codes")
        xml.newline()
        colour = 0
        for kind, codes in folders:
            if not codes:
                continue
            xml.start(
                "Code",
                {"guid": guid(f"folder:{kind}"), "name": self._folder_name(kind), "isCodable": "false"},
            )
            xml.text_element("Description", translate(TEXTS, self.lang, f"folder.{kind}.about"))
            for key, name, about in codes:
                xml.start(
                    "Code",
                    {
                        "guid": guid(f"code:{key}"),
                        "name": name,
                        "isCodable": "true",
                        "color": PALETTE[colour % len(PALETTE)],
                    },
                )
                colour += 1
                if about:
                    xml.text_element("Description", about)
                xml.end("Code")
            xml.end("Code")
            xml.newline()
        xml.end("Codes")
        xml.end("CodeBook")
        xml.newline()

    def _folder_name(self, kind: str) -> str:
        return translate(TEXTS, self.lang, f"folder.{kind}")

    def _declare_case_variables(self) -> None:
        if not self.cases:
            return
        for name, kind in CASE_VARIABLES:
            if name == "participant" and not self.job.anonymised:
                continue
            self.variables.use(name, kind)

    def _variables(self, xml: _Xml) -> None:
        if not self.variables.declared:
            return
        xml.start("Variables")
        xml.newline()
        for name, (variable_guid, kind, about) in self.variables.declared.items():
            xml.start("Variable", {"guid": variable_guid, "name": name, "typeOfVariable": kind})
            xml.text_element("Description", about)
            xml.end("Variable")
            xml.newline()
        xml.end("Variables")
        xml.newline()

    def _cases(self, xml: _Xml) -> None:
        """One case per participant (anonymised) or one for the whole journal, with its sources."""
        if not self.cases:
            return
        declared = self.variables.declared
        xml.start("Cases")
        xml.newline()
        for key, sources in self.cases.items():
            name = key or translate(TEXTS, self.lang, "journal")
            xml.start("Case", {"guid": guid(f"case:{key}"), "name": name})
            if key and "participant" in declared:
                xml.variable_value(declared["participant"][0], "Text", key)
            xml.variable_value(declared["encounters"][0], "Integer", str(len(sources) // 16))
            xml.newline()
            for offset in range(0, len(sources), 16):
                xml.empty("SourceRef", {"targetGUID": guid_text(bytes(sources[offset : offset + 16]))})
                xml.newline()
            xml.end("Case")
            xml.newline()
        xml.end("Cases")
        xml.newline()


def _codes_of(record: dict[str, Any]) -> list[str]:
    """Code keys of the record's values, then its practices, each once, in the record's order."""
    keys = [f"value:{value}" for value in record.get("values") or ()]
    keys += [f"practice:{practice}" for practice in record.get("practices") or ()]
    return list(dict.fromkeys(keys))


def _source_name(record: dict[str, Any], record_id: str, anonymised: bool) -> str:
    """A name that is unique, sorts by participant and time, and is safe as a file name (QualCoder)."""
    if anonymised:
        parts = (record.get("participant"), record.get("period"), record_id)
    else:
        created = str(record.get("created_at") or "")
        parts = (created[:10], record_id[:8])
    return " ".join(str(part) for part in parts if part)


def _xsd_datetime(moment: object) -> str | None:
    """An ISO timestamp as xsd:dateTime in UTC, whole seconds, 'Z'; None when it is not a timestamp."""
    if not isinstance(moment, str):
        return None
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coding_time(anonymised: bool) -> str:
    """When the codings were made: now, or the first of this month in an anonymised export.

    QualCoder before 3.6 failed on selections without a creationDateTime, so one is always given;
    an anonymised export gives away no more than the month of the export (as its 'about' does).
    """
    now = datetime.now(timezone.utc)
    if anonymised:
        now = now.replace(day=1, hour=0, minute=0, second=0)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _description(about: dict[str, Any]) -> str:
    """The about's statement, then its settings, counts and provenance as JSON a reader can parse."""
    keys = ("format_version", "tool", "exported_at", "anonymised", "catalogue_version", "settings", "counts")
    details = {key: about[key] for key in keys if key in about}
    statement = str(about.get("statement") or "").strip()
    body = json.dumps(details, ensure_ascii=False, indent=2, default=str)
    return f"{statement}\n\n{body}" if statement else body


def _has_entry(archive: zipfile.ZipFile, name: str) -> bool:
    # the archive's own index of names, rather than a second set of 100,000 ids
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _folder_of(out: BinaryIO) -> str | None:
    """The folder of the output file, so a large temporary part lands on the same disk; else the default."""
    name = getattr(out, "name", None)
    if isinstance(name, str) and name and Path(name).is_file():
        return str(Path(name).resolve().parent)
    return None


class QdpxExporter:
    name = "qdpx"
    suffix = ".qdpx"
    text = False  # a zip archive: never to stdout

    def write(self, records: Iterable[dict[str, Any]], out: BinaryIO, job: ExportJob) -> int:
        project = _Project(out, job)
        try:
            for record in records:
                project.add(record)
            # only now: the counts in the description are final once the records are exhausted
            project.finish(job.describe())
        except BaseException:
            project.abandon()
            raise
        finally:
            project.close()
        return project.count


EXPORTER = QdpxExporter()
