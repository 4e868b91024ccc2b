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
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import DetenteError, ModelError, format_location
from . import service
from .routes import ROUTERS
from .storage import ModelNotFound, VersionConflict, default_database_path
from .workbench import ApiError, Workbench

__all__ = ["WebSettings", "create_app"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


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
        overflow = False

        async def limited_receive() -> dict:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    overflow = True
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
            if overflow:
                # A body without Content-Length (chunked) grew past the cap while the app
                # read it; the framework turns the read error into "cannot parse the body",
                # so its answer is replaced by the 413 it really is.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._reply(send, 413, self._too_big_text())
                return
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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


# -- the application -------------------------------------------------------------------------------
# -- errors: every one a JSON object with a one-line ``detail`` -----------------------------
async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return _error(exc.status, exc.detail, **exc.extra)


async def _size_error(request: Request, exc: service.SizeError) -> JSONResponse:
    return _error(413, str(exc))


async def _model_error_handler(request: Request, exc: ModelError) -> JSONResponse:
    return _model_error(exc)


async def _detente_error(request: Request, exc: DetenteError) -> JSONResponse:
    return _error(422, str(exc))


async def _not_found(request: Request, exc: ModelNotFound) -> JSONResponse:
    return _error(404, str(exc))


async def _conflict(request: Request, exc: VersionConflict) -> JSONResponse:
    return _error(409, str(exc), current_version=exc.current)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    detail = _request_error_text(exc.errors()[0]) if errors else "invalid request"
    if any(e["type"] == "json_invalid" for e in errors):
        detail = "the request body is not valid JSON"
    return _error(422, detail, errors=errors)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "error"
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such address: {request.url.path}"
    if exc.status_code == 400 and "parsing the body" in detail:
        return _error(422, "the request body is not valid JSON (or is nested too deeply)")
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return _error(exc.status_code, detail)


async def _deep(request: Request, exc: RecursionError) -> JSONResponse:
    return _error(422, "the request is nested too deeply")


_HANDLERS: dict[Any, Callable[..., Any]] = {
    ApiError: _api_error,
    service.SizeError: _size_error,
    ModelError: _model_error_handler,
    DetenteError: _detente_error,
    ModelNotFound: _not_found,
    VersionConflict: _conflict,
    RequestValidationError: _invalid,
    StarletteHTTPException: _http,
    RecursionError: _deep,
}


def _swagger_ui_files() -> Path:
    """The folder of Swagger UI's script and style sheet that fastapi-offline ships."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The workbench application (API, pages, static files) for ``settings``."""
    workbench = Workbench(settings or WebSettings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        workbench.close()

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
        docs_url=None,  # served below from local files, under the security headers
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.workbench = workbench
    app.state.settings = workbench.settings
    app.state.storage = workbench.storage
    app.state.jobs = workbench.jobs
    for exc_type, handler in _HANDLERS.items():
        app.add_exception_handler(exc_type, handler)

    # -- pages ---------------------------------------------------------------------------------
    static_dir = Path(str(resources.files("detente.web") / "static"))

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static_dir / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    # -- API docs: Swagger UI from the fastapi-offline package's files, started by a script
    # of ours (the content security policy allows no inline script) --------------------------
    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        return FileResponse(static_dir / "api-docs.html", headers={"Cache-Control": "no-cache"})

    app.mount("/api/docs/assets", StaticFiles(directory=_swagger_ui_files()), name="swagger-ui")

    for router in ROUTERS:
        app.include_router(router)

    app.add_middleware(GuardMiddleware, settings=workbench.settings)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeadersMiddleware)  # type: ignore[arg-type]
    return app
