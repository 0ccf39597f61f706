"""evaluate_batch: the same results as evaluate() one by one, from lists, pandas and Arrow; rejected
records kept as error rows; a 100 000-record batch; the dask map_partitions path."""

import copy
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import yinhuan
from conftest import VECTOR_FILES, load

AS_OF = "2024-06-01"


def valid_records(examples):
    """The examples and every vector's facts that evaluate on AS_OF, each with a distinct id."""
    out = []
    for i, facts in enumerate(examples):
        out.append(dict(facts, id=f"example-{i}"))
    for path in VECTOR_FILES:
        v = load(path)
        if v.get("expect_error"):
            continue
        out.append(dict(v["facts"], id=v["name"]))
    return out


def expected_rows(lib, records, id_column="id"):
    """The long form built from one-by-one evaluate() calls."""
    rows = []
    for i, r in enumerate(records):
        rid = r.get(id_column) if id_column else i
        try:
            report = lib.evaluate(r, as_of=AS_OF, explain=False)
        except yinhuan.FactError as e:
            rows.append((rid, None, None, "error", (), (), e.code, e.path))
            continue
        for f in report.findings:
            rows.append(
                (rid, f["standard"], f["rule"], f["outcome"], tuple(f["citations"]),
                 tuple(f.get("missing", [])), None, None)
            )
    return rows


def rows_of(df):
    if isinstance(df, pa.Table):
        df = df.to_pandas()
    out = []
    for t in df.itertuples(index=False):
        std = None if pd.isna(t.standard) else t.standard
        rule = None if pd.isna(t.rule) else t.rule
        code = None if pd.isna(t.error_code) else t.error_code
        path = None if pd.isna(t.error_path) else t.error_path
        out.append((t.id, std, rule, t.outcome, tuple(t.citations), tuple(t.missing), code, path))
    return out


def rules_evaluated(lib, **kwargs):
    """How many rules a record gets rows for (every rule of the editions in force)."""
    return len(lib.evaluate({}, as_of=AS_OF, explain=False, **kwargs).findings)


def test_columns_and_types(lib, gongmao_examples):
    examples = gongmao_examples
    df = lib.evaluate_batch(examples, as_of=AS_OF)
    assert tuple(df.columns) == yinhuan.COLUMNS
    n_rules = rules_evaluated(lib)
    assert len(df) == len(examples) * n_rules
    assert set(df["outcome"].unique()) <= set(yinhuan.OUTCOMES)
    assert str(df["outcome"].dtype) == "category"
    t = lib.evaluate_batch(examples, as_of=AS_OF, output="arrow")
    assert t.schema.equals(yinhuan.arrow_schema(pa.string()))
    assert t.num_rows == len(df)
    # Consumers without dictionary support (Spark) cast to plain strings.
    plain = t.cast(yinhuan.arrow_schema(pa.string(), dictionary=False))
    assert plain.column("title").type == pa.string()
    assert plain.to_pylist() == t.to_pylist()


def test_batch_equals_one_by_one_from_list(lib, examples):
    records = valid_records(examples)
    records.append({"id": "wrong-type", "sectors": ["metallurgy"], "blast_furnaces": [{"in_production": "yes"}]})
    records.append({"id": "unknown-field", "sectorz": []})
    want = expected_rows(lib, records)
    assert rows_of(lib.evaluate_batch(records, as_of=AS_OF)) == want
    assert rows_of(lib.evaluate_batch(records, as_of=AS_OF, output="arrow")) == want
    # threads=1 takes the sequential path: same rows.
    assert rows_of(lib.evaluate_batch(records, as_of=AS_OF, threads=1)) == want


def test_batch_equals_one_by_one_from_pandas(lib, examples):
    records = valid_records(examples)
    records.append({"id": "bad-choice", "sectors": ["steel"]})
    df = pd.DataFrame(records)
    assert df.isna().any().any()  # records lack each other's columns: NaN means unknown
    # One by one on the rows as the DataFrame holds them (NaN where a record lacks a column).
    want = expected_rows(lib, df.to_dict("records"))
    assert rows_of(lib.evaluate_batch(df, as_of=AS_OF)) == want
    assert rows_of(lib.evaluate_batch(df, as_of=AS_OF, output="arrow")) == want


