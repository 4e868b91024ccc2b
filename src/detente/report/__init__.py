"""The case report: every analysis answering the negotiator's questions, as HTML and text."""

from .brief import (
    DEFAULT_MAX_CHANGES,
    DEFAULT_REPORT_CONCEPTS,
    DEFAULT_REPORT_SAMPLES,
    SECTIONS,
    Report,
    build_report,
    choose_roles,
    decisive_statement,
)

__all__ = [
    "DEFAULT_MAX_CHANGES",
    "DEFAULT_REPORT_CONCEPTS",
    "DEFAULT_REPORT_SAMPLES",
    "SECTIONS",
    "Report",
    "build_report",
    "choose_roles",
    "decisive_statement",
]
