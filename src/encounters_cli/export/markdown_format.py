"""md: the selection as a readable document, e.g. to bring to a supervision conversation.

Per encounter a heading (date or period, domain, status), its tags and self-ratings, then each
question in bold with its answer. What the export is comes first (the statement); its settings and
final counts come at the end, once every record has been written. The person's text is escaped only
as much as keeps it from turning into headings, lists or HTML when the file is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from encounters_cli.export import Paged
from encounters_cli.i18n import translate

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.export import ExportJob

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Encounters", "fi": "Kohtaamiset"},
    "title.anonymised": {"en": "Encounters (anonymised)", "fi": "Kohtaamiset (anonymisoitu)"},
    "status.prepared": {"en": "prepared", "fi": "valmisteltu"},
    "status.reflected": {"en": "reflected", "fi": "reflektoitu"},
    "status.logged": {"en": "logged", "fi": "kirjattu"},
    "no_domain": {"en": "no domain", "fi": "ei toimialaa"},
    "label": {"en": "Label", "fi": "Nimi"},
    "practices": {"en": "Practices", "fi": "Käytännöt"},
    "values": {"en": "Values", "fi": "Arvot"},
    "ratings": {"en": "My perception (1–5)", "fi": "Oma arvioni (1–5)"},
    "private": {"en": "Private entry", "fi": "Yksityinen merkintä"},
    "workshop": {"en": "Workshop", "fi": "Työpaja"},
    "participant": {"en": "Participant", "fi": "Osallistuja"},
    "no_answer": {"en": "(no answer)", "fi": "(ei vastausta)"},
    "yes": {"en": "yes", "fi": "kyllä"},
    "no": {"en": "no", "fi": "ei"},
    "empty": {"en": "No encounters were selected.", "fi": "Yhtään kohtaamista ei valittu."},
    "about": {"en": "About this export", "fi": "Tietoa tästä viennistä"},
    "about.exported_at": {"en": "Exported", "fi": "Viety"},
    "about.tool": {"en": "Tool", "fi": "Työkalu"},
    "about.catalogue": {"en": "Catalogue version", "fi": "Sisältöversio"},
    "about.settings": {"en": "Settings", "fi": "Asetukset"},
    "about.counts": {"en": "Counts", "fi": "Määrät"},
    "about.entries": {"en": "Encounters in this file", "fi": "Kohtaamisia tässä tiedostossa"},
}


def _t(lang: str, key: str) -> str:
    return translate(TEXTS, lang, key)


# Characters that start a block when they open a line (heading, quote, list, rule, fence, table)
_BLOCK_START = re.compile(r"^(\s*)([#>+\-*=|~`])", re.MULTILINE)
_ENTITY = re.compile(r"&(?=#?\w+;)")  # '&lt;' typed by the person must not render as '<'
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


# Anything escape() would change; most text has none of it, and then passes through untouched
_SPECIAL = re.compile(r"[\\<\[\]*_`&\n]|^\s*(?:[#>+\-=|~]|\d+[.)])")


def escape(text: str) -> str:
    """User text as Markdown that renders as written: no headings, lists, HTML; line breaks kept."""
    if not _SPECIAL.search(text):
        return text
    text = (
        _ENTITY.sub("&amp;", text.replace("\\", "\\\\"))
        .replace("<", "&lt;")
        .replace("[", "\\[")
        .replace("]", "\\]")
    )
    text = text.replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")
    text = _BLOCK_START.sub(lambda match: match.group(1) + "\\" + match.group(2), text)
    text = _NUMBERED.sub(lambda match: match.group(1) + "\\" + match.group(2), text)
    lines = text.split("\n")
    # a single line break would be joined into one line by a renderer: make it a hard break
    return "\n".join(
        line + ("  " if index < len(lines) - 1 and line.strip() else "") for index, line in enumerate(lines)
    )


class MarkdownExporter(Paged):
    name = "md"
    suffix = ".md"
    text = True

    def start(self, job: ExportJob) -> bytes:
        head = job.describe()  # its statement and tool are fixed; the counts come at the end
        title = _t(job.lang, "title.anonymised" if job.anonymised else "title")
        return f"# {title}\n\n{escape(str(head.get('statement') or ''))}\n".encode()

    def page(self, records: Iterable[dict[str, Any]], job: ExportJob) -> tuple[int, bytes]:
        lang = job.lang
        names = _Names(job.catalogue, lang)
        texts = [_encounter(record, names, lang) for record in records]
        return len(texts), "".join(texts).encode("utf-8")

    def end(self, job: ExportJob, count: int) -> bytes:
        empty = "" if count else f"\n{_t(job.lang, 'empty')}\n"
        return (empty + _about(job.describe(), job.lang, count)).encode("utf-8")


class _Names:
    """Catalogue names in one language, looked up once per id."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.domains = {key: item.name.get(lang) for key, item in catalogue.domains.items()}
        self.values = {key: item.name.get(lang) for key, item in catalogue.values.items()}
        self.order = {key: index for index, key in enumerate(catalogue.values)}  # ratings in catalogue order
        self.practices = {key: item.title.get(lang) for key, item in catalogue.practices.items()}
        options: dict[str, str] = {}
        for question_set in catalogue.question_sets.values():
            for question in question_set.questions:
                for option in question.options or ():
                    options.setdefault(option.id, option.label.get(lang))
        self.choices = {**options, **self.domains, **self.practices, **self.values}


