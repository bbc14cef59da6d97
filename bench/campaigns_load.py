"""A small bounded HTTP load generator: processes × threads, fixed duration, no dependencies."""

from __future__ import annotations

import http.client
import multiprocessing as mp
import time
from dataclasses import dataclass


@dataclass
class Result:
    """Requests per second and latencies of one run against one path."""

    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _worker(host: str, port: int, path: str, seconds: float, threads: int, queue) -> None:
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        mine: list[float] = []
        bad = 0
        conn = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "vi"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close" or response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=10)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors[0]))


def run(
    host: str, port: int, path: str, seconds: float, processes: int = 2, threads: int = 4
) -> Result:
    """Drive `path` for `seconds` with processes × threads concurrent clients."""
    queue: mp.Queue = mp.Queue()
    procs = [
        mp.Process(target=_worker, args=(host, port, path, seconds, threads, queue))
        for _ in range(processes)
    ]
    started = time.monotonic()
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors = 0
    for _ in procs:
        lat, err = queue.get()
        latencies.extend(lat)
        errors += err
    for p in procs:
        p.join()
    elapsed = max(time.monotonic() - started, seconds)
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000 if latencies else 0.0
        )

    return Result(path, len(latencies), errors, elapsed, pct(0.5), pct(0.99))
