"""Rich renderables for the journal and the catalogue. User text is always shown literally.

Rich's modules are imported by the functions that use them: an error message needs only ``inert``,
``search`` and ``show`` draw no table (rich.table brings fractions) and no panel.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from encounters_cli.cli.messages import t

if TYPE_CHECKING:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from encounters_cli.catalogue.models import Catalogue, Practice
    from encounters_cli.coach.conversation import Suggestion
    from encounters_cli.storage.records import Encounter, NextStep, SearchHit

# C0 controls except tab and newline, DEL, and C1 controls: shown as escapes, never sent raw. So are
# the Unicode line and paragraph separators (a line break to many tools, not to the terminal), and
# lone surrogates (an argument's bytes that were not UTF-8), which cannot be written as UTF-8 at all.
# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) too: they can make
# shown text read differently from what is stored.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def inert(text: str | None) -> str:
    """Text a user typed, made safe to print: escape sequences become visible, not active."""
    if not text:
        return ""
    return _CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


def literal(text: str | None, style: str = "") -> Text:
    """A Text that Rich will not parse for markup: '[bold]' in an answer stays '[bold]'."""
    from rich.text import Text

    return Text(inert(text), style=style)


# No markup or emoji codes in any plain string we print: table cells and messages carry catalogue
# text from trainers' packs and ids, where '[team]' or ':ok:' must stay as written.
def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, markup=False, emoji=False)


# What Rich's Text leaves out of a string it prints (bell, backspace, vertical tab, form feed, CR)
_DROPPED = dict.fromkeys((7, 8, 11, 12, 13))


def note(text: str, style: str | None = None) -> None:
    """One line for the person on standard error: through Rich at a terminal (which knows the
    terminal's colours), else as the plain line Rich would write, without loading Rich: the commands
    a script runs (log, export) stay quick."""
    if sys.stderr.isatty():
        stderr_console().print(text, style=style, soft_wrap=True)
    else:
        sys.stderr.write(text.translate(_DROPPED) + "\n")


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False)


def local_time(encounter_time) -> str:
    return encounter_time.astimezone().strftime("%Y-%m-%d %H:%M")


def _names(catalogue: Catalogue, kind: str, ids: list[str], lang: str) -> str:
    table = getattr(catalogue, kind)
    out = []
    for item_id in ids:
        item = table.get(item_id)
        if item is None:
            out.append(item_id)
        else:
            out.append((item.title if kind == "practices" else item.name).get(lang))
    return ", ".join(out)


def _ratings(catalogue: Catalogue, ratings: dict[str, int], lang: str) -> str:
    """'Trust 4, Justice 3': each rated value's name and the rating."""
    return ", ".join(
        f"{_names(catalogue, 'values', [value], lang)} {score}" for value, score in ratings.items()
    )


def practice_card(practice: Practice, catalogue: Catalogue, lang: str, *, questions: bool = False) -> Panel:
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    body.append(practice.summary.get(lang) + "\n\n")
    body.append(t(lang, "card.why") + "\n", style="bold")
    body.append(practice.why.get(lang) + "\n\n")
    body.append(t(lang, "card.steps") + "\n", style="bold")
    for number, step in enumerate(practice.steps, 1):
        body.append(f" {number}. {step.get(lang)}\n")
    body.append("\n" + t(lang, "card.values") + ": ", style="bold")
    body.append(_names(catalogue, "values", list(practice.values), lang))
    body.append("\n" + t(lang, "card.domains") + ": ", style="bold")
    domains = practice.domains
    body.append(
        t(lang, "card.all_domains") if domains == "all" else _names(catalogue, "domains", list(domains), lang)
    )
    if questions:
        for phase, label in (("before", "card.before"), ("after", "card.after")):
            body.append(f"\n\n{t(lang, label)}\n", style="bold")
            for question in getattr(practice, phase):
                body.append(f" • {question.prompt.get(lang)}\n")
    return Panel(body, title=Text(practice.title.get(lang), style="bold"), subtitle=practice.id, expand=False)


def suggestion_reason(item: Suggestion, catalogue: Catalogue, lang: str) -> str:
    """Why a practice is suggested: the least-attended values it serves, with the count behind it."""
    values = _names(catalogue, "values", item.reason_values, lang)
    if not item.window:
        return t(lang, "suggestions.reason.empty", values=values)
    count = item.counts.get(item.reason_values[0], 0) if item.reason_values else 0
    return t(lang, "suggestions.reason", values=values, count=count, window=item.window)


def resurfaced(step: NextStep, because: str, catalogue: Catalogue, lang: str) -> Text:
    """One or two quiet lines: an earlier next step, and how that encounter went."""
    from rich.text import Text

    date = step.created_at.astimezone().strftime("%Y-%m-%d")
    line = Text(t(lang, f"resurface.{because}", date=date, step=""), style="dim")
    line.append(inert(step.text), style="italic")
    if step.ratings:
        line.append(
            "\n" + t(lang, "resurface.rated", ratings=_ratings(catalogue, step.ratings, lang)), style="dim"
        )
    elif step.values:
        line.append(
            "\n" + t(lang, "resurface.values", values=_names(catalogue, "values", step.values, lang)),
            style="dim",
        )
    return line


ABOUT_CHARS = 300  # far wider than any terminal; a 5 MB answer would make the table measure it all


def _about(encounter: Encounter) -> str:
    first = encounter.label
    if not first:
        for answer in encounter.answers:
            if isinstance(answer.answer, str) and answer.answer.strip():
                first = answer.answer
                break
    return " ".join((first or "")[: ABOUT_CHARS * 2].split())[:ABOUT_CHARS]


def encounter_table(encounters: list[Encounter], catalogue: Catalogue, lang: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t(lang, "col.id"), no_wrap=True, min_width=8)
    table.add_column(t(lang, "col.when"), no_wrap=True, min_width=16)
    table.add_column(t(lang, "col.status"), no_wrap=True)
    table.add_column(t(lang, "col.domain"), min_width=8)
    table.add_column(t(lang, "col.values"), min_width=8)
    # The column may shrink (a no_wrap column may not, and a long note would squeeze every other
    # column to nothing); its cells stay one line each, cut with an ellipsis.
    table.add_column(t(lang, "col.about"), overflow="ellipsis", min_width=16, ratio=1)
    for encounter in encounters:
        table.add_row(
            encounter.short_id,
            local_time(encounter.created_at),
            t(lang, f"status.{encounter.status}"),
            _names(catalogue, "domains", [encounter.domain], lang) if encounter.domain else "",
            _names(catalogue, "values", encounter.values, lang),
            Text(inert(_about(encounter)), no_wrap=True, overflow="ellipsis"),
        )
    return table


def encounter_detail(encounter: Encounter, catalogue: Catalogue, lang: str) -> Group:
    from rich.console import Group
    from rich.text import Text

    from encounters_cli.coach.answers import answer_text

    head = Text()
    head.append(f"{encounter.id}\n", style="bold")
    head.append(f"{t(lang, 'col.status')}: {t(lang, 'status.' + encounter.status)}")
    if encounter.private:
        head.append(f" · {t(lang, 'show.private')}")
    head.append(f"\n{t(lang, 'show.created')}: {local_time(encounter.created_at)}")
    head.append(f" · {t(lang, 'show.updated')}: {local_time(encounter.updated_at)}\n")
    if encounter.label:
        head.append(f"{t(lang, 'col.about')}: ")
        head.append(inert(encounter.label) + "\n")
    if encounter.domain:
        head.append(f"{t(lang, 'col.domain')}: {_names(catalogue, 'domains', [encounter.domain], lang)}\n")
    if encounter.practices:
        head.append(
            f"{t(lang, 'col.practices')}: {_names(catalogue, 'practices', encounter.practices, lang)}\n"
        )
    if encounter.values:
        head.append(f"{t(lang, 'col.values')}: {_names(catalogue, 'values', encounter.values, lang)}\n")
    if encounter.ratings:
        head.append(f"{t(lang, 'summary.ratings')}: {_ratings(catalogue, encounter.ratings, lang)}\n")
    parts: list = [head]
    value_labels = {value.id: value.name.get(lang) for value in catalogue.values.values()}
    for answer in encounter.answers:
        block = Text()
        block.append(inert(answer.question) + "\n", style="bold")
        text = answer_text(answer.answer, value_labels)
        block.append(inert(text) if text else t(lang, "show.no_answer"), style="" if text else "dim")
        parts.append(block)
        parts.append(Text(""))
    return Group(*parts)


def reflection_summary(encounter: Encounter, next_step: str | None, catalogue: Catalogue, lang: str) -> Panel:
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    if encounter.values:
        body.append(t(lang, "summary.values") + ": ", style="bold")
        body.append(_names(catalogue, "values", encounter.values, lang) + "\n")
    if encounter.ratings:
        body.append(t(lang, "summary.ratings") + ": ", style="bold")
        body.append(_ratings(catalogue, encounter.ratings, lang))
        body.append("\n")
    if next_step:
        body.append(t(lang, "summary.next_step") + ": ", style="bold")
        body.append(inert(str(next_step)))
    return Panel(body, title=t(lang, "summary.title"), expand=False)


def search_hit(hit: SearchHit, catalogue: Catalogue, lang: str) -> Text:
    from rich.text import Text

    from encounters_cli.storage.records import HIGHLIGHT_END, HIGHLIGHT_START

    line = Text()
    line.append(hit.encounter.short_id, style="bold")
    line.append(f"  {local_time(hit.encounter.created_at)}  {t(lang, 'status.' + hit.encounter.status)}\n")
    snippet = Text("  ")
    for index, part in enumerate(re.split(f"[{HIGHLIGHT_START}{HIGHLIGHT_END}]", hit.snippet)):
        snippet.append(inert(" ".join(part.split("\n"))), style="bold reverse" if index % 2 else "")
    line.append_text(snippet)
    return line
