"""The terminal side of a Conversation: asks on stderr, reads stdin, re-asks until an answer fits."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text

from encounters_cli.cli import render
from encounters_cli.cli.messages import t
from encounters_cli.coach.answers import NO, YES
from encounters_cli.coach.conversation import (
    DraftResumed,
    DraftSaved,
    EncounterSaved,
    Event,
    PracticeShown,
    Resurfaced,
    SuggestionsShown,
)
from encounters_cli.errors import AnswerError

if TYPE_CHECKING:
    from encounters_cli.catalogue.models import Catalogue
    from encounters_cli.coach.answers import Asked
    from encounters_cli.privacy.nudge import Finding


class TerminalConversation:
    """A person at a terminal. Ctrl-C and end of input propagate so the flow can keep a draft."""

    interactive = True

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang
        self.console = render.stderr_console()
        self.reasons: dict[str, str] = {}  # practice id -> why it was suggested, shown beside the option

    # -- asking --------------------------------------------------------------------------------

    def _read(self, marker: str = "> ") -> str:
        self.console.print(Text(marker, style="bold cyan"), end="")
        return input()

    def _header(self, asked: Asked) -> None:
        self.console.print()
        title = Text(asked.prompt, style="bold")
        if asked.required:
            title.append(f"  ({t(self.lang, 'prompt.required')})", style="dim")
        self.console.print(title)
        if asked.help:
            self.console.print(Text(asked.help, style="dim italic"))

    def _hint(self, asked: Asked) -> str:
        if asked.default is not None:
            ids = [option_id for option_id, _ in asked.options]
            shown = ids.index(asked.default) + 1 if asked.default in ids else asked.default
            return t(self.lang, "prompt.default", default=shown)
        return "" if asked.required else t(self.lang, "prompt.optional")

    def ask(self, asked: Asked) -> Any:
        self._header(asked)
        self._show_choices(asked)
        hint = self._hint(asked)
        if asked.type == "long_text":
            hint = " ".join(part for part in (t(self.lang, "prompt.long_text"), hint) if part)
        elif asked.type == "multi_choice":
            hint = " ".join(part for part in (t(self.lang, "prompt.multi"), hint) if part)
        elif asked.type == "yes_no":
            hint = " ".join(part for part in (t(self.lang, "prompt.yes_no"), hint) if part)
        if hint:
            self.console.print(Text(hint, style="dim"))
        while True:
            raw = self._read_long() if asked.type == "long_text" else self._read()
            try:
                return asked.check(self._interpret(asked, raw))
            except AnswerError as error:
                reason = (
                    t(self.lang, f"answer.{error.reason}", **error.params) if error.reason else str(error)
                )
                self.console.print(Text(t(self.lang, "prompt.invalid", error=reason), style="yellow"))

    def _read_long(self) -> str:
        lines: list[str] = []
        while True:
            line = self._read("> " if not lines else "… ")
            if not line.strip():
                return "\n".join(lines)
            lines.append(line)

    def _show_choices(self, asked: Asked) -> None:
        if asked.type in ("choice", "multi_choice"):
            shown = asked.options[: asked.show_first] if asked.show_first else asked.options
            for number, (option_id, label) in enumerate(shown, 1):
                line = Text(f"  {number:>2}. ")
                line.append(render.inert(label))  # labels can hold typed text (an encounter's intention)
                if asked.show_ids and label != option_id:
                    line.append(f"  [{option_id}]", style="dim")
                if asked.id == "practice" and option_id in self.reasons:
                    line.append(f"\n      {self.reasons[option_id]}", style="dim")
                self.console.print(line)
            if len(shown) < len(asked.options):
                self.console.print(
                    Text(t(self.lang, "prompt.more", count=len(asked.options) - len(shown)), style="dim")
                )
        elif asked.type == "scale":
            low, high = asked.question.min, asked.question.max
            anchors = "   ".join(f"{point} = {label}" for point, label in sorted(asked.anchors.items()))
            self.console.print(Text(f"  {low}–{high}" + (f"   {anchors}" if anchors else ""), style="dim"))

    def _interpret(self, asked: Asked, raw: str) -> Any:
        """Typed input to the form ``Asked.check`` takes: numbers pick options, Enter takes the default."""
        text = raw.strip()
        if not text:
            return asked.default
        if asked.type == "choice":
            if text == "?" and asked.show_first:  # show the whole list
                self._show_choices(replace(asked, show_first=None))
                return self._interpret(asked, self._read())
            return self._option(asked, text)
        if asked.type == "multi_choice":
            return [self._option(asked, part.strip()) for part in text.split(",") if part.strip()]
        return text

    def _option(self, asked: Asked, text: str) -> str:
        if text.isdigit() and 1 <= int(text) <= len(asked.options):
            return asked.options[int(text) - 1][0]
        lowered = text.lower()
        for option_id, label in asked.options:
            if lowered in (option_id.lower(), label.lower()):
                return option_id
        return text  # check() will say it is not an option

    # -- telling -------------------------------------------------------------------------------

    def tell(self, event: Event) -> None:
        lang, catalogue, console = self.lang, self.catalogue, self.console
        if isinstance(event, SuggestionsShown):
            console.print()
            console.print(Text(t(lang, "suggestions.title"), style="bold"))
            self.reasons = {
                item.practice.id: render.suggestion_reason(item, catalogue, lang)
                for item in event.suggestions
            }
        elif isinstance(event, Resurfaced):
            console.print()
            console.print(render.resurfaced(event.step, event.because, catalogue, lang))
        elif isinstance(event, PracticeShown):
            console.print()
            console.print(render.practice_card(event.practice, catalogue, lang))
        elif isinstance(event, DraftResumed):
            console.print(Text(t(lang, "draft.resumed"), style="dim"))
        elif isinstance(event, DraftSaved):
            console.print()
            console.print(Text(t(lang, "draft.saved", flow=event.draft.flow), style="yellow"))
        elif isinstance(event, EncounterSaved):
            tell_saved(console, event, catalogue, lang)

    def finish(self) -> None:
        return None

    # -- the nudge while writing ---------------------------------------------------------------

    def review_identifiers(self, asked: Asked, finding: Finding) -> str:
        """Say what the answer seems to hold and ask: replace (Enter), keep, or type it again."""
        from encounters_cli.cli import privacy_messages as pm

        lang, console = self.lang, self.console
        console.print()
        console.print(Text(pm.t(lang, "nudge.title", kinds=pm.kinds(finding.counts, lang)), style="yellow"))
        preview = Text(f"  {pm.t(lang, 'nudge.preview')} ", style="dim")
        preview.append(render.inert(finding.replaced))
        console.print(preview)
        choices = ("replace", "keep", "edit")
        for number, choice in enumerate(choices, 1):
            console.print(Text(f"  {number:>2}. {pm.t(lang, f'nudge.{choice}')}"))
        console.print(Text(pm.t(lang, "nudge.default"), style="dim"))
        words = {
            "": "replace", "1": "replace", "2": "keep", "3": "edit",
            "replace": "replace", "keep": "keep", "edit": "edit",
            "korvaa": "replace", "säilytä": "keep", "sailyta": "keep", "kirjoita": "edit",
        }  # fmt: skip
        while True:
            choice = words.get(self._read().strip().lower())
            if choice is not None:
                if choice == "replace":
                    console.print(Text(pm.t(lang, "nudge.replaced"), style="dim"))
                return choice
            console.print(Text(pm.t(lang, "nudge.invalid"), style="yellow"))


def confirm(question: str, lang: str) -> bool:
    """A yes/no question on stderr where Enter and end of input mean no; 'k'/'kyllä' count as yes.

    Not typer.confirm: that one only takes y/n and answers a Finnish 'k' with an English error.
    """
    console = render.stderr_console()
    while True:
        console.print(Text(f"{question} {t(lang, 'prompt.confirm')} "), end="")
        try:
            word = input().strip().lower()
        except EOFError:
            console.print()
            return False
        if not word or word in NO:
            return False
        if word in YES:
            return True
        console.print(Text(t(lang, "prompt.invalid", error=t(lang, "prompt.yes_no")), style="yellow"))


def tell_saved(console, event: EncounterSaved, catalogue: Catalogue, lang: str) -> None:
    """The closing lines of a flow, the same whether a person or an answers file answered."""
    encounter = event.encounter
    if event.flow == "reflect":
        console.print()
        console.print(render.reflection_summary(encounter, event.next_step, catalogue, lang))
    console.print(Text(t(lang, f"saved.{event.flow}", id=encounter.short_id), style="green"), soft_wrap=True)
