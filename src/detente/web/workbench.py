"""What the API's routes share: the library, the job manager and the helpers that turn a
request into an analysis.  One :class:`Workbench` per application (``app.state.workbench``);
routes receive it through FastAPI's dependency injection (:data:`CurrentWorkbench`)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from .. import registry
from . import schemas, service
from .jobs import Job, JobManager
from .storage import Storage
from .time_limits import TimeLimitedWorkers

if TYPE_CHECKING:  # the settings live in app.py, which imports this module
    from .app import WebSettings

#: Models with at most this many states get their quick analyses (``quick`` in
#: :mod:`detente.registry`) in the server's thread pool, without the cost of a worker process
#: (they take milliseconds; jobs are still processes).  Analyses that ``runs_in="inline"``
#: always answer at once.
QUICK_STATES = 512

#: Error answers every route may give (each a :class:`~detente.web.schemas.ErrorBody`).
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody, "description": text}
    for code, text in (
        (401, "Missing or wrong access token"),
        (404, "No such model, case or job"),
        (413, "Request body or model larger than the server accepts"),
        (422, "Invalid request or model; `loc` says where in the model"),
    )
}
#: The answer of a save refused because the model was saved elsewhere since.
CONFLICT = {409: {"model": schemas.ErrorBody, "description": "Saved elsewhere since"}}


class ApiError(Exception):
    """An error answer: HTTP ``status``, a one-line ``detail`` and optional extra fields."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


class Workbench:
    """The state behind the API for one :class:`~detente.web.app.WebSettings`."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.limits = settings.limits
        self.storage = Storage(settings.database)
        self._jobs: JobManager | None = None
        self._jobs_lock = threading.Lock()
        #: Running jobs by cache key: an analysis identical to a running one (same model,
        #: analysis and settings) attaches to it instead of starting a duplicate.
        self._running: dict[str, Job] = {}
        self._running_lock = threading.Lock()
        #: Validation and import of what a client sends, each within a time limit.
        self.checks = TimeLimitedWorkers(self.limits.request_seconds)

    def jobs(self) -> JobManager:
        """The job manager, started on first use (its worker processes cost a start-up)."""
        if self._jobs is None:
            with self._jobs_lock:
                if self._jobs is None:
                    self._jobs = JobManager(
                        self.limits,
                        max_running=self.settings.max_running_jobs,
                        timeout=self.settings.job_timeout,
                    )
        return self._jobs

    def close(self) -> None:
        """Stop the job manager's workers, if it was started, and the checks' workers."""
        self.checks.close()
        if self._jobs is not None:
            self._jobs.close()

    # -- models ---------------------------------------------------------------------------------
    def checked(
        self, document: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, int | None], str]:
        """Validate a model for storing: its normal form, sizes and name."""
        conflict = service.load_conflict(document)
        space = service.compile_document(document, self.limits)
        normal = service.normalise(conflict)
        sizes = {"n_states": space.n_states, "n_dms": space.n_dms, "n_options": space.n_options}
        return normal, sizes, conflict.name.strip() or "Untitled model"

    @staticmethod
    def record(model: Any) -> dict[str, Any]:
        """A stored model as the API shows it: its summary and its document."""
        return {**model.summary(), "model": model.document}

    def create(self, document: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        """Store a new (valid) model, optionally renamed; refused when the library is full."""
        if len(self.storage.list_models()) >= self.limits.max_models:
            raise ApiError(413, f"the library is full ({self.limits.max_models:,} models)")
        if name is not None and name.strip():
            document = {**document, "name": name.strip()}
        normal, sizes, title = self.checked(document)
        return self.record(self.storage.create_model(title, normal, sizes))

    def save(self, model_id: str, version: int, document: dict[str, Any]) -> dict[str, Any]:
        """Store a new version of a saved model (refused if it was saved since ``version``)."""
        normal, sizes, name = self.checked(document)
        return self.record(self.storage.update_model(model_id, version, name, normal, sizes))

    def resolve(self, source: schemas.ModelSource) -> dict[str, Any]:
        """The model document a request names: inline, or a saved model's."""
        if source.model is not None:
            return source.model
        assert source.model_id is not None
        return self.storage.get_model(source.model_id).document

    # -- analyses -------------------------------------------------------------------------------
    @staticmethod
    def params_of(request: schemas.ModelSource) -> dict[str, Any]:
        """An analysis request's settings (everything but the model)."""
        return request.model_dump(mode="json", exclude={"model", "model_id"})

    def run_inline(self, kind: str, request: schemas.ModelSource) -> dict[str, Any]:
        """Answer an analysis in the request's thread."""
        document = self.resolve(request)
        return service.run_task(kind, self.params_of(request), document, self.limits)

    def run_in_worker(self, kind: str, request: schemas.ModelSource) -> dict[str, Any]:
        """Answer an analysis from the cache, at once (quick ones of small models) or from a
        worker process."""
        document = self.resolve(request)
        params = self.params_of(request)
        task = service.TASKS[kind]
        key = service.cache_key(kind, params, document)
        if task.cached:
            cached = self.storage.get_result(key)
            if cached is not None:
                return cached
        space = service.compile_document(document, self.limits)
        if registry.analysis(kind).quick and space.n_states <= QUICK_STATES:
            result = service.run_task(kind, params, document, self.limits)
            if task.cached:
                self.storage.put_result(key, kind, result)
            return result
        job = self.submit(kind, params, document, key)
        job.ended.wait()
        return self.job_result(job)

    def start_job(self, kind: str, request: schemas.ModelSource) -> Job:
        """A background job for an analysis (a finished one if its result is cached)."""
        document = self.resolve(request)
        params = self.params_of(request)
        key = service.cache_key(kind, params, document)
        cached = self.storage.get_result(key) if service.TASKS[kind].cached else None
        if cached is not None:
            return self.jobs().finished_job(kind, cached)
        return self.submit(kind, params, document, key)

    def submit(self, kind: str, params: dict[str, Any], document: dict[str, Any], key: str) -> Job:
        """Start a job; its result is cached when it ends."""
        # Cheap checks first, so that a bad model is a 4xx answer, not a failed job.
        service.compile_document(document, self.limits)
        task = service.TASKS[kind]
        task.request.model_validate({**params, "model": document})

        def store(job: Job) -> None:
            with self._running_lock:
                if self._running.get(key) is job:
                    del self._running[key]
            if task.cached and job.result is not None:
                self.storage.put_result(key, kind, job.result)

        with self._running_lock:
            running = self._running.get(key)
            if running is not None and running.active:
                return running
            job = self.jobs().submit(kind, params, document, on_done=store)
            if job.active:
                self._running[key] = job
            return job

    @staticmethod
    def job_result(job: Job) -> dict[str, Any]:
        """A finished job's result, or its error as an :class:`ApiError`."""
        if job.status == "done" and job.result is not None:
            return job.result
        if job.status == "cancelled":
            raise ApiError(409, job.message or "the analysis was cancelled")
        error = job.error or {"detail": "the analysis failed"}
        raise ApiError(
            job.error_status or 500,
            str(error.get("detail")),
            loc=error.get("loc"),
            line=error.get("line"),
        )

    def find_job(self, job_id: str) -> Job:
        """A job by id, or a 404 answer."""
        job = self.jobs().get(job_id)
        if job is None:
            raise ApiError(404, f"no job with id {job_id!r} (finished jobs are kept an hour)")
        return job


def get_workbench(request: Request) -> Workbench:
    """The application's :class:`Workbench` (a FastAPI dependency)."""
    return request.app.state.workbench


CurrentWorkbench = Annotated[Workbench, Depends(get_workbench)]