def _encounter(record: dict[str, Any], names: _Names, lang: str) -> str:
    when = record.get("period") or _local_time(record.get("created_at"))
    domain = record.get("domain")
    domain_name = names.domains.get(domain, domain) if domain else _t(lang, "no_domain")
    status = record.get("status") or ""
    status_name = _t(lang, f"status.{status}") if f"status.{status}" in TEXTS else status
    parts = [f"\n## {escape(str(when))} · {escape(str(domain_name))} · {escape(status_name)}\n"]
    facts: list[str] = []
    if record.get("label"):
        facts.append(f"- **{_t(lang, 'label')}:** {escape(record['label'])}")
    if record.get("participant"):
        facts.append(f"- **{_t(lang, 'participant')}:** {escape(record['participant'])}")
    if record.get("practices"):
        titles = ", ".join(escape(names.practices.get(item, item)) for item in record["practices"])
        facts.append(f"- **{_t(lang, 'practices')}:** {titles}")
    if record.get("values"):
        values = ", ".join(escape(names.values.get(item, item)) for item in record["values"])
        facts.append(f"- **{_t(lang, 'values')}:** {values}")
    if record.get("ratings"):
        ordered = sorted(
            record["ratings"].items(), key=lambda item: names.order.get(item[0], len(names.order))
        )
        ratings = ", ".join(f"{escape(names.values.get(value, value))} {score}" for value, score in ordered)
        facts.append(f"- **{_t(lang, 'ratings')}:** {ratings}")
    if record.get("workshop"):
        step = f" ({escape(record['workshop_step'])})" if record.get("workshop_step") else ""
        facts.append(f"- **{_t(lang, 'workshop')}:** {escape(record['workshop'])}{step}")
    if record.get("private"):
        facts.append(f"- **{_t(lang, 'private')}**")
    if facts:
        parts.append("\n" + "\n".join(facts) + "\n")
    for answer in record.get("answers") or ():
        question = " ".join(str(answer.get("question") or answer.get("question_id") or "").split())
        parts.append(f"\n**{escape(question)}**\n\n{_answer(answer, names, lang)}\n")
    return "".join(parts)


def _answer(answer: dict[str, Any], names: _Names, lang: str) -> str:
    value = answer.get("answer")
    choice = answer.get("question_type") in ("choice", "multi_choice")
    if value is None or value == "" or value == []:
        return _t(lang, "no_answer")
    if isinstance(value, bool):
        return _t(lang, "yes" if value else "no")
    if isinstance(value, list):
        items = [names.choices.get(item, item) if choice else item for item in value]
        return ", ".join(escape(str(item)) for item in items)
    if isinstance(value, str):
        return escape(names.choices.get(value, value) if choice else value)
    return escape(str(value))


def _local_time(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _about(about: dict[str, Any], lang: str, count: int) -> str:
    lines = [f"\n---\n\n## {_t(lang, 'about')}\n"]
    tool = about.get("tool") or {}
    if tool:
        lines.append(
            f"- **{_t(lang, 'about.tool')}:** {escape(str(tool.get('name', '')))} {tool.get('version', '')}"
        )
    if about.get("exported_at"):
        lines.append(f"- **{_t(lang, 'about.exported_at')}:** {about['exported_at']}")
    if about.get("catalogue_version"):
        lines.append(f"- **{_t(lang, 'about.catalogue')}:** {escape(str(about['catalogue_version']))}")
    lines.append(f"- **{_t(lang, 'about.entries')}:** {count}")
    settings = about.get("settings")
    if settings:
        lines.append(f"- **{_t(lang, 'about.settings')}:** {_flat(settings)}")
    counts = about.get("counts")
    if counts:
        lines.append(f"- **{_t(lang, 'about.counts')}:** {_flat(counts)}")
    return "\n".join(lines) + "\n"


def _flat(mapping: dict[str, Any]) -> str:
    """A small mapping on one line: 'k 5, date_precision month, generalised (period 3)'."""
    parts = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            inner = _flat(value) if value else "0"
            parts.append(f"{escape(str(key))} ({inner})")
        elif isinstance(value, list):
            parts.append(f"{escape(str(key))} ({escape(', '.join(str(item) for item in value))})")
        else:
            parts.append(f"{escape(str(key))} {escape(str(value))}")
    return ", ".join(parts)


EXPORTER = MarkdownExporter()
