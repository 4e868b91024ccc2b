"""Running one function over many tasks: on the local cores or on a Dask cluster.

An analysis that evaluates many independent tasks (uncertainty's preference profiles, a
strategy-design search's candidates) gives this module two picklable module-level
functions: ``prepare(payload)`` builds the state every worker needs once (typically the
compiled conflict) from a ``bytes`` payload, and ``evaluate(state, task)`` evaluates one
task.  Results come back through ``finished(index, result)`` in completion order.

* :class:`LocalPool` is a process pool on this machine; each worker prepares once.
* :func:`run_dask` submits the tasks to an existing Dask distributed scheduler; each Dask
  worker prepares once per payload (keyed by its hash).

>>> results = {}
>>> pool = LocalPool(2, _doctest_prepare, _doctest_evaluate, b"10", [1, 2, 3])
>>> pool.drain(lambda k, value: results.__setitem__(k, value)); pool.close()
>>> sorted(results.items())
[(0, 11), (1, 12), (2, 13)]

A pool can take further rounds of tasks (a search that goes level by level):

>>> pool = LocalPool(2, _doctest_prepare, _doctest_evaluate, b"10", [])
>>> more = {}
>>> pool.run([5, 6], lambda k, value: more.__setitem__(k, value)); pool.close()
>>> sorted(more.items())
[(0, 15), (1, 16)]
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from ..errors import DetenteError

__all__ = ["Evaluate", "Finished", "LocalPool", "Prepare", "run_dask"]

#: Builds a worker's state from the payload (module-level, so that it pickles).
Prepare = Callable[[bytes], Any]
#: Evaluates one task with the worker's state (module-level, so that it pickles).
Evaluate = Callable[[Any, Any], Any]
#: Receives (task index, result) in the parent, in completion order.
Finished = Callable[[int, Any], None]

# Worker-side state: (state, evaluate) per process (local pool) or per payload hash (Dask).
_WORKER: dict[str, tuple[Any, Evaluate]] = {}


def _local_init(prepare: Prepare, evaluate: Evaluate, payload: bytes) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    _WORKER["local"] = (prepare(payload), evaluate)


def _local_evaluate(task: Any) -> Any:
    state, evaluate = _WORKER["local"]
    return evaluate(state, task)


class LocalPool:
    """The local cores: a process pool, each worker preparing its state once.

    On Linux the workers are forked (fast, and scripts need no ``__main__`` guard); they are
    all started when the tasks are submitted, so create the pool before starting any thread
    (a progress bar) of your own.  Elsewhere the platform's default start method is used.
    Workers ignore Ctrl-C: the parent handles it and stops them with :meth:`close`.
    """

    def __init__(
        self,
        workers: int,
        prepare: Prepare,
        evaluate: Evaluate,
        payload: bytes,
        tasks: Sequence[Any],
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        if sys.platform == "linux" and "fork" not in methods:  # pragma: no cover
            context = multiprocessing.get_context()
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_local_init,
            initargs=(prepare, evaluate, payload),
        )
        self.pending = {
            self.executor.submit(_local_evaluate, task): k for k, task in enumerate(tasks)
        }
        self.clean = False

    def run(self, tasks: Sequence[Any], finished: Finished) -> None:
        """Evaluate more ``tasks`` on the same workers (their state is prepared once), handing
        each result to ``finished(index into tasks, result)`` as it arrives."""
        self.clean = False
        self.pending = {
            self.executor.submit(_local_evaluate, task): k for k, task in enumerate(tasks)
        }
        self.drain(finished)

    def drain(self, finished: Finished) -> None:
        """Wait for every task, handing each result to ``finished`` as it arrives."""
        while self.pending:
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                k = self.pending.pop(future)
                finished(k, future.result())
        self.clean = True

    def close(self) -> None:
        """Shut the pool down; after an interruption, stop the workers at once."""
        if self.clean:
            self.executor.shutdown(wait=True)
            return
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # our own workers: stop them now, not after their task
            process.terminate()


def _dask_evaluate(
    prepare: Prepare, evaluate: Evaluate, payload: bytes, token: str, task: Any
) -> Any:
    """Evaluate one task on a Dask worker, preparing the state once per worker."""
    if token not in _WORKER:
        _WORKER[token] = (prepare(payload), evaluate)
    state, _ = _WORKER[token]
    return evaluate(state, task)


def run_dask(
    address: str,
    prepare: Prepare,
    evaluate: Evaluate,
    payload: bytes,
    tasks: Sequence[Any],
    finished: Finished,
    timeout: float = 10.0,
) -> None:
    """Evaluate ``tasks`` on an existing Dask distributed cluster (scheduler ``address``)."""
    try:
        # Dask is an optional extra: imported only when a scheduler is asked for.
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise DetenteError("--scheduler needs Dask: pip install 'detente[dask]'") from None
    token = hashlib.sha256(payload).hexdigest()[:16]
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise DetenteError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures: list[Any] = []
    try:
        shared = client.scatter(payload, broadcast=True)
        futures = [
            client.submit(_dask_evaluate, prepare, evaluate, shared, token, task, pure=False)
            for task in tasks
        ]
        index = {f.key: k for k, f in enumerate(futures)}
        for future in as_completed(futures):
            finished(index[future.key], future.result())
    except BaseException:
        if futures:
            client.cancel(futures)
        raise
    finally:
        client.close()


def _doctest_prepare(payload: bytes) -> int:
    """The module example's preparation: the payload as a number."""
    return int(payload)


def _doctest_evaluate(state: int, task: int) -> int:
    """The module example's evaluation: the state plus the task."""
    return state + task
