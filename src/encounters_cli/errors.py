"""One exception hierarchy; ``cli.main`` is the only place that turns these into exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes (README, "Exit codes")."""

    OK = 0
    ERROR = 1  # something the user can fix; the message says how
    USAGE = 2  # wrong command-line usage
    INTERRUPTED = 130  # Ctrl-C or end of input in the middle of a flow


class EncountersError(Exception):
    """Base class: an expected failure with a one-line message for the user."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(EncountersError):
    exit_code = ExitCode.USAGE


class CatalogueError(EncountersError):
    """The catalogue (shipped or a user's pack) has problems; ``problems`` lists each located one."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        head = problems[0] if problems else "invalid catalogue"
        more = (
            f" (and {count - 1} more problem{'s' if count > 2 else ''}; run 'encounters check')"
            if count > 1
            else ""
        )
        super().__init__(head + more)
        self.problems = problems


class ConfigError(EncountersError):
    pass


class JournalError(EncountersError):
    """The journal file cannot be opened, read or written."""


class NotFoundError(EncountersError):
    pass


class AmbiguousIdError(EncountersError):
    pass


class AnswerError(EncountersError):
    """An answer (typed, from an answers file or from an edit) does not fit its question.

    ``reason`` and ``params`` let the terminal say the same thing in the person's language.
    """

    def __init__(self, message: str, reason: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


class NoTerminalError(EncountersError):
    """A flow needs questions answered but there is no terminal and no answers file."""


class InterruptedFlow(EncountersError):
    """The user stopped a flow; what was answered is kept as a draft."""

    exit_code = ExitCode.INTERRUPTED
