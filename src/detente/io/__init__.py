"""Reading and writing models: the ``detente/1`` YAML/JSON format and gmcr-py imports."""

from .files import dump_model, load_model, parse_model

__all__ = ["dump_model", "load_model", "parse_model"]
