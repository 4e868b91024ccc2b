"""The published JSON Schema of the ``detente/1`` format stays current and describes the cases.

If ``test_published_schema_is_current`` fails, the model changed: regenerate the file with
``detente schema > docs/detente-1.schema.json`` and commit it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from detente.cases import case_text, list_cases
from detente.model.schema import model_schema

jsonschema = pytest.importorskip("jsonschema")

PUBLISHED = Path(__file__).parents[1] / "docs" / "detente-1.schema.json"


def validator():
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_published_schema_is_current() -> None:
    published = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert published == model_schema(), (
        "docs/detente-1.schema.json is stale: run 'detente schema > docs/detente-1.schema.json'"
    )
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert published["title"] == "detente/1 conflict model"


def as_json_data(text: str):
    """A YAML model as JSON would carry it (mapping keys become strings)."""
    return json.loads(json.dumps(yaml.safe_load(text)))


@pytest.mark.parametrize("name", list_cases())
def test_bundled_cases_validate(name: str) -> None:
    validator().validate(as_json_data(case_text(name)))


def test_gmcr_fixtures_convert_to_valid_documents() -> None:
    from detente import load_model
    from detente.io.files import model_to_data

    for path in sorted((Path(__file__).parent / "data").glob("*.gmcr")):
        validator().validate(json.loads(json.dumps(model_to_data(load_model(path)))))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("options"),
        lambda d: d.update(colour="red"),
        lambda d: d.update(format="detente/2"),
        lambda d: d["options"][0].update(direction="sideways"),
        lambda d: d["decision_makers"][0].update(options="A_defects"),
        lambda d: d["decision_makers"][0]["preferences"].update(ranking=[]),
        lambda d: d["options"].clear(),
    ],
)
def test_schema_rejects_what_the_model_rejects(change) -> None:
    from detente.errors import ModelError
    from detente.io.files import model_from_data

    data = as_json_data(case_text("prisoners-dilemma"))
    change(data)
    assert not validator().is_valid(data)
    with pytest.raises(ModelError):
        model_from_data(data)
