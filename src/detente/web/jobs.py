"""Background jobs: long analyses run in worker processes, report progress and can be
cancelled.

Each job runs :func:`detente.web.service.run_task` in its own process, started from a
``forkserver`` that has already imported detente (starting a job costs milliseconds, and
the server's threads are never forked).  The process sends progress messages and finally
its result (or a one-line error) through a pipe; a thread of the server reads them.
Cancelling a job terminates its process at once, whatever it is computing.  At most
``max_running`` jobs run at a time; the others wait in a queue.  Finished jobs are kept for
``keep_seconds`` so that the page can fetch their results.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import DetenteError, ModelError

__all__ = ["Job", "JobManager"]


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    document: dict[str, Any]
    status: str = "queued"
    done: int | None = None
    total: int | None = None
    message: str = "waiting for a free worker"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    error_status: int | None = None
    process: Any = None
    on_done: Callable[[Job], None] | None = None
    ended: threading.Event = field(default_factory=threading.Event)

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def info(self, *, with_result: bool = True) -> dict[str, Any]:
        fraction = None
        if self.status == "done":
            fraction = 1.0
        elif self.total:
            fraction = min(1.0, max(0.0, (self.done or 0) / self.total))
        end = self.finished or time.time()
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": {
                "done": self.done,
                "total": self.total,
                "fraction": fraction,
                "message": self.message,
            },
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "elapsed": round(end - self.started, 3) if self.started else 0.0,
            "error": self.error,
            "error_status": self.error_status,
            "result": self.result if with_result and self.status == "done" else None,
        }


def _child(conn: Any, kind: str, params: dict[str, Any], document: dict, limits: Any) -> None:
    """Body of a job's process: run the analysis, send progress, then the outcome."""
    # lazy: only the job's worker process needs the analyses; the server that supervises
    # it (web.workbench imports this module) never loads them here.
    from . import service

    last = [0.0]
    last_message = [""]

    def progress(done: int | None, total: int | None, message: str) -> None:
        # Throttle repeated updates of one stage, but never drop a new stage: the stage that
        # follows may run for minutes, and its name is what the page shows meanwhile.
        now = time.monotonic()
        new_stage = message != last_message[0]
        if new_stage or now - last[0] > 0.1 or (done is not None and done == total):
            last[0] = now
            last_message[0] = message
            conn.send(("progress", done, total, message))

    try:
        result = service.run_task(kind, params, document, limits, progress)
        conn.send(("result", result))
    except service.SizeError as exc:
        conn.send(("error", 413, {"detail": str(exc)}))
    except ModelError as exc:
        info = service.problem(exc)
        conn.send(("error", 422, {"detail": str(exc), "loc": info["loc"], "line": info["line"]}))
    except DetenteError as exc:
        conn.send(("error", 422, {"detail": str(exc)}))
    except MemoryError:
        conn.send(("error", 413, {"detail": "the analysis ran out of memory"}))
    except Exception as exc:  # a bug: say so, keep the server running
        traceback.print_exc()
        conn.send(("error", 500, {"detail": f"internal error: {type(exc).__name__}: {exc}"}))
    finally:
        conn.close()


