"""The API's routes, one module per tag; :func:`detente.web.app.create_app` includes them in
this order (which is the order of the OpenAPI description)."""

from . import analyses, cases, jobs, models, service

ROUTERS = (service.router, cases.router, models.router, analyses.router, jobs.router)

__all__ = ["ROUTERS"]