def test_batch_equals_one_by_one_from_arrow(lib, examples, gongmao_examples):
    def table_of(examples):
        records = [dict(r, id=f"r{i}") for i, r in enumerate(examples)]
        records.append({"id": "bad-choice", "sectors": ["steel"]})
        # (Table.from_pylist would take its columns from the first record only.)
        return pa.Table.from_pandas(pd.DataFrame(records), preserve_index=False)

    try:
        table = table_of(examples)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # examples mixing a column's types
        table = table_of(gongmao_examples)
    want = expected_rows(lib, table.to_pylist())
    assert rows_of(lib.evaluate_batch(table, as_of=AS_OF, output="arrow")) == want
    assert rows_of(lib.evaluate_batch(table, as_of=AS_OF)) == want
    batch = table.to_batches()[0]
    assert rows_of(lib.evaluate_batch(batch, as_of=AS_OF, output="arrow")) == want


def test_error_rows_are_never_dropped(lib, examples):
    records = [examples[0], {"id": "x", "sectors": 3}, "not an object", {"id": "y", "sectors": {1}}]
    df = lib.evaluate_batch(records, as_of=AS_OF)
    errors = df[df.outcome == "error"]
    assert [None if pd.isna(x) else x for x in errors["id"]] == ["x", None, "y"]
    assert list(errors["error_code"]) == ["E0301", "E0301", "E0300"]
    assert list(errors["error_path"]) == ["/sectors", "", "/sectors"]
    assert all(errors["error_message"].str.len() > 0)
    assert errors["rule"].isna().all()
    ok = df[df.outcome != "error"]
    assert ok["error_code"].isna().all()


def test_id_column_choices(lib, gongmao_examples):
    examples = gongmao_examples
    # A foreign id column is not a fact: it is left out of the facts, kept in the output.
    records = [dict(r, credit_code=f"C{i}") for i, r in enumerate(examples)]
    df = lib.evaluate_batch(records, id_column="credit_code", as_of=AS_OF)
    assert (df["outcome"] != "error").all()
    n = len(examples)
    assert list(df["id"].unique()) == [f"C{i}" for i in range(n)]
    pdf = pd.DataFrame(records, index=[10 * (i + 1) for i in range(n)])
    by_index = lib.evaluate_batch(pdf.drop(columns=["credit_code"]), id_column=None, as_of=AS_OF)
    assert list(by_index["id"].unique()) == [10 * (i + 1) for i in range(n)]
    by_pos = lib.evaluate_batch([dict(r) for r in examples], id_column=None, as_of=AS_OF)
    assert list(by_pos["id"].unique()) == list(range(n))
    with pytest.raises(KeyError):
        lib.evaluate_batch(pdf, id_column="nope", as_of=AS_OF)


def test_empty_and_generator_input(lib, examples):
    empty = lib.evaluate_batch([], as_of=AS_OF)
    assert len(empty) == 0 and tuple(empty.columns) == yinhuan.COLUMNS
    assert lib.evaluate_batch(pd.DataFrame({"id": []}), as_of=AS_OF).shape == (0, len(yinhuan.COLUMNS))
    gen = lib.evaluate_batch((r for r in examples), as_of=AS_OF)
    assert rows_of(gen) == rows_of(lib.evaluate_batch(examples, as_of=AS_OF))
    with pytest.raises(TypeError):
        lib.evaluate_batch(examples[0])
    with pytest.raises(ValueError):
        lib.evaluate_batch(examples, output="csv")


def test_pandas_missing_markers(lib):
    base = {
        "id": "f",
        "sectors": ["metallurgy"],
        "blast_furnaces": [{"name": "1#", "in_production": True, "top_pressure_setpoint": "260 kPa",
                            "design_max_top_working_pressure": "250 kPa", "bleeder_interlock": "working",
                            "bleeder_release_setpoint": "280 kPa", "equipment_design_pressure": "300 kPa"}],
    }
    df = pd.DataFrame([base, dict(base, id="g")])
    df["in_production"] = pd.array([True, pd.NA], dtype="boolean")
    out = lib.evaluate_batch(df, as_of=AS_OF, standards="gongmao-2023")
    one = lib.evaluate(dict(base, in_production=True), as_of=AS_OF, standards="gongmao-2023", explain=False)
    two = lib.evaluate(dict(base, id="g"), as_of=AS_OF, standards="gongmao-2023", explain=False)
    got = out.set_index(["id", "rule"])["outcome"]
    for rid, rep in (("f", one), ("g", two)):
        for f in rep.findings:
            assert got[(rid, f["rule"])] == f["outcome"]


