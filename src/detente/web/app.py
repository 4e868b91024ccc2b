"""The workbench web application: a JSON REST API (FastAPI) and the pages that use it.

:func:`create_app` builds the application for a :class:`WebSettings`; ``detente serve``
(:func:`detente.web.server.serve`) runs it with uvicorn.  The API is a thin layer over
detente's Python API (:mod:`detente.web.service`); its OpenAPI description is at
``/api/openapi.json`` and browsable at ``/api/docs``.

Security: the server listens on loopback by default and then only answers requests whose
``Host`` is a loopback name (no DNS rebinding).  With an access token (required by ``detente
serve`` for any other address) every request must carry it: ``Authorization: Bearer TOKEN``,
``?token=TOKEN`` or the cookie the page sets after being opened with ``?token=``.  Request
bodies and models are capped (:class:`~detente.web.service.WebLimits`), and no
client-supplied text is ever used as a path: imports send the file's content.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, registry
from ..cases import case_text, list_cases, load_case
from ..errors import DetenteError, ModelError, format_location
from . import schemas, service
from .jobs import Job, JobManager
from .storage import ModelNotFound, Storage, VersionConflict, default_database_path

__all__ = ["WebSettings", "create_app"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody, "description": text}
    for code, text in (
        (401, "Missing or wrong access token"),
        (404, "No such model, case or job"),
        (413, "Request body or model larger than the server accepts"),
        (422, "Invalid request or model; `loc` says where in the model"),
    )
}
_CONFLICT = {409: {"model": schemas.ErrorBody, "description": "Saved elsewhere since"}}

#: Quick analyses of small models (``quick`` in :mod:`detente.registry`) are answered in the
#: server's thread pool, without the cost of a worker process (they take milliseconds; jobs
#: are still processes).  Analyses that ``runs_in="inline"`` always answer at once.
QUICK_STATES = 512


@dataclass
class WebSettings:
    """How the workbench runs."""

    database: Path = field(default_factory=default_database_path)
    token: str | None = None
    limits: service.WebLimits = field(default_factory=service.WebLimits)
    #: Hosts (``Host`` header, without port) answered; default: loopback names only when no
    #: token is set, any host with a token.
    allowed_hosts: tuple[str, ...] | None = None
    #: Jobs running at once (default: the number of cores, at most 4).
    max_running_jobs: int | None = None
    #: Jobs running longer than this are stopped (seconds).
    job_timeout: float = 900.0


class ApiError(Exception):
    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def _error(status: int, detail: str, **extra: Any) -> JSONResponse:
    detail = " ".join(str(detail).split())  # always one line
    body = {"detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _model_error(exc: ModelError) -> JSONResponse:
    info = service.problem(exc)
    where = info["where"]
    detail = f"{where}: {exc.message}" if where else exc.message
    if exc.line and not where:
        detail = f"line {exc.line}: {detail}"
    return _error(422, detail, loc=info["loc"], line=exc.line)


def _request_error_text(error: dict[str, Any]) -> str:
    loc = [part for part in error.get("loc", ()) if part != "body"]
    where = format_location(tuple(loc))
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return f"{where}: {message}" if where else message


# -- middleware (pure ASGI) ------------------------------------------------------------------------
class GuardMiddleware:
    """Access token, allowed hosts and the request body cap, before anything else runs."""

    def __init__(self, app: Any, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings
        self.max_body = settings.limits.max_body_bytes

    async def _reply(self, send: Callable, status: int, detail: str, extra: dict | None = None):
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        if status == 401:
            headers.append((b"www-authenticate", b"Bearer"))
        for key, value in (extra or {}).items():
            headers.append((key.encode(), value.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _host_allowed(self, headers: dict[bytes, bytes]) -> bool:
        allowed = self.settings.allowed_hosts
        if allowed is None:
            if self.settings.token:
                return True
            allowed = LOOPBACK_HOSTS
        host = headers.get(b"host", b"").decode("latin-1").strip().lower()
        if host.startswith("["):
            name = host.split("]")[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in allowed or "*" in allowed

    def _token_ok(self, scope: dict, headers: dict[bytes, bytes]) -> tuple[bool, bool]:
        """(carries the right token, came as ?token= in the query)."""
        token = self.settings.token
        assert token is not None
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer ") and secrets.compare_digest(
            auth[7:].strip().encode(), token.encode()
        ):
            return True, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        for given in query.get("token", []):
            if secrets.compare_digest(given.encode(), token.encode()):
                return True, True
        for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "detente_token" and secrets.compare_digest(value.encode(), token.encode()):
                return True, False
        return False, False

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not self._host_allowed(headers):
            await self._reply(
                send,
                400,
                "this server only answers requests to a loopback address (127.0.0.1 or"
                " localhost); start it with --host and --token to serve other addresses",
            )
            return
        from_query = False
        if self.settings.token:
            ok, from_query = self._token_ok(scope, headers)
            if not ok:
                await self._reply(
                    send,
                    401,
                    "this workbench needs its access token: open the address that"
                    " 'detente serve' printed (with ?token=...), or send"
                    " 'Authorization: Bearer TOKEN'",
                )
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = False
            if too_big:
                await self._reply(send, 413, self._too_big_text())
                return
        received = 0
        max_body = self.max_body

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    raise _BodyTooLarge
            return message

        cookie = None
        if from_query and self.settings.token:
            cookie = (
                f"detente_token={self.settings.token}; Path=/; HttpOnly; SameSite=Strict"
            ).encode()

        async def send_with_cookie(message: dict) -> None:
            if cookie is not None and message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_cookie(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._reply(send, 413, self._too_big_text())

    def _too_big_text(self) -> str:
        return (
            f"the request is larger than this server accepts"
            f" ({self.max_body / 2**20:.1f} MiB at most)"
        )


class _BodyTooLarge(Exception):
    pass


class SecurityHeadersMiddleware:
    """No framing, no sniffing, scripts and styles from this server only."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline';"
            b" script-src 'self'; frame-ancestors 'none'",
        ),
    )

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/api/docs"):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


