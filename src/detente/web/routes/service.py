"""``/api/health``, ``/api/limits``, ``/api/schema``: the server itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ... import __version__
from .. import schemas
from ..workbench import CurrentWorkbench

router = APIRouter(tags=["service"])


@router.get("/api/health", summary="Is the server up?")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/api/limits", response_model=schemas.Limits)
def get_limits(workbench: CurrentWorkbench) -> dict[str, Any]:
    """What this server accepts, and whether reports are available."""
    limits = workbench.limits
    return {
        "max_states": limits.max_states,
        "max_body_bytes": limits.max_body_bytes,
        "max_models": limits.max_models,
        "token_required": workbench.settings.token is not None,
        "version": __version__,
        "report": True,  # the brief ships with the package
    }


@router.get("/api/schema", summary="JSON Schema of the detente/1 format")
def get_schema() -> dict[str, Any]:
    # Imported on first use: only this route needs the schema builder, so the server's
    # start-up does not pay for it.
    from ...model.schema import model_schema

    return model_schema()