def synthetic(examples, n):
    """n records from a few templates: distinct ids, regions and a varied quick-freezer crew."""
    out = []
    for i in range(n):
        r = copy.copy(examples[i % len(examples)])
        r["id"] = f"E{i:07d}"
        r["region_code"] = f"{110101 + (i % 50) * 100}"
        if "quick_freezers" in r:
            r["quick_freezers"] = [dict(r["quick_freezers"][0], persons_in_work_room=i % 12)]
        out.append(r)
    return out


def test_hundred_thousand_records(lib, gongmao_examples):
    n = 100_000
    records = synthetic(gongmao_examples, n)
    std = "gongmao-2023"  # the examples' standard: bounds the rows to 100 000 x its rules
    n_rules = rules_evaluated(lib, standards=std)
    t = time.perf_counter()
    df = lib.evaluate_batch(pd.DataFrame(records), as_of=AS_OF, standards=std)
    took = time.perf_counter() - t
    print(f"\n100k records from pandas: {took:.1f} s, {n / took:,.0f} records/s")
    assert len(df) == n * n_rules
    assert (df["outcome"] != "error").all()
    # Spot-check against one-by-one evaluation.
    for i in (0, 1, 2, 12_345, n - 1):
        rep = lib.evaluate(records[i], as_of=AS_OF, standards=std, explain=False)
        rows = df.iloc[i * n_rules : (i + 1) * n_rules]
        assert list(rows["outcome"]) == [f["outcome"] for f in rep.findings]
        assert set(rows["id"]) == {records[i]["id"]}
    table = pa.Table.from_pandas(pd.DataFrame(records[: n // 4]), preserve_index=False)
    t = time.perf_counter()
    arrow = lib.evaluate_batch(table, as_of=AS_OF, standards=std, output="arrow")
    took = time.perf_counter() - t
    print(f"25k records from Arrow: {took:.1f} s, {n // 4 / took:,.0f} records/s")
    assert arrow.num_rows == n // 4 * n_rules
    assert arrow.column("outcome").to_pylist() == list(df["outcome"].iloc[: n // 4 * n_rules])


def test_dask_map_partitions(lib, gongmao_examples):
    examples = gongmao_examples
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    pdf = pd.DataFrame(synthetic(examples, 600))
    # Dask would turn object columns (the nested entity lists) into their str() text.
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(pdf, npartitions=4)

    def evaluate(part):
        return lib.evaluate_batch(part, as_of=AS_OF)

    meta = evaluate(pdf.iloc[:0])
    got = ddf.map_partitions(evaluate, meta=meta).compute()
    want = evaluate(pdf)
    assert rows_of(got.reset_index(drop=True)) == rows_of(want)
    hazards = ddf.map_partitions(evaluate, meta=meta)
    counts = hazards[hazards.outcome == "hazard"].groupby("rule", observed=True).size().compute()
    assert counts.sum() == (want.outcome == "hazard").sum()


def test_dask_string_conversion_is_reported_not_hidden(lib, gongmao_examples):
    examples = gongmao_examples
    """With dask's default string conversion the entity lists arrive as text: every record is an
    error row naming the column, none is silently evaluated on wrong facts."""
    dd = pytest.importorskip("dask.dataframe")
    pdf = pd.DataFrame(synthetic(examples, 30))
    ddf = dd.from_pandas(pdf, npartitions=2)
    if str(ddf["confined_space_jobs"].dtype) == "object":
        pytest.skip("this dask keeps object columns")
    out = ddf.map_partitions(lambda p: lib.evaluate_batch(p, as_of=AS_OF)).compute()
    assert (out["outcome"] == "error").all() and len(out) == 30


def test_unknown_column_is_reported_even_when_empty(lib, gongmao_examples):
    df = pd.DataFrame(gongmao_examples)
    df["sectorz"] = float("nan")  # a misspelt column, all unknown: still every record's error
    out = lib.evaluate_batch(df, as_of=AS_OF)
    assert list(out["outcome"]) == ["error"] * len(df)
    assert set(out["error_code"]) == {"E0302"} and set(out["error_path"]) == {"/sectorz"}
