"""How fast the host is right now: four fixed workloads like the app's own work.

    .venv/bin/python bench/host_probe.py

The machine is shared and its speed moves by 2× over a day, while a tight Python loop (the
first workload) barely shows it: what slows is work that walks memory (large dictionaries,
B-trees). The benchmarks print these seconds before and after their runs, so figures taken
hours apart can be compared; each is the median of three runs, and lower is faster.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import statistics
import time
from collections.abc import Callable


def _loop() -> None:
    total = 0
    for i in range(1_000_000):
        total += i * i


def _dictionary() -> None:
    table = {f"pledge-{i:07d}": i for i in range(400_000)}
    sorted(table, key=hash)


def _sqlite() -> None:
    rng = random.Random(7)
    rows = [(f"{rng.getrandbits(128):032x}", i) for i in range(100_000)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (key TEXT UNIQUE, n INTEGER)")
    db.executemany("INSERT INTO t VALUES (?, ?)", rows)
    db.commit()
    db.close()


def _sha256() -> None:
    for i in range(200_000):
        hashlib.sha256(b"0" * 64 + str(i).encode()).hexdigest()


WORKLOADS: dict[str, Callable[[], None]] = {
    "loop": _loop,
    "dict": _dictionary,
    "sqlite": _sqlite,
    "sha256": _sha256,
}


def probe() -> dict[str, float]:
    """Seconds per workload (median of three)."""
    found = {}
    for name, work in WORKLOADS.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        found[name] = statistics.median(times)
    return found


def line() -> str:
    """One line for a benchmark's output."""
    found = probe()
    parts = ", ".join(f"{name} {seconds:.2f}" for name, seconds in found.items())
    return f"host probe (s, lower is faster): {parts}; total {sum(found.values()):.2f}"


if __name__ == "__main__":
    print(line())
