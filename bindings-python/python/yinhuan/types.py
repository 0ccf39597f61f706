"""Typed shapes of the dicts yinhuan returns (the report's JSON, for type checkers and editors).

Keys marked ``NotRequired`` in the comments are left out when empty, exactly as in the CLI's JSON.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # pragma: no cover - Python 3.9 and 3.10
    from typing import TypedDict

    try:
        from typing_extensions import NotRequired
    except ImportError:  # typing only: fall back to a plain alias at run time
        NotRequired = Optional  # type: ignore[assignment]

__all__ = [
    "Summary",
    "Instance",
    "Finding",
    "Notice",
    "Output",
    "Choice",
    "Question",
    "StandardInfo",
    "FactInfo",
    "RuleInfo",
    "Diagnostic",
    "ReportDict",
]


class Summary(TypedDict):
    """Counts of findings by outcome."""

    hazard: int
    clear: int
    undetermined: int
    not_applicable: int


class Instance(TypedDict):
    """An entity that made a rule fire: its JSON pointer and name."""

    path: str
    name: NotRequired[str]


class Finding(TypedDict):
    """One rule's result for one enterprise."""

    standard: str
    edition: str
    rule: str
    title: str
    citations: List[str]
    provenance: str
    outcome: str
    superseded: bool
    outcome_label: NotRequired[str]
    instances: NotRequired[List[Instance]]
    reasons: NotRequired[List[str]]
    missing: NotRequired[List[str]]
    explanation: NotRequired[Dict[str, Any]]


class Notice(TypedDict):
    """A notice about the choice of editions (``N001`` … ``N004``)."""

    code: str
    standard: str
    message: str


class Output(TypedDict):
    """A value a standard computes (exact decimal text, or ``None`` when facts are missing)."""

    name: str
    label: str
    standard: Optional[str]
    value: Optional[str]
    unit: NotRequired[str]


class Choice(TypedDict):
    """A choice of an enum fact: its id and Chinese label."""

    id: str
    label: str


class Question(TypedDict):
    """A missing fact that would decide at least one rule."""

    path: str
    field: str
    label: str
    type: str
    rules: List[str]
    help: NotRequired[str]
    unit: NotRequired[str]
    choices: NotRequired[List[Choice]]


class StandardInfo(TypedDict):
    """A standard edition and its status on a date."""

    id: str
    title: str
    issuer: str
    document: str
    valid_from: str
    outcome_label: str
    status: str
    rules: int
    gaps: int
    valid_to: NotRequired[str]
    superseded_by: NotRequired[str]
    supersedes: NotRequired[List[str]]
    supplements: NotRequired[List[str]]
    defers: NotRequired[str]


class FactInfo(TypedDict):
    """A fact a rule reads: ``entity.field``, its question and its type."""

    field: str
    label: str
    type: str


class RuleInfo(TypedDict):
    """A rule (or a declared gap) as ``Library.rules`` and ``explain_rule`` give it."""

    id: str
    standard: str
    title: str
    citations: List[str]
    provenance: Optional[str]
    gap: bool
    file: str
    facts: List[FactInfo]
    notes: NotRequired[List[str]]
    line: NotRequired[int]
    source: NotRequired[str]


class Diagnostic(TypedDict):
    """One problem in a rule source (``CompileError.diagnostics``); line and column are 1-based."""

    code: str
    message: str
    file: str
    line: int
    column: int
    rendered: str


class ReportDict(TypedDict):
    """The whole report (``Report.to_dict()``)."""

    schema_version: str
    as_of: str
    enterprise: Dict[str, str]
    summary: Summary
    standards: List[StandardInfo]
    notices: List[Notice]
    findings: List[Finding]
    outputs: List[Output]
    questions: List[Question]
