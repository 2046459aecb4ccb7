"""insights: what the journal shows about one's practice over time, in the terminal or as JSON."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from encounters_cli.cli.state import state

if TYPE_CHECKING:
    from rich.console import RenderableType

    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.insights.figures import Insights, RatingPoint

SPARKS = "▁▂▃▄▅▆▇█"
SHOWN_PERIODS = 8  # the terminal shows the latest periods; --json and the HTML report have them all


def bar(count: int, largest: int, width: int = 12) -> str:
    """A bar of block characters (readable without colour), at least one block for a non-zero count."""
    if count <= 0 or largest <= 0:
        return ""
    return "█" * max(1, round(width * count / largest))


def sparkline(points: list[RatingPoint]) -> str:
    """One character per period: height for the mean rating, '·' where there was no rating."""
    return "".join("·" if p.mean is None else SPARKS[min(7, round((p.mean - 1) / 4 * 7))] for p in points)


def _value_name(catalogue: Catalogue, value_id: str, lang: str) -> str:
    value = catalogue.values.get(value_id)
    return value.name.get(lang) if value else value_id


def _listing(title: str):
    """A titled list of one-line items: id, when, and text cut to the terminal's width."""
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        show_header=False,
        show_edge=False,
        pad_edge=False,
        box=None,
    )
    table.add_column(no_wrap=True, min_width=8)
    table.add_column(no_wrap=True, min_width=12)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    return table


def insight_parts(insights: Insights, catalogue: Catalogue, lang: str) -> list[RenderableType]:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from encounters_cli.cli import render as shared
    from encounters_cli.cli.messages import t

    parts: list[RenderableType] = []
    head = Text(t(lang, "insights.title"), style="bold")
    if insights.periods:
        head.append(f" · {insights.periods[0]} – {insights.periods[-1]}")
    head.append(" · " + t(lang, "insights.encounters", total=insights.total))
    statuses = ", ".join(f"{t(lang, 'status.' + s)} {n}" for s, n in insights.by_status.items() if n)
    if statuses:
        head.append(f" ({statuses})")
    parts.append(head)
    if not insights.total:
        parts.append(Text(t(lang, "insights.empty")))

    # values per period, the latest periods only
    periods = insights.periods[-SHOWN_PERIODS:]
    offset = len(insights.periods) - len(periods)
    if insights.total:
        heading = Text(
            t(lang, "insights.values", unit=t(lang, "insights." + insights.granularity)), style="bold"
        )
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("")
        for period in periods:
            table.add_column(period.split("-")[-1], justify="right")
        table.add_column(t(lang, "insights.total"), justify="right")
        table.add_column("")
        largest = max(insights.value_totals.values(), default=0)
        for value_id, counts in insights.values.items():
            total = insights.value_totals.get(value_id, 0)
            table.add_row(
                _value_name(catalogue, value_id, lang),
                *[str(count) if count else "·" for count in counts[offset:]],
                str(total),
                bar(total, largest),
            )
        parts.append(Group(heading, table))

    # rating trends
    lines = Text(t(lang, "insights.ratings") + "\n", style="bold")
    rated_any = False
    for lifeline, points in insights.ratings.items():
        shown = points[-SHOWN_PERIODS:]
        n = sum(p.n for p in points)
        lines.append(f"  {_value_name(catalogue, lifeline, lang):<18} ", style="")
        if not n:
            lines.append(t(lang, "insights.no_ratings") + "\n", style="dim")
            continue
        rated_any = True
        lines.append(sparkline(shown) + "  ")
        lines.append("  ".join(f"{p.mean:.1f}({p.n})" for p in shown if p.mean is not None))
        if n == 1:
            lines.append(f"  — {t(lang, 'insights.single')}", style="dim")
        lines.append("\n")
    if insights.total and (rated_any or insights.ratings):
        lines.rstrip()
        parts.append(lines)

    # practices
    if insights.total:
        if insights.practices:
            heading = Text(t(lang, "insights.practices"), style="bold")
            table = Table(show_edge=False, pad_edge=False, header_style="bold")
            for column in (
                "",
                t(lang, "insights.uses"),
                t(lang, "insights.with"),
                t(lang, "insights.without"),
            ):
                table.add_column(column, justify="left" if not column else "right")
            for item in insights.practices:
                practice = catalogue.practices.get(item.practice_id)
                title = practice.title.get(lang) if practice else item.practice_id
                table.add_row(
                    title,
                    str(item.uses),
                    "–" if item.mean_rating is None else f"{item.mean_rating:.1f} ({item.ratings_n})",
                    "–"
                    if item.mean_rating_without is None
                    else f"{item.mean_rating_without:.1f} ({item.ratings_n_without})",
                )
            parts.append(Group(heading, table))
        else:
            parts.append(Text(t(lang, "insights.no_practices"), style="dim"))

    if insights.open_encounters:
        table = _listing(t(lang, "insights.open"))
        for item in insights.open_encounters:
            about = " · ".join(part for part in (item.label, item.intention) if part)
            table.add_row(
                item.encounter_id[:8],
                t(lang, "insights.days", days=item.age_days),
                shared.literal(" ".join(about.split())),
            )
        more = insights.open_total - len(insights.open_encounters)
        if more > 0:
            table.add_row("", "", Text(t(lang, "insights.more", count=more), style="dim"))
        parts.append(table)
    if insights.pending_steps:
        table = _listing(t(lang, "insights.pending"))
        for step in insights.pending_steps:
            table.add_row(
                step.encounter_id[:8],
                f"{step.created_at.astimezone():%Y-%m-%d}",
                shared.literal(" ".join(step.text.split())),
            )
        parts.append(table)
    if insights.suggestion:
        from encounters_cli.coach.conversation import Suggestion

        item = insights.suggestion
        practice = catalogue.practice(item.practice_id)
        reason = shared.suggestion_reason(
            Suggestion(practice, item.reason_values, item.counts, item.window), catalogue, lang
        )
        block = Text(t(lang, "insights.suggest") + ": ", style="bold")
        block.append(practice.title.get(lang))
        block.append(f" ({practice.id}) — {reason}", style="dim")
        parts.append(block)
    return parts


def insights(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD, '30d').")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to and including this date.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", "-d", help="Only this domain.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same figures, machine-readable.")] = False,
) -> None:
    """Patterns over time: values touched, rating trends, practices, open ends, one suggestion."""
    from encounters_cli.insights.compute import gather
    from encounters_cli.queries import make_filter

    shared = state(ctx)
    catalogue = shared.catalogue
    if domain:
        catalogue.domain(domain)
    figures = gather(shared.store, catalogue, make_filter(since=since, until=until, domain=domain))
    if as_json:
        sys.stdout.write(json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    from encounters_cli.cli import render

    console = render.stdout_console()
    for part in insight_parts(figures, catalogue, shared.lang):
        console.print(part)
        console.print()


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Journal")(insights)
