"""Long CLI work shows progress that stays readable without a terminal."""
from __future__ import annotations

import io

from api.progress import STEPS, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_each_tenth_is_one_plain_line():
    out = io.StringIO()
    progress = Progress(out)
    for done in range(0, 1001):
        progress("workers", done, 1000)
    progress("postings", 3, 3)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len([line for line in lines if line.startswith("workers:")]) == STEPS
    assert lines[-2].startswith("workers: 1,000/1,000") and lines[-1].startswith("postings: 3/3")
    assert any("left" in line for line in lines)


def test_on_a_terminal_the_line_is_rewritten_in_place():
    out = Terminal()
    progress = Progress(out)
    for done in range(1, 6):
        progress("features (months)", done, 5)
    text = out.getvalue()
    assert text.count("\r") == 5 and text.count("\n") == 1 and text.endswith("\n")
