"""``/api/models``, ``/api/import``, ``/api/convert``, ``/api/validate``: the library of
saved models and the checks of a model being edited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from ...io.files import dump_model
from .. import schemas, service
from ..workbench import CONFLICT, ERRORS, CurrentWorkbench

router = APIRouter(tags=["models"])
model_id = PathParam(description="The model's id", max_length=64)


@router.get("/api/models", response_model=list[schemas.ModelSummary])
def list_models(workbench: CurrentWorkbench) -> list[dict[str, Any]]:
    """The saved models, most recently changed first."""
    return [m.summary() for m in workbench.storage.list_models()]


@router.post(
    "/api/models",
    status_code=201,
    response_model=schemas.ModelRecord,
    responses=ERRORS,
)
def create_model(body: schemas.CreateModel, workbench: CurrentWorkbench) -> dict[str, Any]:
    """Save a new model (it must be valid; nothing is stored otherwise)."""
    return workbench.create(body.model)


@router.get(
    "/api/models/{model_id}",
    response_model=schemas.ModelRecord,
    responses=ERRORS,
)
def get_model(workbench: CurrentWorkbench, model_id: str = model_id) -> dict[str, Any]:
    return workbench.record(workbench.storage.get_model(model_id))


@router.put(
    "/api/models/{model_id}",
    response_model=schemas.ModelRecord,
    responses={**ERRORS, **CONFLICT},
)
def save_model(
    body: schemas.SaveModel, workbench: CurrentWorkbench, model_id: str = model_id
) -> dict[str, Any]:
    """Save a new version.  Refused (409) if the model was saved elsewhere since
    ``version``; nothing is stored if the model is invalid (422)."""
    workbench.storage.get_model(model_id)
    return workbench.save(model_id, body.version, body.model)


@router.patch(
    "/api/models/{model_id}",
    response_model=schemas.ModelRecord,
    responses={**ERRORS, **CONFLICT},
)
def rename_model(
    body: schemas.RenameModel, workbench: CurrentWorkbench, model_id: str = model_id
) -> dict[str, Any]:
    """Rename a model (its ``name`` field)."""
    current = workbench.storage.get_model(model_id)
    return workbench.save(model_id, body.version, {**current.document, "name": body.name.strip()})


@router.delete(
    "/api/models/{model_id}",
    status_code=204,
    responses={**ERRORS, **CONFLICT},
)
def delete_model(
    workbench: CurrentWorkbench,
    model_id: str = model_id,
    version: int | None = Query(
        default=None, ge=1, description="Refuse (409) if the model has been saved since"
    ),
) -> Response:
    workbench.storage.delete_model(model_id, version)
    return Response(status_code=204)


@router.post(
    "/api/models/{model_id}/duplicate",
    status_code=201,
    response_model=schemas.ModelRecord,
    responses=ERRORS,
)
def duplicate_model(
    workbench: CurrentWorkbench,
    body: Annotated[schemas.DuplicateModel | None, Body()] = None,
    model_id: str = model_id,
) -> dict[str, Any]:
    """Save a copy of a model under a new id."""
    original = workbench.storage.get_model(model_id)
    name = (body.name if body is not None else None) or f"{original.name} (copy)"
    return workbench.create(original.document, name)


@router.get(
    "/api/models/{model_id}/export",
    responses={
        **ERRORS,
        200: {
            "content": {"application/yaml": {}, "application/json": {}},
            "description": "The model file",
        },
    },
    response_class=Response,
)
def export_model(
    workbench: CurrentWorkbench,
    model_id: str = model_id,
    format: str = Query(default="yaml", pattern="^(yaml|json)$"),
) -> Response:
    """Download a model as a detente/1 YAML or JSON file."""
    stored = workbench.storage.get_model(model_id)
    conflict = service.load_conflict(stored.document)
    text = dump_model(conflict, format)
    filename = f"{service._slug(stored.name)}.{format}"
    media = "application/json" if format == "json" else "application/yaml"
    return Response(
        text.encode("utf-8"),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/api/import",
    status_code=201,
    response_model=schemas.ModelRecord,
    responses=ERRORS,
)
def import_model(body: schemas.ImportModel, workbench: CurrentWorkbench) -> dict[str, Any]:
    """Import a model file's content: detente/1 YAML or JSON, or a gmcr-py .gmcr file."""
    document = workbench.checks.run(
        "reading the file", service.import_document, body.content, body.filename
    )
    return workbench.create(document, body.name)


@router.post("/api/convert", response_model=schemas.ConvertResponse, responses=ERRORS)
def convert(body: schemas.ConvertRequest) -> dict[str, str]:
    """A model document (valid or not) as YAML or JSON text."""
    return {"text": service.to_text(body.model, body.format)}


@router.post(
    "/api/validate",
    response_model=schemas.ValidateResponse,
    response_model_exclude_none=False,
    responses=ERRORS,
)
def validate(body: schemas.ValidateRequest, workbench: CurrentWorkbench) -> dict[str, Any]:
    """Check a model while it is being edited: every problem found with its place, the
    number of feasible states, the status quo and each decision maker's ranking.  An
    invalid model is a normal answer (``valid: false``), not an error."""
    return workbench.checks.run("checking the model", service.validate, body, workbench.limits)
