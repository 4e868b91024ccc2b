"""Requests that cannot hold the server: validation and import run in a worker process with
a time limit (issue 13, section 1).

The checks a request runs (reading YAML, pydantic validation, compiling the state space to
count feasible states and rank them) are bounded in size, but a shared server must also
bound their time: a request that could take minutes would hold a thread of the server's
pool for as long, and a thread cannot be stopped from outside.  A process can.  So the
work runs in one of a few warm worker processes; when the limit passes, that worker is
killed (freeing everything it held), a fresh one takes its place on the next request, and
the client gets a one-line 4xx answer.

Workers are forked from the ``forkserver`` that the job manager (:mod:`detente.web.jobs`)
also uses, which has detente imported already, so a call costs a round trip through a
pipe, not an interpreter start.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..errors import DetenteError

__all__ = ["TimeLimitExceeded", "TimeLimitedWorkers"]


class TimeLimitExceeded(DetenteError):
    """A request's work took longer than the server allows (HTTP 422)."""


def _serve(connection: Connection) -> None:
    """A worker's loop: run each (function, args) it is sent and send back the outcome."""
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):  # the server closed the pipe: stop
            return
        try:
            outcome: tuple[bool, Any] = (True, function(*args))
        except Exception as exc:  # sent back and raised again in the server
            outcome = (False, exc)
        connection.send(outcome)


class _Worker:
    def __init__(self, context: Any) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class TimeLimitedWorkers:
    """Run functions in worker processes, each call within ``seconds``.

    At most ``size`` calls run at once; a further call waits for a free worker, and the
    wait counts against its limit.  Functions and their arguments and results must pickle.
    """

    def __init__(self, seconds: float, size: int = 2) -> None:
        if seconds <= 0:
            raise ValueError("the time limit must be positive")
        self.seconds = seconds
        self.size = size
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["detente.web.service"])
        self._idle: list[_Worker] = []
        self._started = 0
        self._free = threading.Condition()
        self._closed = False

    def run(self, what: str, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a worker; ``what`` names the work in the time-limit error."""
        worker = self._take(what)
        try:
            worker.connection.send((function, args))
            if not worker.connection.poll(self.seconds):
                raise TimeLimitExceeded(
                    f"{what} took longer than the server's limit of {self.seconds:g} s"
                )
            ok, value = worker.connection.recv()
        except TimeLimitExceeded:
            self._discard(worker)
            raise
        except (EOFError, OSError):  # the worker died (out of memory, killed)
            self._discard(worker)
            raise DetenteError(f"{what} stopped unexpectedly; please try again") from None
        except BaseException:
            self._discard(worker)
            raise
        self._give_back(worker)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop every idle worker (busy ones are stopped as their calls end)."""
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
            self._free.notify_all()
        for worker in idle:
            worker.stop()

    # -- the pool ---------------------------------------------------------------------------
    def _take(self, what: str) -> _Worker:
        with self._free:
            while not self._idle and self._started >= self.size and not self._closed:
                if not self._free.wait(timeout=self.seconds):
                    raise TimeLimitExceeded(
                        f"{what} waited longer than the server's limit of"
                        f" {self.seconds:g} s for its turn"
                    )
            if self._closed:
                raise DetenteError("the server is shutting down")
            if self._idle:
                return self._idle.pop()
            self._started += 1
        try:
            return _Worker(self._context)
        except BaseException:
            with self._free:
                self._started -= 1
                self._free.notify()
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._free:
            if not self._closed:
                self._idle.append(worker)
                self._free.notify()
                return
            self._started -= 1
        worker.stop()

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._free:
            self._started -= 1
            self._free.notify()
