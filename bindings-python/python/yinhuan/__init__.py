"""yinhuan: China's major-accident-hazard determination standards as executable, cited rules.

    import yinhuan
    lib = yinhuan.Library.embedded()
    report = lib.evaluate({"sectors": ["metallurgy"], "blast_furnaces": [...]}, as_of="2024-06-01")
    report.hazards        # findings with outcome "hazard", each with rule, title, citations, reasons
    table = lib.evaluate_batch(register_dataframe)   # one row per (enterprise, rule)

:class:`Library` is the entry point. Facts are a dict whose root is the enterprise (the same JSON
the CLI reads); :meth:`Library.evaluate` returns a :class:`Report`, :meth:`Library.evaluate_batch`
evaluates many enterprises (a list of dicts, a pandas DataFrame, a pyarrow Table) in parallel and
returns one row per (enterprise, rule). Errors derive from :class:`YinhuanError`.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _yinhuan
from ._batch import COLUMNS, OUTCOMES, arrow_schema
from ._batch import evaluate_batch as _evaluate_batch
from ._report import Report
from .types import Question, RuleInfo, StandardInfo
from .errors import (
    CompileError,
    EvalError,
    FactError,
    InternalError,
    RequestError,
    YinhuanError,
)

__all__ = [
    "Library",
    "Report",
    "YinhuanError",
    "CompileError",
    "FactError",
    "RequestError",
    "EvalError",
    "InternalError",
    "COLUMNS",
    "OUTCOMES",
    "arrow_schema",
    "ledger",
    "__version__",
]

#: Version of the package (the Rust workspace's version).
__version__: str = _yinhuan.__version__

DateLike = Union[_dt.date, str, None]
Standards = Union[str, Iterable[str], None]


def _date_text(as_of: DateLike) -> Optional[str]:
    if as_of is None:
        return None
    if isinstance(as_of, _dt.datetime):
        return as_of.date().isoformat()
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    if isinstance(as_of, str):
        return as_of
    raise TypeError(f"as_of must be a datetime.date or 'YYYY-MM-DD', not {type(as_of).__name__}")


def _standards(standards: Standards) -> Optional[List[str]]:
    if standards is None:
        return None
    if isinstance(standards, str):
        return [standards]
    return [str(s) for s in standards]


class Library:
    """A compiled set of standards: the entry point of every evaluation.

    Build one with :meth:`embedded` (the standards shipped with the package),
    :meth:`from_paths` (``.yh`` files or folders) or :meth:`from_source` (rule text). A library is
    immutable, safe to share between threads, and picklable (it is rebuilt from its sources on the
    other side), so it can be captured by dask or Spark functions.
    """

    __slots__ = ("_lib", "_origin", "_fields")

    def __init__(self, _lib: Any, _origin: Tuple[Any, ...]) -> None:
        """Internal: use :meth:`embedded`, :meth:`from_paths` or :meth:`from_source`."""
        self._lib = _lib
        self._origin = _origin
        self._fields: Optional[frozenset] = None

    @classmethod
    def embedded(cls) -> "Library":
        """The standards compiled into the package (the repository's ``standards/`` folder)."""
        return cls(_yinhuan.Library.embedded(), ("embedded",))

    @classmethod
    def from_paths(cls, paths: Union[str, "os.PathLike[str]", Sequence[Any]]) -> "Library":
        """Compiles ``.yh`` files; folders are searched recursively, files read in name order.

        Raises :class:`CompileError` with every diagnostic found.
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        items = [os.fspath(p) for p in paths]
        return cls(_yinhuan.Library.from_paths(items), ("paths", items))

    @classmethod
    def from_source(cls, text: str, name: str = "<source>") -> "Library":
        """Compiles one rule source text (``name`` is the file name diagnostics show).

        Raises :class:`CompileError`; its ``diagnostics`` carry line and column.
        """
        return cls.from_sources({name: text})

    @classmethod
    def from_sources(
        cls, sources: Union[Mapping[str, str], Iterable[Tuple[str, str]]]
    ) -> "Library":
        """Compiles several rule sources given as ``{name: text}`` or ``(name, text)`` pairs."""
        items = list(sources.items()) if isinstance(sources, Mapping) else list(sources)
        items = [(str(n), str(t)) for n, t in items]
        return cls(_yinhuan.Library.from_sources(items), ("sources", items))

    @staticmethod
    def embedded_sources() -> List[Tuple[str, str]]:
        """The ``(name, text)`` rule sources :meth:`embedded` compiles (e.g. to extend them)."""
        return _yinhuan.Library.embedded_sources()

    def __reduce__(self):
        return (_restore, (self._origin,))

    def __repr__(self) -> str:
        return repr(self._lib).replace("yinhuan._yinhuan.Library", "yinhuan.Library")

    def evaluate(
        self,
        facts: Union[Mapping[str, Any], str],
        as_of: DateLike = None,
        standards: Standards = None,
        allow_superseded: bool = False,
        explain: bool = True,
    ) -> Report:
        """Evaluates one enterprise's facts.

        ``facts`` is a dict (root = the enterprise) or its JSON text; ``None`` or NaN means unknown.
        ``as_of`` (a ``datetime.date`` or ``"YYYY-MM-DD"``, default today, UTC) picks the editions in
        force; ``standards`` restricts to some standard ids; ``allow_superseded`` evaluates superseded
        editions where the one in force is not encoded; ``explain`` adds each finding's explanation
        tree. Raises :class:`FactError` for invalid facts and :class:`RequestError` for an unknown
        standard or a bad date.
        """
        return Report(
            self._lib.evaluate(
                facts, _date_text(as_of), _standards(standards), allow_superseded, explain
            )
        )

    def evaluate_batch(
        self,
        data: Any,
        id_column: Optional[str] = "id",
        as_of: DateLike = None,
        standards: Standards = None,
        output: str = "pandas",
        allow_superseded: bool = False,
        threads: int = 0,
    ):
        """Evaluates many enterprises in parallel (all cores, the GIL released); long-form results.

        ``data`` is a list of dicts, a pandas DataFrame or a pyarrow Table/RecordBatch (one row per
        enterprise; entity lists are nested list columns; NaN, None and NA mean unknown).
        ``id_column`` names the column that identifies a record in the output (``None``: the
        DataFrame index, or the row position); it is left out of the facts unless it is a fact
        (``id`` is).

        Returns one row per (record, rule) with the columns of :data:`COLUMNS`: ``id``,
        ``standard``, ``rule``, ``title``, ``outcome`` (``hazard``, ``clear``, ``undetermined``,
        ``not_applicable``), ``citations`` and ``missing`` (sequences of strings), and
        ``error_code``, ``error_path``, ``error_message``: a record whose facts are invalid gets one
        row with outcome ``error`` and those filled in — it is never dropped.

        ``output="pandas"`` gives a DataFrame (rule-level columns and ``outcome`` categorical,
        ``citations``/``missing`` tuples); ``output="arrow"`` a pyarrow Table with
        :func:`arrow_schema` (rule-level columns and ``outcome`` dictionary-encoded).
        ``threads=0`` uses every core.
        """
        return _evaluate_batch(
            self._lib,
            self._enterprise_fields(),
            data,
            id_column,
            _date_text(as_of),
            _standards(standards),
            allow_superseded,
            output,
            threads,
        )

    def _enterprise_fields(self) -> frozenset:
        if self._fields is None:
            self._fields = frozenset(self._lib.schema(None).get("properties", {}))
        return self._fields

    def questions(
        self,
        facts: Union[Mapping[str, Any], str],
        as_of: DateLike = None,
        standards: Standards = None,
        allow_superseded: bool = False,
    ) -> List[Question]:
        """The facts still needed to decide every undetermined rule, in rule order, as questions
        (``path``, ``field``, ``label``, ``type``, ``unit``, ``choices``, ``rules``)."""
        return self._lib.questions(
            facts, _date_text(as_of), _standards(standards), allow_superseded
        )

    def standards(self, as_of: DateLike = None) -> List[StandardInfo]:
        """Every standard edition in the library with its status on ``as_of`` (default today)."""
        return self._lib.standards(_date_text(as_of))

    def rules(self, standard: str) -> List[RuleInfo]:
        """The rules (and declared gaps) of one standard: id, title, citations, provenance, the
        facts each reads. Raises :class:`RequestError` (``E0501``) for an unknown standard."""
        return self._lib.rules(standard)

    def explain_rule(self, rule: str) -> RuleInfo:
        """One rule's citations, provenance, notes, source text and the facts it reads.
        Raises :class:`RequestError` (``E0502``) for an unknown rule."""
        return self._lib.explain_rule(rule)

    def ledger(self, data: Any, as_of: Union[DateLike, Sequence[DateLike]] = None):
        """The hazard ledger's measures; see :func:`yinhuan.ledger` (the ledger does not depend on
        the library's standards)."""
        return ledger(data, as_of)

    def schema(self, standard: Optional[str] = None) -> Dict[str, Any]:
        """A JSON Schema (draft 2020-12) of the facts one standard reads, or of all facts, with the
        Chinese questions as titles."""
        return self._lib.schema(standard)


def ledger(data: Any, as_of: Union[DateLike, Sequence[DateLike]] = None):
    """The 动态清零 measures of a hazard ledger, as a pandas DataFrame.

    ``data`` is a DataFrame, a pyarrow Table or a list of dicts with one row per major hazard:
    ``id, enterprise, region_code, sector, standard, rule, channel, found, deadline, rectified,
    signed_off`` (dates as ``datetime.date``, ``Timestamp`` or ``"YYYY-MM-DD"``; missing ones as
    ``None``/``NaN``). ``as_of`` is one date (default today) or a sequence of dates: the records are
    converted once and measured as of each, which is how a quarter-by-quarter chart is made.

    Returns one row per (``as_of``, ``level``, ``region_code``, ``sector``) — ``level`` is
    ``national``, ``province``, ``city`` or ``county``, rolled up by the six-digit code, and
    ``sector`` ``"*"`` is every sector — with ``total, open, overdue, pre_2024_open, found_in_year,
    rectified, signed_off, signed_off_share, median_days_to_rectify``. Records that cannot be used as
    they stand (a deadline before the found date, a sign-off without rectification, an unknown
    region code, an unreadable date) are listed in ``df.attrs["problems"]`` — never dropped
    silently. The definitions are the core's (README, "The hazard ledger").
    """
    import pandas as pd

    if _module_of_type(data).startswith("pandas"):
        records = data.to_dict("records")
    elif _module_of_type(data).startswith("pyarrow"):
        records = data.to_pylist()
    else:
        records = list(data)
    many = isinstance(as_of, (list, tuple)) or (hasattr(as_of, "__iter__") and not isinstance(as_of, (str, _dt.date)))
    dates = list(as_of) if many else [as_of]
    texts = [_date_text(d) or _dt.date.today().isoformat() for d in dates]
    reports = _yinhuan.ledger(records, texts)
    rows, problems = [], []
    for report in reports:
        for row in report["rows"]:
            rows.append({"as_of": report["as_of"], **row})
        for p in report["problems"]:
            problems.append({"as_of": report["as_of"], **p})
    df = pd.DataFrame(rows)
    for col in ("signed_off_share", "median_days_to_rectify"):
        if col in df:
            df[col] = pd.to_numeric(df[col])
    df.attrs["problems"] = pd.DataFrame(problems)
    return df


def _module_of_type(obj: Any) -> str:
    return type(obj).__module__ or ""


def _restore(origin: Tuple[Any, ...]) -> Library:
    kind = origin[0]
    if kind == "embedded":
        return Library.embedded()
    if kind == "paths":
        return Library.from_paths(origin[1])
    return Library.from_sources(origin[1])
