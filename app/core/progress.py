"""How far a long command has got: library code reports steps, the CLI shows them as bars (click's).

    def import_courses(root, progress: Progress = SILENT):
        with progress.step("courses", total) as advance:
            ...; advance(1)                   # or bytes, rows, objects

    import_courses(root, BarProgress(quiet))  # in a CLI command
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


class Progress:
    """Reports nothing (library calls, tests, workers, ``--quiet``)."""

    @contextmanager
    def step(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """A step of ``total`` units; the caller reports each unit (row, object, byte) done."""
        yield _ignore


def _ignore(_done: int) -> None:
    return None


SILENT = Progress()


class BarProgress(Progress):
    """click's progress bars on standard error; none when it is not a terminal (logs, cron) or with ``quiet``."""

    def __init__(self, quiet: bool = False):
        self.hidden = quiet or not sys.stderr.isatty()

    @contextmanager
    def step(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        if self.hidden:
            yield _ignore
            return
        with click.progressbar(length=max(total, 1), label=f"{label:<14}", file=sys.stderr) as bar:
            yield bar.update


quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
