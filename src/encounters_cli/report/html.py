"""The HTML report: the figures of ``encounters insights`` drawn as one standalone page (core layer).

For a supervision conversation or a personal review, on screen or printed on A4:

- one file that loads nothing: inline CSS, inline SVG, no scripts, no fonts, no links out, and a
  Content-Security-Policy that forbids the page every network request should anything slip in;
- charts that read without colour: every bar and point carries its number as text, every chart has
  a ``<title>`` and description for screen readers, a single rating is drawn hollow and says so;
- no free text (labels, intentions, next steps) unless ``include_text``, and then each passed through
  the scrubber; the top of the page says which;
- every string that reaches the page goes through ``html.escape``.

Interface wording lives here as {en, fi} pairs; value, practice and domain names come from the
catalogue.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date, datetime, timedelta, tzinfo
from itertools import count, pairwise
from typing import TYPE_CHECKING

from encounters_cli import __version__
from encounters_cli.i18n import translate

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.insights.figures import Insights, PracticeFigures, RatingPoint
    from encounters_cli.privacy.recognisers import Scrubber

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "My democratic encounters: a review", "fi": "Demokraattiset kohtaamiseni – katsaus"},
    "period": {"en": "Period", "fi": "Aikaväli"},
    "all_entries": {"en": "all entries", "fi": "kaikki merkinnät"},
    "from": {"en": "from {day}", "fi": "{day} alkaen"},
    "until": {"en": "until {day}", "fi": "{day} asti"},
    "per.week": {"en": "per week", "fi": "viikoittain"},
    "per.month": {"en": "per month", "fi": "kuukausittain"},
    "unit.week": {"en": "week", "fi": "viikon"},
    "unit.month": {"en": "month", "fi": "kuukauden"},
    "domain": {"en": "Domain", "fi": "Palveluala"},
    "all_domains": {"en": "all domains", "fi": "kaikki palvelualat"},
    "made": {"en": "Made", "fi": "Laadittu"},
    "perception": {
        "en": "These figures show my own perceptions as a professional: what I noted down and how I "
        "rated my encounters myself. They are not ratings given by the people I met.",
        "fi": "Luvut kuvaavat omia havaintojani ammattilaisena: mitä kirjasin ja miten itse arvioin "
        "kohtaamisiani. Ne eivät ole kohtaamieni ihmisten antamia arvioita.",
    },
    "text.off": {
        "en": "No free text is included: this page shows counts and ratings only, "
        "without labels, intentions or next steps.",
        "fi": "Sivulla ei ole vapaata tekstiä: siinä on vain lukumääriä ja arvioita, "
        "ei otsikoita, aikomuksia eikä seuraavia askelia.",
    },
    "text.on": {
        "en": "Free text is included: labels, intentions and next steps. Names, street addresses, "
        "email addresses, phone numbers, web addresses, personal identity codes, bank account "
        "numbers, business ids and vehicle plates are replaced with placeholders such as [PERSON-1]. "
        "No recogniser finds everything, so read the text before you share this page.",
        "fi": "Vapaa teksti on mukana: otsikot, aikomukset ja seuraavat askeleet. Nimet, katuosoitteet, "
        "sähköpostiosoitteet, puhelinnumerot, verkko-osoitteet, henkilötunnukset, tilinumerot, "
        "Y-tunnukset ja rekisterikilvet on korvattu merkinnöillä, kuten [PERSON-1]. Mikään "
        "tunnistin ei löydä kaikkea, joten lue teksti ennen kuin jaat sivun.",
    },
    "text.raw": {
        "en": "Free text is included as written, with no identifiers replaced. Read it before you "
        "share this page.",
        "fi": "Vapaa teksti on mukana sellaisenaan, eikä tunnisteita ole korvattu. Lue teksti ennen "
        "kuin jaat sivun.",
    },
    "summary": {
        "en": "In this period: {encounters} ({statuses}).",
        "fi": "Aikavälillä on {encounters} ({statuses}).",
    },
    "encounters.one": {"en": "1 encounter", "fi": "1 kohtaaminen"},
    "encounters.many": {"en": "{n} encounters", "fi": "{n} kohtaamista"},
    "status.prepared": {"en": "{n} prepared", "fi": "valmisteltu {n}"},
    "status.reflected": {"en": "{n} reflected on", "fi": "reflektoitu {n}"},
    "status.logged": {"en": "{n} logged", "fi": "kirjattu {n}"},
    "empty": {"en": "No encounters in this period.", "fi": "Tällä aikavälillä ei ole kohtaamisia."},
    # values
    "values.h": {"en": "Values my encounters touched", "fi": "Arvot, joita kohtaamiseni koskettivat"},
    "values.intro": {
        "en": "How many encounters touched each value, {per}. Each bar carries its number; the last "
        "column is the total for the whole period.",
        "fi": "Kuinka moni kohtaaminen kosketti kutakin arvoa {per}. Jokaisen pylvään luku on "
        "merkitty näkyviin, ja viimeisessä sarakkeessa on koko aikavälin yhteismäärä.",
    },
    "values.svg": {
        "en": "Encounters that touched each value, {per}",
        "fi": "Kutakin arvoa koskettaneet kohtaamiset {per}",
    },
    "total": {"en": "total", "fi": "yht."},
    "kind.cornerstone": {"en": "Cornerstones", "fi": "Kulmakivet"},
    "kind.lifeline": {"en": "Lifelines", "fi": "Elämänlangat"},
    "kind.outcome": {"en": "Outcomes", "fi": "Tulokset"},
    "kind.other": {"en": "Other", "fi": "Muut"},
    # ratings
    "ratings.h": {"en": "Lifeline ratings over time", "fi": "Elämänlankojen arviot ajan mittaan"},
    "ratings.intro": {
        "en": "My own perception on a scale of 1 to 5. Each point is the mean of one {unit}, and the "
        "n beside it says how many ratings it rests on. A hollow point is a single rating, not a "
        "trend.",
        "fi": "Oma arvioni asteikolla 1–5. Jokainen piste on yhden {unit} keskiarvo, ja sen vieressä "
        "oleva n kertoo, monestako arviosta se on laskettu. Ontto piste on yksittäinen arvio eikä "
        "kerro suunnasta.",
    },
    "ratings.none": {"en": "No ratings in this period.", "fi": "Tällä aikavälillä ei ole arvioita."},
    "ratings.n.one": {"en": "1 rating", "fi": "1 arvio"},
    "ratings.n.many": {"en": "{n} ratings", "fi": "{n} arviota"},
    "ratings.single": {
        "en": "Only one rating so far: not a trend yet.",
        "fi": "Arvioita on vasta yksi, joten suuntaa ei vielä näy.",
    },
    "ratings.svg": {
        "en": "{name}: mean of my ratings {per}",
        "fi": "{name}: arvioideni keskiarvo {per}",
    },
    "ratings.point": {"en": "{period}: mean {mean}, n={n}", "fi": "{period}: keskiarvo {mean}, n={n}"},
    "ratings.point.none": {"en": "{period}: no ratings", "fi": "{period}: ei arvioita"},
    "ratings.scale": {"en": "1–5, my perception", "fi": "1–5, oma arvioni"},
    # practices
    "practices.h": {"en": "Practices I tried", "fi": "Kokeilemani harjoitukset"},
    "practices.intro": {
        "en": "How often I used each practice, and the mean of my ratings in the encounters where I "
        "used it beside the rated encounters where I did not (n is the number of ratings). A "
        "difference is something to talk about, not proof of an effect.",
        "fi": "Kuinka usein käytin kutakin harjoitusta sekä arvioideni keskiarvo kohtaamisissa, joissa "
        "käytin sitä, verrattuna arvioituihin kohtaamisiin, joissa en käyttänyt sitä (n on arvioiden "
        "määrä). Ero on keskustelun aihe, ei todiste vaikutuksesta.",
    },
    "practices.none": {
        "en": "No practices were used in this period.",
        "fi": "Tällä aikavälillä ei käytetty harjoituksia.",
    },
    "practices.svg": {
        "en": "Practices: uses, and mean ratings with and without each",
        "fi": "Harjoitukset: käyttökerrat sekä arvioiden keskiarvot niitä käyttäen ja muulloin",
    },
    "practices.col": {"en": "Practice", "fi": "Harjoitus"},
    "practices.uses": {"en": "Uses", "fi": "Käyttökerrat"},
    "practices.rating": {"en": "Mean rating", "fi": "Keskiarvo"},
    "practices.used": {"en": "{uses} ({rated} rated)", "fi": "{uses} (arvioitu {rated})"},
    "practices.with": {"en": "with it", "fi": "käyttäen"},
    "practices.without": {"en": "without", "fi": "muulloin"},
    "practices.mean": {"en": "{mean} (n={n})", "fi": "{mean} (n={n})"},
    "practices.no_rating": {"en": "no ratings", "fi": "ei arvioita"},
    # open
    "open.h": {"en": "Still open", "fi": "Vielä avoinna"},
    "open.intro": {
        "en": "Prepared encounters I have not reflected on yet, and next steps from my reflections "
        "that no later reflection has followed up.",
        "fi": "Valmistellut kohtaamiset, joita en ole vielä reflektoinut, sekä reflektioideni "
        "seuraavat askeleet, joihin en ole myöhemmin palannut.",
    },
    "open.svg": {
        "en": "Open prepared encounters and next steps not yet followed up",
        "fi": "Avoimet valmistelut ja seuraavat askeleet, joihin en ole palannut",
    },
    "open.prepared": {"en": "Prepared, not yet reflected on", "fi": "Valmisteltu, ei vielä reflektoitu"},
    "open.steps": {
        "en": "Next steps not yet followed up",
        "fi": "Seuraavat askeleet, joihin en ole palannut",
    },
    "open.nothing": {"en": "Nothing is open.", "fi": "Mitään ei ole avoinna."},
    "open.more": {"en": "… and {n} older ones", "fi": "… ja {n} vanhempaa"},
    "open.item": {"en": "Prepared {day} ({ago})", "fi": "Valmisteltu {day} ({ago})"},
    "ago.0": {"en": "today", "fi": "tänään"},
    "ago.1": {"en": "yesterday", "fi": "eilen"},
    "ago.n": {"en": "{n} days ago", "fi": "{n} päivää sitten"},
    "label": {"en": "Label", "fi": "Otsikko"},
    "intention": {"en": "Intention", "fi": "Aikomus"},
    "next_step": {"en": "Next step", "fi": "Seuraava askel"},
    # suggestion
    "suggestion.h": {"en": "A practice to try next", "fi": "Harjoitus, jota voisin kokeilla seuraavaksi"},
    "suggestion.none": {"en": "No suggestion this time.", "fi": "Tällä kertaa ei ehdotusta."},
    "suggestion.why.one": {
        "en": "Why this one: it serves {values}, the value my recent encounters touched least "
        "({count} of the last {window}).",
        "fi": "Miksi juuri tämä: harjoitus tukee arvoa {values}, jota viimeaikaiset kohtaamiseni "
        "ovat koskettaneet vähiten ({count}/{window}).",
    },
    "suggestion.why.many": {
        "en": "Why this one: it serves {values}, the values my recent encounters touched least "
        "({count} of the last {window} each).",
        "fi": "Miksi juuri tämä: harjoitus tukee arvoja {values}, joita viimeaikaiset kohtaamiseni "
        "ovat koskettaneet vähiten ({count}/{window} kutakin).",
    },
    "suggestion.start.one": {
        "en": "Why this one: it serves {values}, a good place to start.",
        "fi": "Miksi juuri tämä: harjoitus tukee arvoa {values}, joten siitä on hyvä aloittaa.",
    },
    "suggestion.start.many": {
        "en": "Why this one: it serves {values}, a good place to start.",
        "fi": "Miksi juuri tämä: harjoitus tukee arvoja {values}, joten siitä on hyvä aloittaa.",
    },
    "suggestion.counts": {
        "en": "Of my last {window} encounters, these touched the values it serves: {counts}.",
        "fi": "Viimeisimmistä {window} kohtaamisestani näitä arvoja koskettivat: {counts}.",
    },
    "and": {"en": "and", "fi": "ja"},
    "footer": {
        "en": "Made with encounters {version} from the journal on this computer. This page loads "
        "nothing from the network.",
        "fi": "Tehty encounters-ohjelman versiolla {version} tämän tietokoneen päiväkirjasta. Sivu ei "
        "lataa mitään verkosta.",
    },
}

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fi": [
        "tammi",
        "helmi",
        "maalis",
        "huhti",
        "touko",
        "kesä",
        "heinä",
        "elo",
        "syys",
        "loka",
        "marras",
        "joulu",
    ],
}
KIND_ORDER = ("cornerstone", "lifeline", "outcome")

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 62rem; padding: 2rem 1.5rem 3rem; color: #1b1b1b; background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.5; overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 0 0 .4rem; padding-bottom: .2rem; border-bottom: 2px solid #1b1b1b; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .2rem; }
p { margin: .4rem 0; }
.meta { color: #3d3d3d; margin: 0; }
.meta span + span::before { content: " · "; }
.note { margin: .8rem 0; padding: .5rem .8rem; border-left: 4px solid #35608f; background: #f1f5fa; }
.note.text { border-left-style: dashed; }
.summary { font-size: 1.1rem; font-weight: 600; }
section { margin-top: 2.2rem; }
figure { margin: .6rem 0 1rem; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; fill: #1b1b1b; font-size: 12px; }
svg .small { font-size: 10px; }
svg .muted { fill: #6b6b6b; }
svg .strong { font-weight: 700; }
svg .head { font-weight: 700; font-size: 12px; }
svg .bar { fill: #35608f; }
svg .bar.second { fill: #8fb0d3; }
svg .stripe { fill: #f3f5f8; }
svg .axis { stroke: #1b1b1b; stroke-width: 1; }
svg .grid { stroke: #d5d9de; stroke-width: 1; }
svg .line { fill: none; stroke: #35608f; stroke-width: 2; }
svg .line.gap { stroke-dasharray: 4 4; stroke-width: 1.5; }
svg .point { fill: #35608f; stroke: #35608f; stroke-width: 2; }
svg .point.single { fill: #fff; }
svg .marker-with { fill: #1b1b1b; }
svg .marker-without { fill: #fff; stroke: #1b1b1b; stroke-width: 1.5; }
.muted { color: #555; }
.items { margin: .3rem 0 .8rem; padding-left: 1.2rem; }
.items li { margin: .25rem 0; }
.items .free { display: block; white-space: pre-wrap; }
.suggestion { padding: .7rem 1rem; border: 1px solid #9aa7b5; border-radius: 4px; }
.suggestion h3 { margin-top: 0; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid #9aa7b5; color: #3d3d3d;
  font-size: .9rem; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media print {
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section + section { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, svg, .suggestion, .note, li { break-inside: avoid; }
  .note { background: #fff; }
}
"""

