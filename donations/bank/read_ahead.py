"""Reading a statement in a worker thread while the import writes the previous chunk.

Parsing is about a tenth of an import's CPU; the database's own work (PostgreSQL's server, or
SQLite's engine, which runs without the GIL) leaves the process waiting for a good part of a
chunk. A thread that parses ahead uses that time. The rows come out in order, exactly as the
reader yields them; an error of the reader (a damaged file) is raised in the caller's thread
where the reader would have raised it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any

_BATCH = 500  # rows handed over at a time (a queue operation per row would cost more)
_DEPTH = 8  # batches read ahead at most: memory stays bounded whatever the file's size
_END = object()


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(source: Iterable[Any]) -> Iterator[Any]:
    """Yield what `source` yields, produced by a worker thread a few batches ahead."""
    handoff: queue.Queue = queue.Queue(maxsize=_DEPTH)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        batch: list[Any] = []
        try:
            for item in source:
                batch.append(item)
                if len(batch) >= _BATCH:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
            put(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            if not batch or put(batch):  # the rows read before the error come first
                put(_Failed(error))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # a generator's file is closed here, in the thread that opened it

    worker = threading.Thread(target=work, name="statement-reader", daemon=True)
    worker.start()
    try:
        while True:
            batch = handoff.get()
            if batch is _END:
                return
            if isinstance(batch, _Failed):
                raise batch.error
            yield from batch
    finally:
        stop.set()  # the caller stopped early (an error, or it was closed): the worker ends
        worker.join(timeout=5)