# -- the application -------------------------------------------------------------------------------
def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The workbench application (API, pages, static files) for ``settings``."""
    settings = settings or WebSettings()
    limits = settings.limits
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        manager = state.get("jobs")
        if manager is not None:
            manager.close()

    app = FastAPI(
        title="detente workbench API",
        version=__version__,
        description=(
            "Build, analyse and compare conflicts with the Graph Model for Conflict"
            " Resolution. Models are detente/1 documents (GET /api/schema). Analyses take"
            " the model inline (`model`) or a saved model's id (`model_id`); long ones also"
            " run as background jobs (POST /api/jobs/{kind}) with progress and"
            " cancellation. Every error is a JSON object with a one-line `detail`."
        ),
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    storage = Storage(settings.database)
    state["storage"] = storage
    app.state.settings = settings
    app.state.storage = storage

    def jobs() -> JobManager:
        manager = state.get("jobs")
        if manager is None:
            with _jobs_lock:
                manager = state.get("jobs")
                if manager is None:
                    manager = JobManager(
                        limits,
                        max_running=settings.max_running_jobs,
                        timeout=settings.job_timeout,
                    )
                    state["jobs"] = manager
        return manager

    app.state.jobs = jobs
    _jobs_lock = threading.Lock()

    # -- errors --------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.detail, **exc.extra)

    @app.exception_handler(service.SizeError)
    async def _size_error(request: Request, exc: service.SizeError) -> JSONResponse:
        return _error(413, str(exc))

    @app.exception_handler(ModelError)
    async def _model_error_handler(request: Request, exc: ModelError) -> JSONResponse:
        return _model_error(exc)

    @app.exception_handler(DetenteError)
    async def _detente_error(request: Request, exc: DetenteError) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(ModelNotFound)
    async def _not_found(request: Request, exc: ModelNotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(VersionConflict)
    async def _conflict(request: Request, exc: VersionConflict) -> JSONResponse:
        return _error(409, str(exc), current_version=exc.current)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        detail = _request_error_text(exc.errors()[0]) if errors else "invalid request"
        if any(e["type"] == "json_invalid" for e in errors):
            detail = "the request body is not valid JSON"
        return _error(422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such address: {request.url.path}"
        if exc.status_code == 400 and "parsing the body" in detail:
            return _error(422, "the request body is not valid JSON (or is nested too deeply)")
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return _error(exc.status_code, detail)

    @app.exception_handler(RecursionError)
    async def _deep(request: Request, exc: RecursionError) -> JSONResponse:
        return _error(422, "the request is nested too deeply")

    # -- helpers -------------------------------------------------------------------------------
    def checked(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int | None], str]:
        """Validate a model for storing: its normal form, sizes and name."""
        conflict = service.load_conflict(document)
        space = service.compile_document(document, limits)
        normal = service.normalise(conflict)
        sizes = {"n_states": space.n_states, "n_dms": space.n_dms, "n_options": space.n_options}
        return normal, sizes, conflict.name.strip() or "Untitled model"

    def record(model: Any) -> dict[str, Any]:
        return {**model.summary(), "model": model.document}

    def create(document: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        if len(storage.list_models()) >= limits.max_models:
            raise ApiError(413, f"the library is full ({limits.max_models:,} models)")
        if name is not None and name.strip():
            document = {**document, "name": name.strip()}
        normal, sizes, title = checked(document)
        return record(storage.create_model(title, normal, sizes))

    def resolve(source: schemas.ModelSource) -> dict[str, Any]:
        if source.model is not None:
            return source.model
        assert source.model_id is not None
        return storage.get_model(source.model_id).document

    def params_of(request: schemas.ModelSource) -> dict[str, Any]:
        return request.model_dump(mode="json", exclude={"model", "model_id"})

    def run_inline(kind: str, request: schemas.ModelSource) -> dict[str, Any]:
        document = resolve(request)
        return service.run_task(kind, params_of(request), document, limits)

    def run_in_worker(kind: str, request: schemas.ModelSource) -> dict[str, Any]:
        document = resolve(request)
        params = params_of(request)
        task = service.TASKS[kind]
        key = service.cache_key(kind, params, document)
        if task.cached:
            cached = storage.get_result(key)
            if cached is not None:
                return cached
        space = service.compile_document(document, limits)
        if registry.analysis(kind).quick and space.n_states <= QUICK_STATES:
            result = service.run_task(kind, params, document, limits)
            if task.cached:
                storage.put_result(key, kind, result)
            return result
        job = submit(kind, params, document, key)
        job.ended.wait()
        return job_result(job)

    def submit(kind: str, params: dict[str, Any], document: dict[str, Any], key: str) -> Job:
        # Cheap checks first, so that a bad model is a 4xx answer, not a failed job.
        service.compile_document(document, limits)
        task = service.TASKS[kind]
        task.request.model_validate({**params, "model": document})

        def store(job: Job) -> None:
            if task.cached and job.result is not None:
                storage.put_result(key, kind, job.result)

        return jobs().submit(kind, params, document, on_done=store)

    def job_result(job: Job) -> dict[str, Any]:
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

    # -- pages ---------------------------------------------------------------------------------
    static = resources.files("detente.web") / "static"
    static_dir = Path(str(static))

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static_dir / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    # -- service -------------------------------------------------------------------------------
    @app.get("/api/health", tags=["service"], summary="Is the server up?")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/limits", tags=["service"], response_model=schemas.Limits)
    def get_limits() -> dict[str, Any]:
        """What this server accepts, and whether reports are available."""
        return {
            "max_states": limits.max_states,
            "max_body_bytes": limits.max_body_bytes,
            "max_models": limits.max_models,
            "token_required": settings.token is not None,
            "version": __version__,
            "report": service.report_available(),
        }

    @app.get("/api/schema", tags=["service"], summary="JSON Schema of the detente/1 format")
    def get_schema() -> dict[str, Any]:
        from ..model.schema import model_schema

        return model_schema()

    # -- cases ---------------------------------------------------------------------------------
    case_name = PathParam(description="A bundled case, e.g. north-korea", max_length=100)

    @app.get("/api/cases", tags=["cases"], response_model=list[schemas.CaseInfo])
    def get_cases() -> list[dict[str, Any]]:
        """The bundled example conflicts."""
        out = []
        for name in list_cases():
            conflict = load_case(name)
            out.append(
                {
                    "name": name,
                    "title": conflict.name or name,
                    "description": conflict.description,
                    "source": conflict.source,
                    "n_dms": len(conflict.decision_makers),
                    "n_options": len(conflict.options),
                }
            )
        return out

    def known_case(name: str) -> str:
        if name not in list_cases():
            raise ApiError(404, f"no bundled case {name!r} (bundled: {', '.join(list_cases())})")
        return name

    @app.get("/api/cases/{name}", tags=["cases"], responses=_ERRORS)
    def get_case(name: str = case_name) -> dict[str, Any]:
        """A bundled case's model, and its YAML file (with its comments and sources)."""
        known_case(name)
        return {
            "name": name,
            "model": service.normalise(load_case(name)),
            "yaml": case_text(name),
        }

    @app.post(
        "/api/cases/{name}/copy",
        tags=["cases"],
        status_code=201,
        response_model=schemas.ModelRecord,
        responses=_ERRORS,
    )
    def copy_case(name: str = case_name) -> dict[str, Any]:
        """Save a copy of a bundled case in the library (to open and edit it)."""
        known_case(name)
        return create(service.normalise(load_case(name)))

    # -- models --------------------------------------------------------------------------------
    model_id = PathParam(description="The model's id", max_length=64)

    @app.get("/api/models", tags=["models"], response_model=list[schemas.ModelSummary])
    def list_models() -> list[dict[str, Any]]:
        """The saved models, most recently changed first."""
        return [m.summary() for m in storage.list_models()]

    @app.post(
        "/api/models",
        tags=["models"],
        status_code=201,
        response_model=schemas.ModelRecord,
        responses=_ERRORS,
    )
    def create_model(body: schemas.CreateModel) -> dict[str, Any]:
        """Save a new model (it must be valid; nothing is stored otherwise)."""
        return create(body.model)

    @app.get(
        "/api/models/{model_id}",
        tags=["models"],
        response_model=schemas.ModelRecord,
        responses=_ERRORS,
    )
    def get_model(model_id: str = model_id) -> dict[str, Any]:
        return record(storage.get_model(model_id))

    @app.put(
        "/api/models/{model_id}",
        tags=["models"],
        response_model=schemas.ModelRecord,
        responses={**_ERRORS, **_CONFLICT},
    )
    def save_model(body: schemas.SaveModel, model_id: str = model_id) -> dict[str, Any]:
        """Save a new version.  Refused (409) if the model was saved elsewhere since
        ``version``; nothing is stored if the model is invalid (422)."""
        storage.get_model(model_id)
        normal, sizes, name = checked(body.model)
        return record(storage.update_model(model_id, body.version, name, normal, sizes))

    @app.patch(
        "/api/models/{model_id}",
        tags=["models"],
        response_model=schemas.ModelRecord,
        responses={**_ERRORS, **_CONFLICT},
    )
    def rename_model(body: schemas.RenameModel, model_id: str = model_id) -> dict[str, Any]:
        """Rename a model (its ``name`` field)."""
        current = storage.get_model(model_id)
        document = {**current.document, "name": body.name.strip()}
        normal, sizes, name = checked(document)
        return record(storage.update_model(model_id, body.version, name, normal, sizes))

    @app.delete(
        "/api/models/{model_id}",
        tags=["models"],
        status_code=204,
        responses={**_ERRORS, **_CONFLICT},
    )
    def delete_model(
        model_id: str = model_id,
        version: int | None = Query(
            default=None, ge=1, description="Refuse (409) if the model has been saved since"
        ),
    ) -> Response:
        storage.delete_model(model_id, version)
        return Response(status_code=204)

    @app.post(
        "/api/models/{model_id}/duplicate",
        tags=["models"],
        status_code=201,
        response_model=schemas.ModelRecord,
        responses=_ERRORS,
    )
    def duplicate_model(
        body: Annotated[schemas.DuplicateModel | None, Body()] = None, model_id: str = model_id
    ) -> dict[str, Any]:
        """Save a copy of a model under a new id."""
        original = storage.get_model(model_id)
        name = (body.name if body is not None else None) or f"{original.name} (copy)"
        return create(original.document, name)

    @app.get(
        "/api/models/{model_id}/export",
        tags=["models"],
        responses={
            **_ERRORS,
            200: {
                "content": {"application/yaml": {}, "application/json": {}},
                "description": "The model file",
            },
        },
        response_class=Response,
    )
    def export_model(
        model_id: str = model_id,
        format: str = Query(default="yaml", pattern="^(yaml|json)$"),
    ) -> Response:
        """Download a model as a detente/1 YAML or JSON file."""
        stored = storage.get_model(model_id)
        conflict = service.load_conflict(stored.document)
        from ..io.files import dump_model

        text = dump_model(conflict, format)
        filename = f"{service._slug(stored.name)}.{format}"
        media = "application/json" if format == "json" else "application/yaml"
        return Response(
            text.encode("utf-8"),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.post(
        "/api/import",
        tags=["models"],
        status_code=201,
        response_model=schemas.ModelRecord,
        responses=_ERRORS,
    )
    def import_model(body: schemas.ImportModel) -> dict[str, Any]:
        """Import a model file's content: detente/1 YAML or JSON, or a gmcr-py .gmcr file."""
        conflict = service.parse_text(body.content, body.filename)
        return create(service.normalise(conflict), body.name)

    @app.post("/api/convert", tags=["models"], response_model=schemas.ConvertResponse)
    def convert(body: schemas.ConvertRequest) -> dict[str, str]:
        """A model document (valid or not) as YAML or JSON text."""
        return {"text": service.to_text(body.model, body.format)}

    @app.post(
        "/api/validate",
        tags=["models"],
        response_model=schemas.ValidateResponse,
        response_model_exclude_none=False,
        responses=_ERRORS,
    )
    def validate(body: schemas.ValidateRequest) -> dict[str, Any]:
        """Check a model while it is being edited: every problem found with its place, the
        number of feasible states, the status quo and each decision maker's ranking.  An
        invalid model is a normal answer (``valid: false``), not an error."""
        return service.validate(body, limits)

    # -- analyses ------------------------------------------------------------------------------
    def add_analysis(kind: str, summary: str, doc: str, response_model: Any = None) -> None:
        task = service.TASKS[kind]
        request_type = task.request
        inline = registry.analysis(kind).runs_in == "inline"

        def endpoint(body: Any) -> Any:
            if inline:
                return run_inline(kind, body)
            return run_in_worker(kind, body)

        endpoint.__annotations__ = {"body": request_type, "return": Any}
        endpoint.__name__ = f"analysis_{kind}"
        endpoint.__doc__ = doc
        app.post(
            f"/api/{kind}",
            tags=["analyses"],
            summary=summary,
            response_model=response_model,
            responses={**_ERRORS, **({} if inline else _CONFLICT)},
        )(endpoint)

        if inline:
            return

        def job_endpoint(body: Any) -> JSONResponse:
            document = resolve(body)
            params = params_of(body)
            key = service.cache_key(kind, params, document)
            cached = storage.get_result(key) if task.cached else None
            if cached is not None:
                job = jobs().finished_job(kind, cached)
            else:
                job = submit(kind, params, document, key)
            return JSONResponse(job.info(with_result=False), status_code=202)

        job_endpoint.__annotations__ = {"body": request_type, "return": JSONResponse}
        job_endpoint.__name__ = f"job_{kind}"
        job_endpoint.__doc__ = (
            f"Start the {kind} analysis in the background; poll GET /api/jobs/{{id}} for its"
            f" progress and result (the same as POST /api/{kind}), DELETE it to cancel."
        )
        app.post(
            f"/api/jobs/{kind}",
            tags=["jobs"],
            summary=f"Start a background job: {summary.lower()}",
            status_code=202,
            response_model=schemas.JobInfo,
            responses=_ERRORS,
        )(job_endpoint)

    #: Response models the API declares (the others are free-form JSON objects).
    response_models = {"analyze": schemas.AnalyzeResponse}
    for entry in registry.web_analyses():
        add_analysis(entry.name, entry.summary, entry.description, response_models.get(entry.name))

    # -- jobs ----------------------------------------------------------------------------------
    job_id = PathParam(description="The job's id", max_length=64)

    @app.get("/api/jobs", tags=["jobs"], response_model=list[schemas.JobInfo])
    def list_jobs() -> list[dict[str, Any]]:
        """Recent jobs (without their results)."""
        return [job.info(with_result=False) for job in jobs().all_jobs()]

    def find_job(job_id: str) -> Job:
        job = jobs().get(job_id)
        if job is None:
            raise ApiError(404, f"no job with id {job_id!r} (finished jobs are kept an hour)")
        return job

    @app.get("/api/jobs/{job_id}", tags=["jobs"], response_model=schemas.JobInfo, responses=_ERRORS)
    def get_job(job_id: str = job_id) -> dict[str, Any]:
        """A job's status and progress, and its result once done."""
        return find_job(job_id).info()

    @app.delete(
        "/api/jobs/{job_id}", tags=["jobs"], response_model=schemas.JobInfo, responses=_ERRORS
    )
    def cancel_job(job_id: str = job_id) -> dict[str, Any]:
        """Cancel a job (its worker process is stopped at once)."""
        find_job(job_id)
        job = jobs().cancel(job_id)
        assert job is not None
        return job.info(with_result=False)

    app.add_middleware(GuardMiddleware, settings=settings)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeadersMiddleware)  # type: ignore[arg-type]
    return app
