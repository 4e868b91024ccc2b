"""How the analyses' results reach their renderers without importing a floor above.

Results are data.  Turning them into pandas frames, notebook HTML, pictures and graph files
is the job of :mod:`detente.render`, which sits a floor above the analyses
(docs/architecture.md): an analysis never imports it, not even inside a function.  The
results still offer the familiar conveniences (``result.to_frame()``, ``_repr_html_`` for
Jupyter, ``graph.draw()``, ``graph.write(path)``, ``sweep.plot()``) as one-line
delegations to :func:`present`, which calls the renderer registered for that class and
method.

:mod:`detente.render` names its renderers in :data:`detente.render.RENDERERS` (addresses
``"module:function"``, so that registering them imports neither pandas nor matplotlib
nor every analysis), and the package's ``__init__`` registers them when detente is first
imported, which happens before any of its modules runs.  The dependency is thus injected
from above: render knows the analyses, the analyses know only this table.

>>> import detente
>>> result = detente.analyze(detente.load_case("chicken"), "Nash")
>>> renderer(result, "to_frame").__name__
'stability_frame'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

from ..errors import DetenteError

__all__ = ["present", "register", "renderer"]

#: ``"module.Class.method"`` -> ``"module:function"`` of the function that renders it.
_RENDERERS: dict[str, str] = {}


def register(renderers: Mapping[str, str]) -> None:
    """Register renderers: ``{"detente.analyses.x.Result.method": "module:function"}``."""
    _RENDERERS.update(renderers)


def renderer(obj: object, method: str) -> Callable[..., Any]:
    """The function registered to render ``obj``'s ``method`` (looked up along its class's
    bases, so a subclass is rendered as its base unless it has its own renderer)."""
    for cls in type(obj).__mro__:
        address = _RENDERERS.get(f"{cls.__module__}.{cls.__qualname__}.{method}")
        if address is not None:
            module, _, name = address.partition(":")
            return getattr(import_module(module), name)
    raise DetenteError(f"no renderer is registered for {type(obj).__name__}.{method}")


def present(obj: object, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call the renderer of ``obj``'s ``method`` with ``obj`` and the method's arguments."""
    return renderer(obj, method)(obj, *args, **kwargs)
