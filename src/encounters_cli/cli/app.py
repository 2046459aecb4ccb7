"""The root command, its global options, and the one place errors become messages and exit codes."""

from __future__ import annotations

import copy
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import get_command_name
from typer.models import CommandInfo, TyperInfo

from encounters_cli import __version__
from encounters_cli.cli import coercion
from encounters_cli.cli.state import state
from encounters_cli.errors import EncountersError, ExitCode, InterruptedFlow


def _say_error(message: str) -> None:
    from encounters_cli.cli.render import inert

    sys.stderr.write(f"encounters: error: {inert(message)}\n")
    sys.stderr.flush()


def _asks_for_debug(argv: list[str]) -> bool:
    """Whether --debug is among the root options, before the command.

    Not anywhere in argv: '--debug' can be an argument ('show -- --debug') or an option's value
    ('--label --debug'), and must not turn a one-line error into a traceback.
    """
    position = 0
    while position < len(argv):
        token = argv[position]
        if token == "--debug":
            return True
        if token == "--" or not token.startswith("-"):
            return False  # the command (or an end of options): what follows is its own
        position += 2 if token in ("--journal", "--lang") else 1
    return False


class EncountersGroup(TyperGroup):
    """Runs every command through one exit point: one line on stderr, documented exit code.

    Tracebacks only with --debug (or ENCOUNTERS_DEBUG=1).
    """

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = _asks_for_debug(argv) or bool(os.environ.get("ENCOUNTERS_DEBUG"))
        coercion.install(self)  # plain values without pydantic (see cli/coercion.py)
        try:
            result = super().main(
                argv, prog_name or "encounters", complete_var, standalone_mode=False, **extra
            )
            code = result if isinstance(result, int) else ExitCode.OK
        except InterruptedFlow as error:  # the flow has already said what it kept
            code = error.exit_code
        except EncountersError as error:
            if debug:
                raise
            _say_error(error.message)
            code = error.exit_code
        except typer.Abort:  # end of input at a prompt: the person left, nothing went wrong
            sys.stderr.write("\n")
            code = ExitCode.INTERRUPTED
        except KeyboardInterrupt:
            code = ExitCode.INTERRUPTED
        except typer.TyperException as error:  # usage errors from the argument parser
            # A group run without a command has printed its help already; typer leaves the message
            # empty, and an "error:" line with nothing after it would only confuse.
            if error.format_message().strip():
                command = getattr(getattr(error, "ctx", None), "command_path", None) or "encounters"
                _say_error(f"{error.format_message()} (see '{command} --help')")
            code = getattr(error, "exit_code", ExitCode.USAGE)
        except BrokenPipeError:
            code = ExitCode.ERROR
        except Exception as error:
            if debug:
                raise
            _say_error(f"unexpected {type(error).__name__}: {error} (run with --debug for details)")
            code = ExitCode.ERROR
        if standalone_mode:
            sys.exit(int(code))
        return int(code)


LISTING = "listing"  # the root help (or an error about the missing command): summaries are enough


def _wanted_commands(argv: list[str]) -> set[str] | str | None:
    """Which commands this command line needs built.

    Its command's name; none for a bare ``--version``; ``LISTING`` when only the root help can come
    of it (``--help`` or nothing at all before any command); None for all of them, after an end
    of options ('--').
    """
    position, flags = 0, set()
    while position < len(argv):
        token = argv[position]
        if token in ("-h", "--help"):
            return LISTING  # eager: the root help is printed before any command is looked at
        if token == "--":
            return None
        if not token.startswith("-"):
            return {token}
        flags.add(token)
        position += 2 if token in ("--journal", "--lang") else 1
    return set() if "--version" in flags else LISTING


def _listed(info: CommandInfo) -> CommandInfo:
    """The command as the root help lists it: name, help text and panel, no parameters to read."""

    def listed() -> None:  # pragma: no cover - a listing never runs a command
        raise RuntimeError("a command built for the root help was run")

    listed.__name__, listed.__doc__ = info.callback.__name__, info.callback.__doc__  # type: ignore[union-attr]
    summary = copy.copy(info)
    summary.callback = listed
    return summary


def _listed_group(info: TyperInfo) -> TyperInfo:
    """A command group as the root help lists it: its own help, none of its commands."""
    summary = copy.copy(info)
    if info.typer_instance is not None:
        summary.typer_instance = copy.copy(info.typer_instance)
        summary.typer_instance.registered_commands = []
        summary.typer_instance.registered_groups = []
    return summary


