"""Someone at a real pseudo-terminal running one encounters command, for the end-to-end tests.

Every step waits for text on the screen before typing, as a person would; nothing sleeps. Tests take
the ``terminal_env`` fixture (conftest.py): a terminal's environment, and after the test it ends any
child a failed expectation left waiting for input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pexpect

TIMEOUT = 20
RUNNING: list[Any] = []  # children started by the current test


def environment() -> dict[str, str]:
    """``os.environ`` (ENCOUNTERS_HOME, HOME and LANG from the autouse fixture) as a plain terminal."""
    env = dict(os.environ)
    env.update(COLUMNS="100", LINES="50", TERM="dumb", NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    return env


def end_children() -> None:
    while RUNNING:
        child = RUNNING.pop()
        if child.isalive():
            child.terminate(force=True)


class Person:
    """Someone at a terminal running ``encounters ARGS``."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "encounters_cli", *args],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(50, 100),
        )
        self.child.delaybeforesend = None  # we always wait for the prompt; no fixed pauses
        RUNNING.append(self.child)

    def sees(self, text: str) -> str:
        """Wait until ``text`` is on screen; what came before it."""
        self.child.expect_exact(text)
        return self.child.before

    def answers(self, question: str, *lines: str) -> str:
        """Wait for the question and its input marker, type the first line, then any further lines."""
        before = self.sees(question)
        self.sees("> ")
        self.child.sendline(lines[0] if lines else "")
        for line in lines[1:]:
            self.sees("… ")
            self.child.sendline(line)
        return before

    def chooses(self, choice: str) -> None:
        self.sees("> ")
        self.child.sendline(choice)

    def goes_on(self) -> str:
        before = self.sees("Press Enter to go on")
        self.child.sendline("")
        return before

    def done(self) -> int:
        """Wait for the command to end by itself (not by a signal); its exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.signalstatus is None
        return self.child.exitstatus


def encounters_json(env: dict[str, str], *args: str) -> Any:
    """What ``encounters ARGS`` (a command with ``--json``) prints, parsed."""
    result = subprocess.run(
        [sys.executable, "-m", "encounters_cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    )
    return json.loads(result.stdout)
