"""Request and response bodies of the workbench's JSON API (pydantic; they make the OpenAPI
description).

Analysis requests name their model either inline (``model``: a ``detente/1`` document, the
JSON form of a model file, see ``GET /api/schema``) or by the id of a saved model
(``model_id``).  States are written as in model files: a 1-based number or a label.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MovesKind = Literal["improvements", "any", "coalitions"]

_MODEL_DOC = (
    "A model in the detente/1 format, as JSON (the same fields as a model file; its JSON"
    " Schema is GET /api/schema)"
)
_CONCEPTS_DOC = (
    "Solution concepts: Nash, GMR, SMR, SEQ, SIM, SEQSIM, L<h> (limited move, two decision"
    " makers), NM. Default: Nash, GMR, SMR, SEQ, SIM, SEQSIM."
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())


class ErrorBody(BaseModel):
    """Every 4xx answer: a one-line message, and for model errors where in the model."""

    detail: str = Field(description="What is wrong, in one line")
    loc: list[str | int] | None = Field(
        default=None, description="Path in the model document (e.g. decision_makers, 1, ...)"
    )
    line: int | None = Field(default=None, description="Line in the submitted text, if known")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Every problem with the request, for invalid requests"
    )


# -- models -------------------------------------------------------------------------------------
class ModelSummary(BaseModel):
    id: str
    name: str
    description: str = ""
    version: int = Field(description="Incremented by every save; send it back when saving")
    created: str
    updated: str
    n_states: int | None = Field(default=None, description="Feasible states")
    n_dms: int | None = None
    n_options: int | None = None


class ModelRecord(ModelSummary):
    model: dict[str, Any] = Field(description=_MODEL_DOC)


class CreateModel(_Body):
    model: dict[str, Any] = Field(description=_MODEL_DOC)


class SaveModel(_Body):
    model: dict[str, Any] = Field(description=_MODEL_DOC)
    version: int = Field(
        ge=1,
        description="The version this edit started from; refused with 409 if the model has"
        " been saved since (e.g. in another tab)",
    )


class RenameModel(_Body):
    name: str = Field(min_length=1, max_length=200)
    version: int = Field(ge=1, description="As for saving")


class DuplicateModel(_Body):
    name: str | None = Field(
        default=None, max_length=200, description="Default: the original's name + ' (copy)'"
    )


class ImportModel(_Body):
    content: str = Field(description="The file's text (never a path)")
    filename: str = Field(
        default="model.yaml",
        max_length=255,
        description="The file's name, only to tell its format: .yaml/.yml, .json or .gmcr",
    )
    name: str | None = Field(default=None, max_length=200, description="Name in the library")


class CaseInfo(BaseModel):
    name: str = Field(description="Case name, e.g. north-korea")
    title: str
    description: str = ""
    source: str = ""
    n_dms: int
    n_options: int


class ConvertRequest(_Body):
    model: dict[str, Any] = Field(description=_MODEL_DOC + " (need not be valid)")
    format: Literal["yaml", "json"] = "yaml"


class ConvertResponse(BaseModel):
    text: str


# -- validation ----------------------------------------------------------------------------------
class ValidateRequest(_Body):
    model: dict[str, Any] | None = Field(default=None, description=_MODEL_DOC)
    text: str | None = Field(
        default=None, description="Or the model as YAML/JSON text (the YAML editor)"
    )
    format: Literal["yaml", "json"] = Field(default="yaml", description="Format of `text`")
    ranking_limit: int = Field(
        default=40, ge=0, le=1000, description="States shown per decision maker's ranking"
    )
    states_limit: int = Field(
        default=256, ge=0, le=5000, description="List the states when there are at most this many"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ValidateRequest:
        if (self.model is None) == (self.text is None):
            raise ValueError("give exactly one of model, text")
        return self


class ModelProblem(BaseModel):
    message: str
    loc: list[str | int] = Field(description="Path in the model document")
    where: str = Field(description="The path written out, e.g. decision_makers[1].preferences")
    line: int | None = Field(default=None, description="Line in `text`, when text was sent")


class StateRef(BaseModel):
    id: int = Field(description="State number (1-based)")
    label: str


class RankingGroup(BaseModel):
    states: list[StateRef] = Field(description="Equally preferred states")
    satisfied: list[list[bool]] | None = Field(
        default=None,
        description="For prioritization: per state, which statements it satisfies",
    )


class DMRanking(BaseModel):
    dm: str
    form: str = Field(description="prioritization, ranking or payoffs")
    groups: list[RankingGroup] = Field(description="Most preferred first (truncated)")
    shown: int
    total: int


class ValidateResponse(BaseModel):
    valid: bool
    document: dict[str, Any] | None = Field(
        default=None, description="The parsed model, when `text` was sent and parses"
    )
    n_combinations: int | None = Field(default=None, description="Option combinations")
    n_states: int | None = Field(default=None, description="Feasible states")
    errors: list[ModelProblem] = Field(default_factory=list)
    status_quo: StateRef | None = None
    rankings: list[DMRanking] = Field(default_factory=list)
    states: list[StateRef] | None = Field(
        default=None, description="Every feasible state, when there are at most states_limit"
    )


# -- analyses -----------------------------------------------------------------------------------
class ModelSource(_Body):
    model: dict[str, Any] | None = Field(default=None, description=_MODEL_DOC)
    model_id: str | None = Field(
        default=None, max_length=64, description="Or the id of a saved model"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelSource:
        if (self.model is None) == (self.model_id is None):
            raise ValueError("give exactly one of model, model_id")
        return self


Concepts = list[str] | None


class StatesRequest(ModelSource):
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=500, ge=1, le=5000)


class AnalyzeRequest(ModelSource):
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)


class StateRow(BaseModel):
    id: int
    label: str
    values: list[int]


class AnalyzeResponse(BaseModel):
    """The JSON of ``detente analyze --format json``, with a few facts for display."""

    states: list[StateRow]
    stability: dict[str, dict[str, list[int]]] = Field(
        description="concept -> decision maker -> numbers of the states stable for it"
    )
    equilibria: dict[str, list[int]] = Field(description="concept -> equilibrium states")
    concepts: list[str]
    decision_makers: list[str]
    options: list[str]
    status_quo: int | None = None
    outcomes: list[str] = Field(default_factory=list, description="The model's outcome names")
    state_outcomes: list[list[int]] = Field(
        default_factory=list, description="Per state, indices of the outcomes it satisfies"
    )
    descriptions: list[str] | None = Field(
        default=None, description="Per state, what is taken (small models only)"
    )


class ExplainRequest(ModelSource):
    state: int | str = Field(description="The state: number (1-based) or label")
    dm: str | None = Field(default=None, description="One decision maker (default: all)")
    concepts: Concepts = Field(
        default=None, description="Nash, GMR, SMR, SEQ, SIM, SEQSIM (default: all but SEQSIM)"
    )


class PathsRequest(ModelSource):
    start: int | str | None = Field(default=None, description="Default: the status quo")
    targets: list[int | str] = Field(default_factory=list, max_length=100)
    moves: MovesKind = "improvements"
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)
    max_depth: int | None = Field(default=None, ge=1, le=1000)
    neighbours: bool = Field(default=False, description="Also draw states one move away")
    max_targets: int = Field(default=30, ge=1, le=200)


class CoalitionsRequest(ModelSource):
    concept: str = Field(default="Nash", description="Nash, GMR, SMR or SEQ (coalition form)")
    coalitions: list[str] | None = Field(
        default=None,
        max_length=200,
        description="Coalitions as DM names joined by '+'; default: every coalition",
    )
    sanctions: Literal["coalitions", "individuals"] = "coalitions"


class CompareRequest(ModelSource):
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)
    moves: MovesKind = "improvements"


class SweepRequest(ModelSource):
    option: str = Field(description="The option (a dial, or a Y/N option) to hold at each level")
    strategy: str | None = Field(default=None, description="Hold one of the model's strategies")
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)
    moves: MovesKind = "improvements"


class HypergameRequest(ModelSource):
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)
    correct: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Perceptions to correct: what changes when these beliefs are corrected?",
    )


class UncertaintyRequest(ModelSource):
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)
    method: Literal["auto", "exact", "sample"] = "auto"
    samples: int = Field(default=2000, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0, le=2**31)
    max_exact: int = Field(default=4096, ge=1, le=65_536)


class InverseRequest(ModelSource):
    target: int | str = Field(description="The state that should become an equilibrium")
    concept: str = "Nash"
    dms: list[str] | None = Field(default=None, description="Whose preferences may change")
    reachable: bool = Field(default=False, description="Also reachable from the status quo")
    max_changes: int = Field(default=3, ge=0, le=6)


class ReportRequest(ModelSource):
    concepts: Concepts = Field(default=None, description=_CONCEPTS_DOC, max_length=20)


# -- jobs ---------------------------------------------------------------------------------------
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class JobProgress(BaseModel):
    done: int | None = None
    total: int | None = None
    fraction: float | None = Field(default=None, description="0..1, null if unknown")
    message: str = ""


class JobInfo(BaseModel):
    id: str
    kind: str
    status: JobStatus
    progress: JobProgress
    created: float = Field(description="Unix time")
    started: float | None = None
    finished: float | None = None
    elapsed: float = Field(description="Seconds running so far (or in all)")
    error: ErrorBody | None = Field(default=None, description="Why it failed")
    error_status: int | None = Field(default=None, description="HTTP status of the error")
    result: dict[str, Any] | None = Field(
        default=None, description="The analysis result (as the synchronous endpoint's)"
    )


class Limits(BaseModel):
    max_states: int = Field(description="Most option combinations a model may have")
    max_body_bytes: int
    max_models: int
    token_required: bool
    version: str
    report: bool = Field(description="Whether HTML reports are available")
