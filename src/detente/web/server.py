"""``detente serve``: run the workbench with uvicorn."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sqlite3
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from ..errors import DetenteError
from .app import WebSettings, create_app
from .service import WebLimits
from .storage import default_database_path
from .workbench import Workbench

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (only this machine can connect)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise DetenteError(
                    f"port {port} is already in use on {host}; choose another with --port"
                ) from None
            raise DetenteError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def prepare(
    host: str = "127.0.0.1",
    port: int = 8000,
    database: Path | None = None,
    token: str | None = None,
    max_states: int | None = None,
) -> tuple[WebSettings, str, bool]:
    """Settings, the address to open and whether the token was generated here."""
    generated = False
    if not is_loopback(host) and not token:
        token = secrets.token_urlsafe(24)
        generated = True
    limits = WebLimits() if max_states is None else WebLimits(max_states=max_states)
    settings = WebSettings(
        database=Path(database) if database is not None else default_database_path(),
        token=token or None,
        limits=limits,
    )
    shown = host
    if host in ("0.0.0.0", "::", "[::]"):  # every interface: name this machine
        shown = socket.gethostname() or host
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    return settings, url, generated


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database: Path | None = None,
    token: str | None = None,
    max_states: int | None = None,
    echo=print,
) -> None:
    """Start the workbench and serve until interrupted (SIGTERM or Ctrl+C: it stops within
    :data:`SHUTDOWN_GRACE` seconds and a little more, cancelling the running jobs)."""
    settings, url, generated = prepare(host, port, database, token, max_states)
    _check_port(host, port)
    try:
        app = create_app(settings)
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        raise DetenteError(f"cannot open the database {settings.database}: {exc}") from None
    echo(f"detente workbench: {url}")
    echo(f"models are saved in {settings.database}")
    if generated:
        echo(
            "listening beyond this machine: every request needs the access token above"
            " (give your own with --token)"
        )
    echo("press Ctrl+C to stop")
    config = uvicorn.Config(
        app,
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
    )
    _StoppingServer(config, app.state.workbench).run()


#: Seconds that open requests get to finish once the server is told to stop (SIGTERM or
#: Ctrl+C); then they are cut off, so that ``detente serve`` always stops within 5 s.
SHUTDOWN_GRACE = 2.0


class _StoppingServer(uvicorn.Server):
    """uvicorn's server, which also cancels the running jobs as soon as it is told to stop:
    a request waiting for a job's result then ends at once, and no worker outlives it."""

    def __init__(self, config: Any, workbench: Workbench) -> None:
        super().__init__(config)
        self.workbench = workbench

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.workbench.close()
