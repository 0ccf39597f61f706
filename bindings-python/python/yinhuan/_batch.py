"""Glue between tabular data (lists of dicts, pandas, Arrow) and the core's batch evaluation.

The extension returns the long form as flat buffers (record index, rule index and outcome per row,
citations and missing facts as Arrow-style offsets); this module only wraps them as a pandas
DataFrame or a pyarrow Table. Every decision about outcomes is the core's.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["COLUMNS", "OUTCOMES", "evaluate_batch", "arrow_schema"]

#: Outcome of each row; ``error`` marks a record whose facts were rejected.
OUTCOMES = ("hazard", "clear", "undetermined", "not_applicable", "error")

#: Columns of the long form, in order.
COLUMNS = (
    "id",
    "standard",
    "rule",
    "title",
    "outcome",
    "citations",
    "missing",
    "error_code",
    "error_path",
    "error_message",
)


def arrow_schema(id_type: Any = None, dictionary: bool = True):
    """The pyarrow schema of ``output="arrow"``, ``id`` typed ``id_type`` (string by default).

    With ``dictionary=True`` (what ``evaluate_batch`` returns) ``standard``, ``rule``, ``title``
    and ``outcome`` are dictionary-encoded strings, which convert to pandas categoricals; with
    ``dictionary=False`` every column is a plain string or ``list<string>``, the schema to
    ``table.cast`` to for consumers without dictionary support (Spark's ``mapInArrow``, whose
    DDL form is ``id string, standard string, rule string, title string, outcome string,
    citations array<string>, missing array<string>, error_code string, error_path string,
    error_message string``).
    """
    import pyarrow as pa

    s = pa.string()
    d = pa.dictionary(pa.int32(), s) if dictionary else s
    o = pa.dictionary(pa.int8(), s) if dictionary else s
    return pa.schema(
        [
            ("id", id_type if id_type is not None else s),
            ("standard", d),
            ("rule", d),
            ("title", d),
            ("outcome", o),
            ("citations", pa.list_(s)),
            ("missing", pa.list_(s)),
            ("error_code", s),
            ("error_path", s),
            ("error_message", s),
        ]
    )


def _module_of(obj: Any) -> str:
    return type(obj).__module__.split(".", 1)[0]


def _is_pandas(data: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(data, pd.DataFrame)


def _is_arrow(data: Any) -> bool:
    pa = sys.modules.get("pyarrow")
    return pa is not None and isinstance(data, (pa.Table, pa.RecordBatch))


def _columns_input(
    data: Any, id_column: Optional[str]
) -> Tuple[List[str], List[list], Any, str]:
    """Column names, one list of Python values per column, the ids, and the input kind."""
    if _is_pandas(data):
        names = [str(c) for c in data.columns]
        if len(set(names)) != len(names):
            raise ValueError("the DataFrame has duplicate column names")
        cols = [data.iloc[:, j].tolist() for j in range(len(names))]
        if id_column is None:
            ids = data.index
        elif id_column in names:
            ids = data.iloc[:, names.index(id_column)]
        else:
            raise KeyError(
                f"id column {id_column!r} is not in the DataFrame; pass id_column=None "
                "to use the index"
            )
        return names, cols, ids, "pandas"
    import pyarrow as pa

    if not _is_arrow(data):
        # Anything speaking the Arrow PyCapsule protocol (polars, duckdb results, …).
        data = pa.table(data)
    names = list(data.schema.names)
    if len(set(names)) != len(names):
        raise ValueError("the Arrow data has duplicate column names")
    cols = [data.column(j).to_pylist() for j in range(len(names))]
    if id_column is None:
        ids = None
    elif id_column in names:
        ids = data.column(names.index(id_column))
    else:
        raise KeyError(
            f"id column {id_column!r} is not in the Arrow data; pass id_column=None "
            "to use row positions"
        )
    return names, cols, ids, "arrow"


def evaluate_batch(
    lib: Any,
    enterprise_fields: Sequence[str],
    data: Any,
    id_column: Optional[str],
    as_of: Optional[str],
    standards: Optional[List[str]],
    allow_superseded: bool,
    output: str,
    threads: int,
):
    if output not in ("pandas", "arrow"):
        raise ValueError(f"output must be 'pandas' or 'arrow', not {output!r}")
    # The id column is kept among the facts when it is one (`id`); any other is left out.
    drop = [] if id_column is None or id_column in enterprise_fields else [id_column]
    if _is_pandas(data) or _is_arrow(data) or hasattr(data, "__arrow_c_stream__"):
        names, cols, ids, kind = _columns_input(data, id_column)
        # Null cells of fact columns are left out (unknown either way); a column that is no fact
        # keeps them, so that every record reports it.
        sparse = [n for n in names if n in enterprise_fields]
        raw = lib.batch_columns(
            names, cols, drop, sparse, as_of, standards, allow_superseded, threads
        )
    else:
        if isinstance(data, dict):
            raise TypeError(
                "evaluate_batch takes many records (a list of dicts, a DataFrame or an "
                "Arrow table); use evaluate() for one"
            )
        records = data if isinstance(data, list) else list(data)
        if id_column is None:
            ids = None
        else:
            ids = [r.get(id_column) if isinstance(r, dict) else None for r in records]
        kind = "records"
        raw = lib.batch_records(
            records, drop, as_of, standards, allow_superseded, threads
        )
    if output == "arrow":
        return _to_arrow(raw, ids, kind)
    return _to_pandas(raw, ids, kind)


def _buffers(raw: Dict[str, Any]):
    rec = np.frombuffer(raw["record"], dtype="<u4").astype(np.intp)
    rule = np.frombuffer(raw["rule"], dtype="<i4")
    outcome = np.frombuffer(raw["outcome"], dtype=np.uint8)
    return rec, rule, outcome


def _error_index(raw: Dict[str, Any], n: int) -> Tuple[np.ndarray, list]:
    """For each row, its index into the error list (``len(errors)`` for rows without one)."""
    errors = raw["errors"]
    idx = np.full(n, len(errors), dtype=np.intp)
    if errors:
        idx[np.fromiter((e[0] for e in errors), dtype=np.intp, count=len(errors))] = (
            np.arange(len(errors))
        )
    return idx, errors


def _codes(values: List[str], rule: np.ndarray) -> Tuple[np.ndarray, List[str]]:
    """Per-row codes into the distinct ``values`` (one value per rule; -1 for error rows)."""
    cats = list(dict.fromkeys(values))
    where = {c: i for i, c in enumerate(cats)}
    by_rule = np.array([where[v] for v in values] + [-1], dtype=np.int32)
    return by_rule[rule], cats


def _object_array(values: Sequence[Any]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return arr


def _to_pandas(raw: Dict[str, Any], ids: Any, kind: str):
    import pandas as pd

    rec, rule, outcome = _buffers(raw)
    n = len(rec)
    rules = raw["rules"]
    nr = len(rules)

    # Rule-level columns are categoricals (one code per row; -1 is a rejected record).
    def categorical(values: List[str]) -> "pd.Categorical":
        codes, cats = _codes(values, rule)
        return pd.Categorical.from_codes(codes, categories=cats)

    cols: Dict[str, Any] = {}
    if kind == "pandas":  # the id column (a Series) or the index: its dtype is kept
        cols["id"] = pd.Series(ids, copy=False).iloc[rec].reset_index(drop=True)
    elif ids is None:
        cols["id"] = rec.astype(np.int64)
    elif kind == "arrow":
        cols["id"] = ids.take(rec).to_pandas()
    else:
        cols["id"] = pd.Series(ids).iloc[rec].reset_index(drop=True)
    cols["standard"] = categorical([r["standard"] for r in rules])
    cols["rule"] = categorical([r["rule"] for r in rules])
    cols["title"] = categorical([r["title"] for r in rules])
    cols["outcome"] = pd.Categorical.from_codes(outcome.astype(np.int8), categories=OUTCOMES)

    # Citations: rows share their rule's tuple unless the facts added one (e.g. 第十四条).
    base = [tuple(r["citations"]) for r in rules] + [()]
    citations = _object_array(base)[rule]
    off = np.frombuffer(raw["cit_offsets"], dtype="<i4")
    vals = np.frombuffer(raw["cit_values"], dtype="<u4")
    base_len = np.array([len(b) for b in base], dtype=np.int32)[rule]
    names = raw["cit_dict"]
    for r in np.nonzero(np.diff(off) != base_len)[0]:
        citations[r] = tuple(names[v] for v in vals[off[r] : off[r + 1]])
    cols["citations"] = citations

    missing = np.empty(n, dtype=object)
    missing.fill(())
    moff = np.frombuffer(raw["miss_offsets"], dtype="<i4")
    mvals = raw["miss_values"]
    for r in np.nonzero(np.diff(moff))[0]:
        missing[r] = tuple(mvals[moff[r] : moff[r + 1]])
    cols["missing"] = missing

    idx, errors = _error_index(raw, n)
    for name, k in (("error_code", 1), ("error_path", 2), ("error_message", 5)):
        cols[name] = _object_array([e[k] for e in errors] + [None])[idx]
    return pd.DataFrame(cols, columns=list(COLUMNS))


def _to_arrow(raw: Dict[str, Any], ids: Any, kind: str):
    import pyarrow as pa

    rec, rule, outcome = _buffers(raw)
    n = len(rec)
    rules = raw["rules"]
    s = pa.string()

    def by_rule(key: str) -> "pa.Array":
        codes, cats = _codes([r[key] for r in rules], rule)
        return pa.DictionaryArray.from_arrays(
            pa.array(codes, type=pa.int32(), mask=codes < 0), pa.array(cats, type=s)
        )

    rec_idx = pa.array(rec, type=pa.int64())
    if ids is None:
        id_col = rec_idx
    elif kind == "arrow":
        id_col = ids.take(rec_idx)
        if isinstance(id_col, pa.ChunkedArray):
            id_col = id_col.combine_chunks()
    else:
        values = list(ids)
        try:
            base = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            base = pa.array([None if v is None else str(v) for v in values], type=s)
        id_col = base.take(rec_idx)
    citations = pa.ListArray.from_arrays(
        pa.array(np.frombuffer(raw["cit_offsets"], dtype="<i4"), type=pa.int32()),
        pa.array(raw["cit_dict"], type=s).take(
            pa.array(np.frombuffer(raw["cit_values"], dtype="<u4"), type=pa.uint32())
        ),
    )
    missing = pa.ListArray.from_arrays(
        pa.array(np.frombuffer(raw["miss_offsets"], dtype="<i4"), type=pa.int32()),
        pa.array(raw["miss_values"], type=s),
    )
    idx, errors = _error_index(raw, n)
    err_idx = pa.array(idx, type=pa.int64())

    def err(k: int) -> "pa.Array":
        return pa.array([e[k] for e in errors] + [None], type=s).take(err_idx)

    arrays = [
        id_col,
        by_rule("standard"),
        by_rule("rule"),
        by_rule("title"),
        pa.DictionaryArray.from_arrays(
            pa.array(outcome.astype(np.int8), type=pa.int8()), pa.array(OUTCOMES, type=s)
        ),
        citations,
        missing,
        err(1),
        err(2),
        err(5),
    ]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(id_col.type))
