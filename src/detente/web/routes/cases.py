"""``/api/cases``: the bundled example conflicts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi import Path as PathParam

from ...cases import case_text, list_cases, load_case
from .. import schemas, service
from ..workbench import ERRORS, ApiError, CurrentWorkbench

router = APIRouter(tags=["cases"])
case_name = PathParam(description="A bundled case, e.g. north-korea", max_length=100)


@router.get("/api/cases", response_model=list[schemas.CaseInfo])
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
    """``name`` if it is a bundled case, else a 404 answer listing them."""
    if name not in list_cases():
        raise ApiError(404, f"no bundled case {name!r} (bundled: {', '.join(list_cases())})")
    return name


@router.get("/api/cases/{name}", responses=ERRORS)
def get_case(name: str = case_name) -> dict[str, Any]:
    """A bundled case's model, and its YAML file (with its comments and sources)."""
    known_case(name)
    return {
        "name": name,
        "model": service.normalise(load_case(name)),
        "yaml": case_text(name),
    }


@router.post(
    "/api/cases/{name}/copy",
    status_code=201,
    response_model=schemas.ModelRecord,
    responses=ERRORS,
)
def copy_case(workbench: CurrentWorkbench, name: str = case_name) -> dict[str, Any]:
    """Save a copy of a bundled case in the library (to open and edit it)."""
    known_case(name)
    return workbench.create(service.normalise(load_case(name)))
