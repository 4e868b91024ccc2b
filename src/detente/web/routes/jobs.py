"""``/api/jobs``: the background jobs (each analysis's ``POST /api/jobs/{kind}`` is in
:mod:`detente.web.routes.analyses`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi import Path as PathParam

from .. import schemas
from ..workbench import ERRORS, CurrentWorkbench

router = APIRouter(tags=["jobs"])
job_id = PathParam(description="The job's id", max_length=64)


@router.get("/api/jobs", response_model=list[schemas.JobInfo])
def list_jobs(workbench: CurrentWorkbench) -> list[dict[str, Any]]:
    """Recent jobs (without their results)."""
    return [job.info(with_result=False) for job in workbench.jobs().all_jobs()]


@router.get("/api/jobs/{job_id}", response_model=schemas.JobInfo, responses=ERRORS)
def get_job(workbench: CurrentWorkbench, job_id: str = job_id) -> dict[str, Any]:
    """A job's status and progress, and its result once done."""
    return workbench.find_job(job_id).info()


@router.delete("/api/jobs/{job_id}", response_model=schemas.JobInfo, responses=ERRORS)
def cancel_job(workbench: CurrentWorkbench, job_id: str = job_id) -> dict[str, Any]:
    """Cancel a job (its worker process is stopped at once)."""
    workbench.find_job(job_id)
    job = workbench.jobs().cancel(job_id)
    assert job is not None
    return job.info(with_result=False)