class JobManager:
    """Runs analyses as cancellable background jobs (see the module docstring)."""

    def __init__(
        self,
        limits: Any,
        *,
        max_running: int | None = None,
        keep_seconds: float = 3600.0,
        max_jobs: int = 200,
        timeout: float = 900.0,
    ) -> None:
        self.limits = limits
        self.max_running = max_running or max(1, min(4, os.cpu_count() or 1))
        self.keep_seconds = keep_seconds
        self.max_jobs = max_jobs
        self.timeout = timeout
        self._jobs: dict[str, Job] = {}
        self._queue: list[str] = []
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["detente.web.service"])
        self._closed = False
        self._watchdog = threading.Thread(target=self._watch, name="detente-jobs", daemon=True)
        self._watchdog.start()

    # -- public ---------------------------------------------------------------------------------
    def submit(
        self,
        kind: str,
        params: dict[str, Any],
        document: dict[str, Any],
        on_done: Callable[[Job], None] | None = None,
    ) -> Job:
        job = Job(
            id=secrets.token_hex(8),
            kind=kind,
            params=params,
            document=document,
            on_done=on_done,
        )
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
            self._queue.append(job.id)
        self._dispatch()
        return job

    def finished_job(self, kind: str, result: dict[str, Any]) -> Job:
        """A job that is done already (its result came from the cache)."""
        now = time.time()
        job = Job(
            id=secrets.token_hex(8),
            kind=kind,
            params={},
            document={},
            status="done",
            message="done (result from the cache)",
            started=now,
            finished=now,
            result=result,
        )
        job.ended.set()
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all_jobs(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def cancel(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return job
            if job.id in self._queue:
                self._queue.remove(job.id)
            self._finish(job, "cancelled", message="cancelled")
            process = job.process
        if process is not None:
            process.terminate()
        self._dispatch()
        return job

    def close(self) -> None:
        self._closed = True
        for job in self.all_jobs():
            if job.active:
                self.cancel(job.id)

    @property
    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.status == "running")

    # -- internals -------------------------------------------------------------------------------
    def _forget_old(self) -> None:
        """Drop finished jobs past their keeping time, and the oldest beyond max_jobs."""
        now = time.time()
        for job_id, job in list(self._jobs.items()):
            if not job.active and job.finished and now - job.finished > self.keep_seconds:
                del self._jobs[job_id]
        extra = len(self._jobs) - self.max_jobs
        if extra > 0:
            done = sorted((j for j in self._jobs.values() if not j.active), key=lambda j: j.created)
            for job in done[:extra]:
                del self._jobs[job.id]

    def _finish(self, job: Job, status: str, **fields: Any) -> None:
        """Mark a job finished (call with the lock held)."""
        job.status = status
        job.finished = time.time()
        for name, value in fields.items():
            setattr(job, name, value)
        job.document = {}
        job.ended.set()

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                if self._closed or not self._queue:
                    return
                running = sum(1 for j in self._jobs.values() if j.status == "running")
                if running >= self.max_running:
                    return
                job = self._jobs[self._queue.pop(0)]
                job.status = "running"
                job.started = time.time()
                job.message = "starting"
            threading.Thread(
                target=self._run, args=(job,), name=f"job-{job.id}", daemon=True
            ).start()

    def _run(self, job: Job) -> None:
        parent, child = self._context.Pipe(duplex=False)
        try:
            process = self._context.Process(
                target=_child,
                args=(child, job.kind, job.params, job.document, self.limits),
                daemon=True,
            )
            process.start()
        except Exception as exc:  # no process could be started
            with self._lock:
                self._finish(
                    job,
                    "failed",
                    error={"detail": f"could not start the analysis: {exc}"},
                    error_status=503,
                    message="failed",
                )
            self._dispatch()
            return
        child.close()
        with self._lock:
            job.process = process
            cancelled = job.status == "cancelled"
        if cancelled:
            process.terminate()
        outcome: tuple[Any, ...] | None = None
        try:
            while True:
                try:
                    message = parent.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    with self._lock:
                        if job.status == "running":
                            job.done, job.total, job.message = message[1], message[2], message[3]
                else:
                    outcome = message
                    break
        finally:
            parent.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
            process.close() if hasattr(process, "close") else None
        if outcome is not None and outcome[0] == "result" and job.on_done is not None:
            job.result = outcome[1]
            try:
                job.on_done(job)  # e.g. cache the result, before anyone is told it is done
            except Exception:  # caching the result is a bonus; never fail the job for it
                traceback.print_exc()
        with self._lock:
            job.process = None
            if job.status == "running":
                if outcome is None:
                    self._finish(
                        job,
                        "failed",
                        error={
                            "detail": "the analysis stopped unexpectedly (out of memory?);"
                            " try a smaller model"
                        },
                        error_status=500,
                        message="failed",
                    )
                elif outcome[0] == "result":
                    self._finish(job, "done", result=outcome[1], message="done")
                else:
                    self._finish(
                        job, "failed", error=outcome[2], error_status=outcome[1], message="failed"
                    )
        self._dispatch()

    def _watch(self) -> None:
        """Cancel jobs that run longer than the timeout."""
        while not self._closed:
            time.sleep(1.0)
            now = time.time()
            for job in self.all_jobs():
                if job.status == "running" and job.started and now - job.started > self.timeout:
                    self.cancel(job.id)
                    with self._lock:
                        job.message = f"stopped: it ran longer than {self.timeout:.0f} s"
