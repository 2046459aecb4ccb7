"""The terminal side of a workshop run: Rich panels on stderr, pauses and countdowns read from stdin.

The countdown waits for Enter without blocking: ``select()`` on stdin with a short timeout, so the
bar keeps moving and a line typed ends the timer early (POSIX; elsewhere the timer runs its course).
"""

from __future__ import annotations

import select
import sys
import time
from typing import TYPE_CHECKING

from rich.console import Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from encounters_cli.cli import render
from encounters_cli.cli.workshop_messages import t

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from rich.console import Console, RenderableType

    from encounters_cli.catalogue.models import Catalogue, Practice
    from encounters_cli.storage.records import Encounter, WorkshopRun
    from encounters_cli.workshop.models import Workshop
    from encounters_cli.workshop.runner import ScenarioText, StepHeader, TimerText

TICK_SECONDS = 0.2


def clock(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


class TerminalView:
    """Shows a run on stderr. ``interactive``: pause between steps and run countdowns on a terminal."""

    def __init__(
        self,
        catalogue: Catalogue,
        lang: str,
        script: Path,
        *,
        interactive: bool,
        show_notes: bool = False,
        console: Console | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.lang = lang
        self.script = script
        self.interactive = interactive
        self.show_notes = show_notes
        self.console = console or render.stderr_console()
        self.first = ""
        self.current: StepHeader | None = None
        self.entries = 0

    def begin(self, workshop: Workshop, lang: str, run: WorkshopRun, first: int) -> None:
        from encounters_cli.workshop.models import text

        self.first = workshop.steps[first].id
        head = Text(run.title, style="bold")
        details = [t(lang, "run.begin")]
        if workshop.duration:
            details.append(t(lang, "run.minutes", minutes=workshop.duration))
        audience = text(workshop.audience, lang)
        if audience:
            details.append(audience)
        head.append("\n" + " · ".join(details), style="dim")
        if run.participant:
            head.append(
                "\n" + t(lang, "run.participant", participant=render.inert(run.participant)), style="dim"
            )
        if self.show_notes and workshop.facilitator_notes is not None:
            head.append(f"\n\n{t(lang, 'run.notes')}: ", style="bold")
            head.append(text(workshop.facilitator_notes, lang) or "", style="italic")
        self.console.print(Panel(head, expand=False))
        if first:
            step = workshop.steps[first]
            self.console.print(Text(t(lang, "run.from", number=first + 1, step=step.id), style="dim"))

    def step(self, header: StepHeader) -> None:
        self.current = header
        line = t(self.lang, "run.header", number=header.number, total=header.total) + f" · {header.kind_name}"
        if header.title:
            line += f": {header.title}"
        if header.minutes:
            line += f" · {t(self.lang, 'run.minutes', minutes=header.minutes)}"
        self.console.print()
        self.console.rule(Text(line, style="bold"), align="left")
        if self.show_notes and header.notes:
            self.console.print(Text(f"{t(self.lang, 'run.notes')}: {header.notes}", style="italic dim"))

    def say(self, markdown: str) -> None:
        self.console.print(Panel(Markdown(markdown), expand=True))

    def practice(self, practice: Practice, with_questions: bool) -> None:
        self.console.print(
            render.practice_card(practice, self.catalogue, self.lang, questions=with_questions)
        )

    def scenario(self, scenario: ScenarioText) -> None:
        lang = self.lang
        parts: list[RenderableType] = [
            Text(t(lang, "scenario.situation"), style="bold"),
            Text(scenario.situation),
            Text(""),
            Text(t(lang, "scenario.roles"), style="bold"),
            _list((f"• {name}:", brief) for name, brief in scenario.roles),
        ]
        if scenario.task:
            parts += [Text(""), Text(t(lang, "scenario.task"), style="bold"), Text(scenario.task)]
        title = Text(scenario.title, style="bold") if scenario.title else None
        self.console.print(Panel(Group(*parts), title=title, expand=True))

    def debrief(self, questions: list[str]) -> None:
        hint = Text(t(self.lang, "debrief.hint"), style="dim")
        listed = _list((f"{number}.", question) for number, question in enumerate(questions, 1))
        title = Text(t(self.lang, "debrief.title"), style="bold")
        self.console.print(Panel(Group(listed, Text(""), hint), title=title, expand=True))

    def timer(self, timer: TimerText, countdown: bool) -> None:
        lang = self.lang
        body = Text(timer.label, style="bold")
        if timer.discuss:
            body.append(f"\n\n{t(lang, 'timer.discuss')}: ", style="bold")
            body.append(timer.discuss)
        self.console.print(Panel(body, expand=True))
        if not countdown:
            self.console.print(Text(t(lang, "timer.skipped", time=clock(timer.seconds)), style="dim"))
            return
        self.console.print(Text(t(lang, "timer.hint"), style="dim"))
        early = self._count_down(timer)
        self.console.print(Text(t(lang, "timer.early" if early else "timer.up"), style="green"))

    def _count_down(self, timer: TimerText) -> bool:
        """Whether Enter ended it before its time."""
        total = timer.seconds
        end = time.monotonic() + total
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[left]}"),
        )
        with Progress(*columns, console=self.console, transient=False) as progress:
            task = progress.add_task(
                timer.label, total=total, left=t(self.lang, "timer.left", time=clock(total))
            )
            while (left := end - time.monotonic()) > 0:
                if _line_typed(min(TICK_SECONDS, left)):
                    return True
                left = max(0.0, end - time.monotonic())
                progress.update(
                    task, completed=total - left, left=t(self.lang, "timer.left", time=clock(left))
                )
            progress.update(task, completed=total, left=t(self.lang, "timer.left", time=clock(0)))
        return False

    def pause(self) -> None:
        if not self.interactive:
            return
        self.console.print(Text(f"{t(self.lang, 'run.pause')} ↵ ", style="dim"), end="")
        input()

    def saved(self, encounter: Encounter) -> None:
        self.entries += 1
        self.console.print()
        self.console.print(Text(t(self.lang, "run.saved", id=encounter.short_id), style="green"))

    def end(self, run: WorkshopRun, interrupted: bool) -> None:
        lang = self.lang
        self.console.print()
        if not interrupted:
            message = t(
                lang, "run.finished", steps=len(run.steps), entries=self.entries, workshop=run.workshop_id
            )
            self.console.print(Text(message, style="green"), soft_wrap=True)
            return
        # the step it stopped in (not yet done), or the first one when it stopped before any began
        step = self.current.step_id if self.current is not None else self.first
        message = t(lang, "run.interrupted", steps=len(run.steps), file=self.script, step=step)
        self.console.print(Text(message, style="yellow"), soft_wrap=True)


def _list(items: Iterable[tuple[str, str]]) -> Table:
    """Marker and text side by side, so a long item wraps under its own text, not under the marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    for marker, item in items:
        grid.add_row(marker, Text(item))
    return grid


def _line_typed(timeout: float) -> bool:
    """Wait up to ``timeout`` for a line on stdin; True when one came (it is read and dropped)."""
    if sys.platform == "win32" or sys.stdin is None:
        time.sleep(timeout)
        return False
    try:
        ready, _, _ = select.select([sys.stdin], [], [], timeout)
    except (OSError, ValueError):  # stdin closed or not selectable: let the timer run its course
        time.sleep(timeout)
        return False
    if not ready:
        return False
    if sys.stdin.readline() == "":
        raise EOFError
    return True