# Nothing may be fetched: no scripts, fonts, frames, images from elsewhere, forms or base URL.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render_html(
    insights: Insights,
    catalogue: Catalogue,
    lang: str,
    *,
    include_text: bool,
    scrubber: Scrubber | None,
    generated: datetime,
    tz: tzinfo | None = None,
) -> str:
    """The whole page as one string. ``tz`` is the zone dates are shown in (the system's by default)."""
    return _Report(insights, catalogue, _language(lang), include_text, scrubber, tz).page(generated)


def _language(lang: str) -> str:
    return "fi" if (lang or "").lower().replace("-", "_").split("_")[0].split(".")[0] == "fi" else "en"


def esc(text: object) -> str:
    """Escaped for HTML text and attribute values; control characters shown as \\xNN, never sent."""
    return html.escape(_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", str(text)), quote=True)


class _Report:
    def __init__(
        self,
        insights: Insights,
        catalogue: Catalogue,
        lang: str,
        include_text: bool,
        scrubber: Scrubber | None,
        tz: tzinfo | None,
    ) -> None:
        self.ins = insights
        self.catalogue = catalogue
        self.lang = lang
        self.include_text = include_text
        self.scrubber = scrubber
        self.tz = tz
        self._ids = count(1)

    # --- words and numbers ---------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return translate(TEXTS, self.lang, key, **values)

    def number(self, value: float, digits: int = 1) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.lang == "fi" else text

    def day(self, moment: date | datetime) -> str:
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.tz).date() if moment.tzinfo else moment.date()
        if self.lang == "fi":
            return f"{moment.day}.{moment.month}.{moment.year}"
        return f"{moment.day} {MONTHS['en'][moment.month - 1]} {moment.year}"

    def value_name(self, value_id: str) -> str:
        value = self.catalogue.values.get(value_id)
        return value.name.get(self.lang) if value else value_id

    def practice_title(self, practice_id: str) -> str:
        practice = self.catalogue.practices.get(practice_id)
        return practice.title.get(self.lang) if practice else practice_id

    def domain_name(self, domain_id: str) -> str:
        domain = self.catalogue.domains.get(domain_id)
        return domain.name.get(self.lang) if domain else domain_id

    def joined(self, names: list[str]) -> str:
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} {self.t('and')} {names[-1]}"

    def period_label(self, period: str) -> tuple[str, str]:
        """Two short lines for an axis: ('Nov', '2026') or ('vk 47', '2026')."""
        year, _, rest = period.partition("-")
        if rest.startswith("W"):
            return (f"vk {int(rest[1:])}" if self.lang == "fi" else f"W{int(rest[1:])}"), year
        if rest.isdigit() and 1 <= int(rest) <= 12:
            return MONTHS[self.lang][int(rest) - 1], year
        return period, ""

    def period_name(self, period: str) -> str:
        top, year = self.period_label(period)
        return f"{top} {year}".strip()

    def free(self, text: str | None) -> str | None:
        """Free text as it may appear on the page: None without include_text, scrubbed with it."""
        if not self.include_text or not text or not text.strip():
            return None
        return self.scrubber.scrub(text) if self.scrubber is not None else text

    def new_id(self, stem: str) -> str:
        return f"{stem}-{next(self._ids)}"

    # --- the page ------------------------------------------------------------------------------

    def page(self, generated: datetime) -> str:
        sections = [
            self.values_section(),
            self.ratings_section(),
            self.practices_section(),
            self.open_section(),
            self.suggestion_section(),
        ]
        return "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{self.lang}">',
                "<head>",
                '<meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',  # ours, no double quotes
                '<meta name="referrer" content="no-referrer">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                '<meta name="generator" content="encounters">',
                f"<title>{esc(self.t('title'))}</title>",
                f"<style>{CSS}</style>",
                "</head>",
                "<body>",
                self.header(generated),
                "<main>",
                *sections,
                "</main>",
                f"<footer><p>{esc(self.t('footer', version=__version__))}</p></footer>",
                "</body>",
                "</html>",
                "",
            ]
        )

    def header(self, generated: datetime) -> str:
        ins = self.ins
        made = generated.astimezone(self.tz) if generated.tzinfo else generated
        meta = [
            f"{self.t('period')}: {self.window()}",
            self.t(f"per.{self.granularity()}"),
            f"{self.t('domain')}: {self.domain_name(ins.domain) if ins.domain else self.t('all_domains')}",
            f"{self.t('made')} {self.day(made)} {made:%H:%M}",
        ]
        if self.include_text:
            text_note = self.t("text.on" if self.scrubber is not None else "text.raw")
        else:
            text_note = self.t("text.off")
        if ins.total:
            statuses = ", ".join(
                self.t(f"status.{status}", n=ins.by_status.get(status, 0))
                for status in ("prepared", "reflected", "logged")
            )
            summary = self.t("summary", encounters=self.encounters(ins.total), statuses=statuses)
        else:
            summary = self.t("empty")
        return "\n".join(
            [
                "<header>",
                f"<h1>{esc(self.t('title'))}</h1>",
                '<p class="meta">' + "".join(f"<span>{esc(item)}</span>" for item in meta) + "</p>",
                f'<p class="note perception">{esc(self.t("perception"))}</p>',
                f'<p class="note text" data-text-included="{str(self.include_text).lower()}">'
                f"{esc(text_note)}</p>",
                f'<p class="summary">{esc(summary)}</p>',
                "</header>",
            ]
        )

    def encounters(self, n: int) -> str:
        return self.t("encounters.one") if n == 1 else self.t("encounters.many", n=n)

    def granularity(self) -> str:
        return "week" if self.ins.granularity == "week" else "month"

    def window(self) -> str:
        since, until = self.ins.since, self.ins.until
        last = self.day(until - timedelta(microseconds=1)) if until else None  # until is exclusive
        if since and last:
            return f"{self.day(since)} – {last}"
        if since:
            return self.t("from", day=self.day(since))
        if last:
            return self.t("until", day=last)
        return self.t("all_entries")

    # --- values per period ---------------------------------------------------------------------

    def values_section(self) -> str:
        per = self.t(f"per.{self.granularity()}")
        parts = [
            '<section id="values">',
            f"<h2>{esc(self.t('values.h'))}</h2>",
        ]
        if not self.ins.total or not self.ins.periods:
            parts += [f'<p class="muted">{esc(self.t("empty"))}</p>', "</section>"]
            return "\n".join(parts)
        parts += [
            f"<p>{esc(self.t('values.intro', per=per))}</p>",
            f"<figure>{self.values_chart(self.t('values.svg', per=per))}</figure>",
            "</section>",
        ]
        return "\n".join(parts)

    def grouped_values(self) -> list[tuple[str, list[str]]]:
        """The values of the figures, grouped by kind in the catalogue's order; unknown ids last."""
        groups: dict[str, list[str]] = {kind: [] for kind in (*KIND_ORDER, "other")}
        for value_id in self.ins.values:
            value = self.catalogue.values.get(value_id)
            kind = value.kind if value and value.kind in KIND_ORDER else "other"
            groups[kind].append(value_id)
        return [(kind, ids) for kind, ids in groups.items() if ids]

    def values_chart(self, title: str) -> str:
        ins = self.ins
        periods = ins.periods
        label_w, total_w, head_h, row_h, group_h, bar_h = 190, 70, 40, 40, 26, 20
        cell = max(24.0, min(90.0, 620 / len(periods)))
        plot_w = cell * len(periods)
        width = label_w + plot_w + total_w
        groups = self.grouped_values()
        height = head_h + sum(group_h + row_h * len(ids) for _, ids in groups) + 6
        largest = max((c for counts in ins.values.values() for c in counts), default=0) or 1
        bar_w = min(30.0, cell * 0.62)
        stride = math.ceil(40 / cell)
        out: list[str] = []
        for index, period in enumerate(periods):
            if index % stride:
                continue
            top, year = self.period_label(period)
            x = label_w + cell * (index + 0.5)
            show_year = index == 0 or self.period_label(periods[index - stride])[1] != year
            out.append(_text(x, 16, top, "head", "middle"))
            if show_year:
                out.append(_text(x, 30, year, "small muted", "middle"))
        out.append(_text(label_w + plot_w + total_w - 6, 16, self.t("total"), "head", "end"))
        y = head_h
        stripe = False
        for kind, ids in groups:
            out.append(_text(0, y + 18, self.t(f"kind.{kind}"), "head"))
            y += group_h
            for value_id in ids:
                name = self.value_name(value_id)
                counts = ins.values[value_id]
                if stripe:
                    out.append(f'<rect class="stripe" x="0" y="{y}" width="{_f(width)}" height="{row_h}"/>')
                stripe = not stripe
                base = y + row_h - 8
                out.append(_text(8, base - 2, _shorten(name, 24), ""))
                out.append(
                    f'<line class="grid" x1="{label_w}" y1="{base}" x2="{_f(label_w + plot_w)}" y2="{base}"/>'
                )
                for index, value in enumerate(counts):
                    x = label_w + cell * index + (cell - bar_w) / 2
                    tip = f"{name}, {self.period_name(periods[index])}: {value}"
                    if value:
                        h = max(2.0, bar_h * value / largest)
                        out.append(
                            f'<rect class="bar" x="{_f(x)}" y="{_f(base - h)}" width="{_f(bar_w)}"'
                            f' height="{_f(h)}"><title>{esc(tip)}</title></rect>'
                        )
                        out.append(_text(x + bar_w / 2, base - h - 2, str(value), "small strong", "middle"))
                    else:
                        out.append(_text(x + bar_w / 2, base - 2, "0", "small muted", "middle", title=tip))
                total = ins.value_totals.get(value_id, sum(counts))
                out.append(_text(width - 6, base - 2, str(total), "strong", "end"))
                y += row_h
        return self.svg(width, height, title, "values-chart", out)

    # --- rating trends -------------------------------------------------------------------------

    def ratings_section(self) -> str:
        per = self.t(f"per.{self.granularity()}")
        parts = ['<section id="ratings">', f"<h2>{esc(self.t('ratings.h'))}</h2>"]
        rated = {key: points for key, points in self.ins.ratings.items() if any(p.n for p in points)}
        if not rated:
            parts += [f'<p class="muted">{esc(self.t("ratings.none"))}</p>', "</section>"]
            return "\n".join(parts)
        parts.append(f"<p>{esc(self.t('ratings.intro', unit=self.t(f'unit.{self.granularity()}')))}</p>")
        order = [value_id for value_id in self.catalogue.values if value_id in self.ins.ratings]
        order += [value_id for value_id in self.ins.ratings if value_id not in order]
        for value_id in order:
            points = self.ins.ratings[value_id]
            name = self.value_name(value_id)
            total = sum(point.n for point in points)
            n_text = self.t("ratings.n.one") if total == 1 else self.t("ratings.n.many", n=total)
            parts.append(f'<h3>{esc(name)} <span class="muted">({esc(n_text)})</span></h3>')
            if not total:
                parts.append(f'<p class="muted">{esc(self.t("ratings.none"))}</p>')
                continue
            if total == 1:
                parts.append(f'<p class="muted">{esc(self.t("ratings.single"))}</p>')
            chart = self.rating_chart(points, self.t("ratings.svg", name=name, per=per))
            parts.append(f"<figure>{chart}</figure>")
        parts.append("</section>")
        return "\n".join(parts)

    def rating_chart(self, points: list[RatingPoint], title: str) -> str:
        left, right, top, step = 44, 24, 30, 26  # step: pixels per scale point
        cell = max(48.0, min(120.0, 800 / max(1, len(points))))
        plot_w = cell * len(points)
        width = left + plot_w + right
        bottom = top + 4 * step  # y of rating 1
        height = bottom + 60

        def y_of(mean: float) -> float:
            return bottom - (mean - 1) * step

        out: list[str] = [_text(0, 12, self.t("ratings.scale"), "small muted")]
        for level in range(1, 6):
            y = y_of(level)
            out.append(f'<line class="grid" x1="{left}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}"/>')
            out.append(_text(left - 8, y + 4, str(level), "small muted", "end"))
        out.append(
            f'<line class="axis" x1="{left}" y1="{_f(bottom)}" x2="{_f(left + plot_w)}" y2="{_f(bottom)}"/>'
        )
        stride = math.ceil(44 / cell)
        placed: list[tuple[int, float, float, RatingPoint]] = []
        for index, point in enumerate(points):
            x = left + cell * (index + 0.5)
            if index % stride == 0:
                label, year = self.period_label(point.period)
                out.append(_text(x, bottom + 36, label, "small", "middle"))
                if index == 0 or self.period_label(points[index - stride].period)[1] != year:
                    out.append(_text(x, bottom + 50, year, "small muted", "middle"))
            if point.mean is not None and point.n:
                placed.append((index, x, y_of(point.mean), point))
        for (i1, x1, y1, _), (i2, x2, y2, _) in pairwise(placed):
            adjacent = i2 - i1 == 1  # across periods without ratings the line is dashed
            out.append(
                f'<line class="line{"" if adjacent else " gap"}" x1="{_f(x1)}" y1="{_f(y1)}"'
                f' x2="{_f(x2)}" y2="{_f(y2)}"/>'
            )
        for _, x, y, point in placed:
            mean = self.number(point.mean or 0)
            tip = self.t("ratings.point", period=self.period_name(point.period), mean=mean, n=point.n)
            single = " single" if point.n == 1 else ""
            out.append(
                f'<circle class="point{single}" cx="{_f(x)}" cy="{_f(y)}" r="5">'
                f"<title>{esc(tip)}</title></circle>"
            )
            # the mean just above the point and its n just below, clear of the lines to either side
            out.append(_text(x, y - 9, mean, "small strong", "middle"))
            out.append(_text(x, y + 19, f"n={point.n}", "small", "middle"))
        return self.svg(width, height, title, "rating-chart", out)

    # --- practices -----------------------------------------------------------------------------

    def practices_section(self) -> str:
        parts = ['<section id="practices">', f"<h2>{esc(self.t('practices.h'))}</h2>"]
        if not self.ins.practices:
            parts += [f'<p class="muted">{esc(self.t("practices.none"))}</p>', "</section>"]
            return "\n".join(parts)
        parts += [
            f"<p>{esc(self.t('practices.intro'))}</p>",
            f"<figure>{self.practices_chart(self.ins.practices)}</figure>",
            "</section>",
        ]
        return "\n".join(parts)

    def practices_chart(self, practices: list[PracticeFigures]) -> str:
        name_w, scale_x, scale_w, text_x = 230, 420, 150, 590
        width, head_h, row_h = 780, 46, 40
        height = head_h + row_h * len(practices) + 6
        largest = max(item.uses for item in practices) or 1
        out: list[str] = [
            _text(0, 16, self.t("practices.col"), "head"),
            _text(name_w, 16, self.t("practices.uses"), "head"),
            _text(scale_x, 16, f"{self.t('practices.rating')} (1–5)", "head"),
        ]
        for level in range(1, 6):  # the scale's ticks, labelled once in the header
            x = scale_x + (level - 1) * scale_w / 4
            out.append(_text(x, 36, str(level), "small muted", "middle"))
        # legend: the two marker shapes, so the comparison reads without colour
        out.append(f'<circle class="marker-with" cx="{text_x + 5}" cy="32" r="5"/>')
        out.append(_text(text_x + 14, 36, self.t("practices.with"), "small"))
        out.append(f'<rect class="marker-without" x="{text_x + 100}" y="27" width="10" height="10"/>')
        out.append(_text(text_x + 116, 36, self.t("practices.without"), "small"))
        y = head_h
        for index, item in enumerate(practices):
            if index % 2:
                out.append(f'<rect class="stripe" x="0" y="{y}" width="{width}" height="{row_h}"/>')
            mid = y + row_h / 2
            title = self.practice_title(item.practice_id)
            lines = _wrap(title, 32)[:2]
            for number, line in enumerate(lines):
                offset = (number - (len(lines) - 1) / 2) * 14
                out.append(_text(4, mid + 4 + offset, line, ""))
            bar = max(2.0, 100 * item.uses / largest)
            used = self.t("practices.used", uses=item.uses, rated=item.rated)
            out.append(
                f'<rect class="bar" x="{name_w}" y="{_f(mid - 7)}" width="{_f(bar)}" height="14">'
                f"<title>{esc(title)}: {esc(used)}</title></rect>"
            )
            out.append(_text(name_w + bar + 6, mid + 4, used, "small"))
            out.append(
                f'<line class="grid" x1="{scale_x}" y1="{_f(mid)}" x2="{scale_x + scale_w}" y2="{_f(mid)}"/>'
            )
            words = []
            for mean, n, kind in (
                (item.mean_rating, item.ratings_n, "with"),
                (item.mean_rating_without, item.ratings_n_without, "without"),
            ):
                label = self.t(f"practices.{kind}")
                if mean is None:
                    words.append(f"{label}: {self.t('practices.no_rating')}")
                    continue
                shown = self.t("practices.mean", mean=self.number(mean), n=n)
                words.append(f"{label}: {shown}")
                x = scale_x + (min(5.0, max(1.0, mean)) - 1) * scale_w / 4
                tip = esc(f"{title}: {label} {shown}")
                if kind == "with":
                    out.append(
                        f'<circle class="marker-with" cx="{_f(x)}" cy="{_f(mid)}" r="5">'
                        f"<title>{tip}</title></circle>"
                    )
                else:
                    out.append(
                        f'<rect class="marker-without" x="{_f(x - 5)}" y="{_f(mid - 5)}" width="10"'
                        f' height="10"><title>{tip}</title></rect>'
                    )
            out.append(_text(text_x, mid - 2, words[0], "small"))
            out.append(_text(text_x, mid + 12, words[1], "small"))
            y += row_h
        return self.svg(width, height, self.t("practices.svg"), "practices-chart", out)

    # --- what is still open --------------------------------------------------------------------

    def open_section(self) -> str:
        ins = self.ins
        parts = ['<section id="open">', f"<h2>{esc(self.t('open.h'))}</h2>"]
        if not self.open_count() and not ins.pending_steps:
            parts += [f'<p class="muted">{esc(self.t("open.nothing"))}</p>', "</section>"]
            return "\n".join(parts)
        parts += [f"<p>{esc(self.t('open.intro'))}</p>", f"<figure>{self.open_chart()}</figure>"]
        if ins.open_encounters:
            parts.append(f"<h3>{esc(self.t('open.prepared'))}</h3>")
            parts.append('<ul class="items">')
            for item in ins.open_encounters:
                ago = (
                    self.t(f"ago.{item.age_days}")
                    if item.age_days in (0, 1)
                    else self.t("ago.n", n=item.age_days)
                )
                line = esc(self.t("open.item", day=self.day(item.created_at), ago=ago))
                if not item.private:  # a private entry's text stays on the terminal
                    line += self.free_lines((("label", item.label), ("intention", item.intention)))
                parts.append(f"<li>{line}</li>")
            more = self.open_count() - len(ins.open_encounters)
            if more > 0:
                parts.append(f"<li>{esc(self.t('open.more', n=more))}</li>")
            parts.append("</ul>")
        if ins.pending_steps:
            parts.append(f"<h3>{esc(self.t('open.steps'))}</h3>")
            parts.append('<ul class="items">')
            for step in ins.pending_steps:
                facts = [self.day(step.created_at)]
                if step.domain:
                    facts.append(self.domain_name(step.domain))
                facts += [self.practice_title(practice_id) for practice_id in step.practices]
                line = esc(" · ".join(facts))
                if not step.private:  # a private entry's text stays on the terminal
                    line += self.free_lines((("next_step", step.text),))
                parts.append(f"<li>{line}</li>")
            parts.append("</ul>")
        parts.append("</section>")
        return "\n".join(parts)

    def free_lines(self, fields: tuple[tuple[str, str | None], ...]) -> str:
        out = ""
        for key, text in fields:
            shown = self.free(text)
            if shown is not None:
                out += f'<span class="free"><strong>{esc(self.t(key))}:</strong> {esc(shown)}</span>'
        return out

    def open_count(self) -> int:
        """Every prepared encounter waiting; the list of them may hold only the newest."""
        return max(getattr(self.ins, "open_total", 0) or 0, len(self.ins.open_encounters))

    def open_chart(self) -> str:
        rows = [
            (self.t("open.prepared"), self.open_count()),
            (self.t("open.steps"), len(self.ins.pending_steps)),
        ]
        label_w, row_h, width = 330, 34, 720
        largest = max(n for _, n in rows) or 1
        out: list[str] = []
        for index, (label, n) in enumerate(rows):
            mid = 6 + index * row_h + row_h / 2
            out.append(_text(0, mid + 4, label, ""))
            bar = max(2.0, 300 * n / largest) if n else 0.0
            if bar:
                out.append(
                    f'<rect class="bar" x="{label_w}" y="{_f(mid - 8)}" width="{_f(bar)}" height="16">'
                    f"<title>{esc(label)}: {n}</title></rect>"
                )
            out.append(_text(label_w + bar + 8, mid + 5, str(n), "strong"))
        return self.svg(width, 12 + row_h * len(rows), self.t("open.svg"), "open-chart", out)

    # --- the suggestion ------------------------------------------------------------------------

    def suggestion_section(self) -> str:
        suggestion = self.ins.suggestion
        parts = ['<section id="suggestion">', f"<h2>{esc(self.t('suggestion.h'))}</h2>"]
        if suggestion is None:
            parts += [f'<p class="muted">{esc(self.t("suggestion.none"))}</p>', "</section>"]
            return "\n".join(parts)
        practice = self.catalogue.practices.get(suggestion.practice_id)
        names = [self.value_name(value_id) for value_id in suggestion.reason_values]
        many = "many" if len(names) > 1 else "one"
        if suggestion.window:
            low = min((suggestion.counts.get(v, 0) for v in suggestion.reason_values), default=0)
            reason = self.t(
                f"suggestion.why.{many}", values=self.joined(names), count=low, window=suggestion.window
            )
        else:
            reason = self.t(f"suggestion.start.{many}", values=self.joined(names))
        parts.append('<div class="suggestion">')
        parts.append(f"<h3>{esc(self.practice_title(suggestion.practice_id))}</h3>")
        if practice is not None:
            parts.append(f"<p>{esc(practice.summary.get(self.lang))}</p>")
        parts.append(f'<p class="reason">{esc(reason)}</p>')
        if suggestion.window and suggestion.counts:
            counts = ", ".join(f"{self.value_name(v)} {n}" for v, n in suggestion.counts.items())
            line = self.t("suggestion.counts", window=suggestion.window, counts=counts)
            parts.append(f'<p class="muted">{esc(line)}</p>')
        parts += ["</div>", "</section>"]
        return "\n".join(parts)

    # --- svg -----------------------------------------------------------------------------------

    def svg(self, width: float, height: float, title: str, kind: str, body: list[str]) -> str:
        title_id = self.new_id(kind)
        return (
            f'<svg class="chart {kind}" viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}"'
            f' height="{_f(height)}" role="img" aria-labelledby="{title_id}">'
            f'<title id="{title_id}">{esc(title)}</title>' + "".join(body) + "</svg>"
        )


def _f(number: float) -> str:
    """Coordinates with at most one decimal, without a trailing '.0'."""
    return f"{number:.1f}".removesuffix(".0")


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start", *, title: str | None = None) -> str:
    classes = f' class="{cls}"' if cls else ""
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    tip = f"<title>{esc(title)}</title>" if title else ""
    return f'<text x="{_f(x)}" y="{_f(y)}"{classes}{anchor_attr}>{tip}{esc(text)}</text>'


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters; the second of two lines ends in … if cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], _shorten(" ".join(lines[1:]), width)]
    return [_shorten(line, width) for line in lines] or [""]
