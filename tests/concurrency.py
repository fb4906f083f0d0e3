"""Start the same call in several threads at once (behind a barrier) and collect the results."""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def at_once(call: Callable[[Any], T], args: Sequence[Any]) -> list[T]:
    """``call(arg)`` for every arg, all released together; an exception in any thread re-raises."""
    start = threading.Barrier(len(args))

    def run(arg: Any) -> T:
        start.wait()
        return call(arg)

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(run, args))
