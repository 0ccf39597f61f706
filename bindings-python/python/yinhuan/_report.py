"""The :class:`Report` wrapper around the core's report (a JSON-shaped dict)."""

from __future__ import annotations

import html
import json
from typing import Any, Dict, List, Optional

from .types import Finding, Notice, Output, Question, ReportDict, StandardInfo, Summary

__all__ = ["Report"]

_OUTCOME_STYLE = {
    "hazard": "color:#b00020;font-weight:bold",
    "undetermined": "color:#b26a00",
    "clear": "color:#1b5e20",
    "not_applicable": "color:#777",
}


_PARTS = (
    "schema_version",
    "as_of",
    "enterprise",
    "summary",
    "standards",
    "notices",
    "findings",
    "outputs",
    "questions",
)


class Report:
    """The result of evaluating one enterprise: the same JSON shape as the CLI's ``--format json``.

    Attributes give the parts as plain dicts and lists: :attr:`findings` (one per rule evaluated),
    :attr:`hazards` and :attr:`undetermined` (subsets of the findings), :attr:`outputs`,
    :attr:`questions`, :attr:`notices`, :attr:`standards`, :attr:`summary`. :meth:`to_dict` and
    :meth:`to_json` give the whole report.

    The report stays in Rust until a part is read; each part is converted once, on first access
    (``to_json`` never goes through Python objects). Reports pickle (as their dict).
    """

    __slots__ = ("_raw", "_parts")

    def __init__(self, data: Any) -> None:
        """Wraps the extension's report, or a report dict (e.g. one read back from JSON)."""
        if isinstance(data, dict):
            self._raw = None
            self._parts: Dict[str, Any] = dict(data)
        else:
            self._raw = data
            self._parts = {}

    def _part(self, name: str) -> Any:
        try:
            return self._parts[name]
        except KeyError:
            if self._raw is None:
                raise
            value = self._parts[name] = self._raw.part(name)
            return value

    def _with(self, outcome: str) -> List[Finding]:
        if self._raw is None or "findings" in self._parts:
            return [f for f in self._part("findings") if f["outcome"] == outcome]
        return self._raw.findings_with(outcome)

    @property
    def schema_version(self) -> str:
        """Version of the report's JSON shape (additive changes only within a major version)."""
        return self._part("schema_version")

    @property
    def as_of(self) -> str:
        """The date the facts were evaluated for, ``YYYY-MM-DD``."""
        return self._part("as_of")

    @property
    def enterprise(self) -> Dict[str, str]:
        """The enterprise's ``id``, ``name`` and ``region_code`` facts, where given."""
        return self._part("enterprise")

    @property
    def summary(self) -> Summary:
        """Counts of findings by outcome: ``hazard``, ``clear``, ``undetermined``, ``not_applicable``."""
        return self._part("summary")

    @property
    def standards(self) -> List[StandardInfo]:
        """The standard editions evaluated, with their status on :attr:`as_of`."""
        return self._part("standards")

    @property
    def notices(self) -> List[Notice]:
        """Notices about the choice of editions (``N001`` … ``N004``), each with code and message."""
        return self._part("notices")

    @property
    def findings(self) -> List[Finding]:
        """One finding per rule evaluated: rule, title, citations, outcome, reasons, missing facts …"""
        return self._part("findings")

    @property
    def hazards(self) -> List[Finding]:
        """The findings whose outcome is ``hazard``."""
        return self._with("hazard")

    @property
    def undetermined(self) -> List[Finding]:
        """The findings whose outcome is ``undetermined`` (each lists the ``missing`` facts)."""
        return self._with("undetermined")

    @property
    def outputs(self) -> List[Output]:
        """Values the standards compute (as exact decimal text, ``None`` where facts are missing)."""
        return self._part("outputs")

    @property
    def questions(self) -> List[Question]:
        """The missing facts that would decide an undetermined rule, as questions for a form."""
        return self._part("questions")

    def finding(self, rule: str) -> Optional[Finding]:
        """The finding of one rule id, or ``None`` if that rule was not evaluated."""
        for f in self.findings:
            if f["rule"] == rule:
                return f
        return None

    def to_dict(self) -> ReportDict:
        """The whole report as plain dicts and lists (sharing the parts already read)."""
        return {name: self._part(name) for name in _PARTS}  # type: ignore[return-value]

    def to_json(self, indent: Optional[int] = None) -> str:
        """The report as JSON text, byte for byte what the core (and the CLI) writes: compact, or
        pretty with ``indent`` spaces; Chinese text kept as is."""
        if self._raw is not None:
            return self._raw.to_json(indent)
        if indent is None:
            return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and other.to_dict() == self.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (Report, (self.to_dict(),))

    def __repr__(self) -> str:
        s = self.summary
        who = self.enterprise.get("name") or self.enterprise.get("id") or "enterprise"
        lines = [
            f"<yinhuan.Report {who} as of {self.as_of}: {s['hazard']} hazard, "
            f"{s['undetermined']} undetermined, {s['clear']} clear, "
            f"{s['not_applicable']} not applicable>"
        ]
        for f in self.findings:
            if f["outcome"] in ("hazard", "undetermined"):
                cites = "、".join(f["citations"])
                lines.append(f"  {f['outcome']:<12} {f['rule']:<14} {f['title']} [{cites}]")
        for n in self.notices:
            lines.append(f"  notice {n['code']}: {n['message']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        s = self.summary
        esc = html.escape
        who = self.enterprise.get("name") or self.enterprise.get("id") or ""
        head = (
            f"<p><b>{esc(who)}</b> as of {esc(self.as_of)}: "
            f"{s['hazard']} hazard, {s['undetermined']} undetermined, {s['clear']} clear, "
            f"{s['not_applicable']} not applicable</p>"
        )
        rows = []
        order = {"hazard": 0, "undetermined": 1, "clear": 2, "not_applicable": 3}
        for f in sorted(self.findings, key=lambda f: order.get(f["outcome"], 4)):
            style = _OUTCOME_STYLE.get(f["outcome"], "")
            rows.append(
                "<tr>"
                f"<td>{esc(f['rule'])}</td>"
                f"<td style=\"{style}\">{esc(f['outcome'])}</td>"
                f"<td>{esc(f['title'])}</td>"
                f"<td>{esc('、'.join(f['citations']))}</td>"
                "</tr>"
            )
        notices = "".join(
            f"<li>{esc(n['code'])}: {esc(n['message'])}</li>" for n in self.notices
        )
        return (
            head
            + (f"<ul>{notices}</ul>" if notices else "")
            + "<table><thead><tr><th>rule</th><th>outcome</th><th>title</th>"
            + "<th>citations</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
