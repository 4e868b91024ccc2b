"""``POST /api/{kind}`` and ``POST /api/jobs/{kind}``: one pair of routes for each analysis the
registry (:mod:`detente.registry`) offers on the web."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ... import registry
from .. import schemas, service
from ..workbench import CONFLICT, ERRORS, CurrentWorkbench

router = APIRouter()

#: Response models the API declares (the other analyses answer free-form JSON objects).
RESPONSE_MODELS = {"analyze": schemas.AnalyzeResponse}


def _add_analysis(entry: registry.Analysis) -> None:
    """The routes of one analysis: its answer, and (unless it runs inline) its job."""
    kind = entry.name
    request_type = service.TASKS[kind].request
    inline = entry.runs_in == "inline"

    def endpoint(body: Any, workbench: Any) -> Any:
        if inline:
            return workbench.run_inline(kind, body)
        return workbench.run_in_worker(kind, body)

    # The request type is only known here, so the annotations FastAPI reads are set here.
    endpoint.__annotations__ = {"body": request_type, "workbench": CurrentWorkbench, "return": Any}
    endpoint.__name__ = f"analysis_{kind}"
    endpoint.__doc__ = entry.description
    router.post(
        f"/api/{kind}",
        tags=["analyses"],
        summary=entry.summary,
        response_model=RESPONSE_MODELS.get(kind),
        responses={**ERRORS, **({} if inline else CONFLICT)},
    )(endpoint)

    if inline:
        return

    def job_endpoint(body: Any, workbench: Any) -> JSONResponse:
        job = workbench.start_job(kind, body)
        return JSONResponse(job.info(with_result=False), status_code=202)

    job_endpoint.__annotations__ = {
        "body": request_type,
        "workbench": CurrentWorkbench,
        "return": JSONResponse,
    }
    job_endpoint.__name__ = f"job_{kind}"
    job_endpoint.__doc__ = (
        f"Start the {kind} analysis in the background; poll GET /api/jobs/{{id}} for its"
        f" progress and result (the same as POST /api/{kind}), DELETE it to cancel."
    )
    router.post(
        f"/api/jobs/{kind}",
        tags=["jobs"],
        summary=f"Start a background job: {entry.summary.lower()}",
        status_code=202,
        response_model=schemas.JobInfo,
        responses=ERRORS,
    )(job_endpoint)


for _entry in registry.web_analyses():
    _add_analysis(_entry)
