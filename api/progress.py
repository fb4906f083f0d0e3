"""Progress of long CLI work (``seed demo``, ``train``), readable with or without a terminal.

On a terminal one line per stage is rewritten in place; in a log (CI, ``make run`` piped to a
file, a cron mail) a plain line is written each time another tenth of the stage is done, so
the output neither runs together nor floods.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

import click

STEPS = 10
"""Lines per stage without a terminal."""


class Progress:
    """``stage: done/total`` with the elapsed time and, past 5 %, an estimate of the time left."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}
        self.shown: dict[str, int] = {}
        self.mark = time.monotonic()  # a stage starts when the previous one finished

    @property
    def live(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = now - self.started.setdefault(stage, self.mark)
        if done >= total:
            self.mark = now
        line = f"{stage}: {done:,}/{total:,}  {elapsed:.0f}s"
        if 0.05 <= done / max(total, 1) < 1:
            line += f", about {elapsed * (total - done) / done:.0f}s left"
        if self.live:
            click.echo("\r" + line.ljust(60), file=self.stream, nl=done >= total)
            return
        step = STEPS if done >= total else (done * STEPS) // max(total, 1)
        if step > self.shown.get(stage, 0) or (done >= total and stage not in self.shown):
            self.shown[stage] = step
            click.echo(line, file=self.stream)