class EncountersTyper(typer.Typer):
    """Builds only the command being run.

    Before it parses anything, Typer turns every registered command into a Click command, reading
    each signature (evaluating every annotation); for forty commands that is the larger part of
    our start-up. When the command line names a registered command, only that one is built; for
    the root help, each command is built from its name and help alone. For shell completion, an
    unknown name (Click then suggests the nearest) or anything unusual, all of them are built.

    Importing and registering every command module takes about 10 ms, so a command that
    ``module_of`` knows imports only its own module; any other command line registers them all.
    """

    registrar: Callable[[Sequence[str] | None], None] | None = None  # imports the modules, registers them
    module_of: Mapping[str, str] = {}  # command or group name -> the module that registers it
    _registered = False

    # The command modules are imported on first need, so that a bare --version imports none of them.
    @property
    def registered_commands(self) -> list[CommandInfo]:  # type: ignore[override]
        self._register_all()
        return self._commands

    @registered_commands.setter
    def registered_commands(self, value: list[CommandInfo]) -> None:
        self._commands = value

    @property
    def registered_groups(self) -> list[TyperInfo]:  # type: ignore[override]
        self._register_all()
        return self._groups

    @registered_groups.setter
    def registered_groups(self, value: list[TyperInfo]) -> None:
        self._groups = value

    def _register_all(self) -> None:
        if not self._registered and self.registrar is not None:
            self._registered = True  # first: registering reads these lists too
            self.registrar(None)

    def _register_only(self, names: set[str]) -> bool:
        """Register just the modules of ``names``; False (nothing registered) when one is unknown.

        Leaves the app marked as registered, so that reading its lists does not register the rest;
        ``_forget`` undoes that after the run.
        """
        modules = [self.module_of.get(name) for name in sorted(names)]
        if self.registrar is None or None in modules:
            return False
        self._registered = True
        self.registrar([module for module in modules if module])
        found = {info.name for info in self._groups}
        for info in self._commands:
            found.add(info.name or get_command_name(getattr(info.callback, "__name__", "")))
        if names <= found:
            return True
        self._forget()  # the map is out of date: fall back to every module
        return False

    def _forget(self) -> None:
        self._registered = False
        self._commands, self._groups = [], []  # the next need registers every module, in order

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        wanted = _wanted_commands(list(sys.argv[1:] if argv is None else argv))
        completing = any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)
        if wanted is None or completing:
            return super().__call__(*args, **kwargs)
        if not wanted and not self._registered:  # a bare --version: built without any command
            self._registered = True
            try:
                return super().__call__(*args, **kwargs)
            finally:
                self._registered = False
        if wanted != LISTING and not self._registered and self._register_only(wanted):
            try:
                return self._run(wanted, *args, **kwargs)
            finally:
                self._forget()
        return self._run(wanted, *args, **kwargs)

    def _run(self, wanted: set[str] | str, *args: Any, **kwargs: Any) -> Any:
        if wanted == LISTING:
            commands = [_listed(info) for info in self.registered_commands]
            groups = [_listed_group(info) for info in self.registered_groups]
        else:
            commands = [
                info
                for info in self.registered_commands
                if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) in wanted
            ]
            groups = [info for info in self.registered_groups if info.name in wanted]
            if len(commands) + len(groups) != len(wanted):
                return super().__call__(*args, **kwargs)
        everything = self.registered_commands, self.registered_groups
        self.registered_commands, self.registered_groups = commands, groups
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands, self.registered_groups = everything


app = EncountersTyper(
    cls=EncountersGroup,
    name="encounters",
    help="A terminal coach for democratic encounters: prepare, reflect, keep a private journal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(str, Enum):
    en = "en"
    fi = "fi"


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"encounters {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    journal: Annotated[
        Path | None, typer.Option("--journal", help="Use this journal file instead of the default.")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Content language: en or fi.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """A terminal coach for democratic encounters in public services.

    Two minutes before an encounter ([bold]prepare[/bold]), three after ([bold]reflect[/bold]), and a
    private journal of what you learn. Data goes to stdout, messages and prompts to stderr.
    """
    shared = state(ctx)
    shared.journal = journal
    shared.lang_option = lang.value if lang else None
    shared.debug = debug


# Every command module (each has a register(app)), in the order the root help lists them.
COMMAND_MODULES = (
    "coach_commands",
    "journal_commands",
    "export_commands",
    "insights_commands",
    "report_commands",
    "catalogue_commands",
    "security_commands",
    "backup_commands",
    "setup_commands",
    "research_commands",
    "workshop_commands",
    "privacy_commands",
)
# Which module registers each command, so that running one imports no other. A command missing here
# still runs, after every module is registered; tests/test_startup.py checks that none is missing.
MODULE_OF = {
    **dict.fromkeys(("prepare", "reflect", "log", "questions"), "coach_commands"),
    **dict.fromkeys(("list", "show", "search", "edit", "delete"), "journal_commands"),
    **dict.fromkeys(("export", "import"), "export_commands"),
    "insights": "insights_commands",
    "report": "report_commands",
    **dict.fromkeys(("values", "domains", "check", "practices"), "catalogue_commands"),
    **dict.fromkeys(("encrypt", "decrypt", "passphrase"), "security_commands"),
    **dict.fromkeys(("backup", "restore"), "backup_commands"),
    **dict.fromkeys(("paths", "config"), "setup_commands"),
    "research": "research_commands",
    "workshop": "workshop_commands",
    "privacy": "privacy_commands",
}


def _register(modules: Sequence[str] | None = None) -> None:
    """Import these command modules (all when None) and register their commands."""
    for name in COMMAND_MODULES if modules is None else modules:
        importlib.import_module(f"encounters_cli.cli.{name}").register(app)


app.registrar = _register  # called when the commands are first needed (EncountersTyper)
app.module_of = MODULE_OF
