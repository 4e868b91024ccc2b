"""The detente workbench: build, analyse and compare conflicts in the browser.

``detente serve`` starts it; :func:`create_app` builds the FastAPI application (a JSON REST
API over detente's Python API, and the pages that use it).
"""

from .app import WebSettings, create_app
from .service import WebLimits

__all__ = ["WebLimits", "WebSettings", "create_app"]
