"""The one-enterprise API: evaluate, Report, listing, schema, questions and the error types."""

import datetime
import json
import math
import pickle

import numpy as np
import pytest

import yinhuan

DEMO = """enum sector "行业" {
  metallurgy "冶金"
}
entity enterprise "企业" {
  id      : text "编号？"
  sectors : list of sector "企业属于哪些行业？"
  workers : integer "有多少名作业人员？"
}
standard demo-2024 {
  title      "示例标准"
  issuer     "示例"
  document   "示例令第1号"
  published  2024-01-01
  valid_from 2024-01-01
  outcome    "重大事故隐患"
}
rule DEMO-1 "冶金企业作业人员超过9人" {
  cites      "第一条"
  provenance confirmed
  applies when metallurgy in sectors
  hazard when workers > 9
}
"""

FURNACE = {
    "sectors": ["metallurgy"],
    "blast_furnaces": [
        {
            "name": "1#高炉",
            "in_production": True,
            "top_pressure_setpoint": "260 kPa",
            "design_max_top_working_pressure": "250 kPa",
            "bleeder_interlock": "working",
            "bleeder_release_setpoint": "280 kPa",
            "equipment_design_pressure": "300 kPa",
        }
    ],
}


def test_evaluate_report(lib):
    r = lib.evaluate(FURNACE, as_of="2024-06-01", standards="gongmao-2023")
    assert isinstance(r, yinhuan.Report)
    f = r.finding("GM2023-4-5")
    assert f["outcome"] == "hazard"
    assert [h["rule"] for h in r.hazards] == ["GM2023-4-5"]
    assert r.summary["hazard"] == 1
    assert sum(r.summary.values()) == len(r.findings)
    assert r.as_of == "2024-06-01"
    assert r.standards[0]["id"] == "gongmao-2023"
    assert f["explanation"]["kind"] == "rule"
    assert isinstance(r.outputs, list) and isinstance(r.notices, list)
    assert r.to_dict()["findings"] == r.findings
    assert list(r.to_dict()) == [
        "schema_version", "as_of", "enterprise", "summary", "standards", "notices", "findings",
        "outputs", "questions",
    ]
    # to_json is the core's own serialisation; the dicts are the same data.
    assert json.loads(r.to_json()) == r.to_dict()
    assert json.loads(r.to_json(indent=2)) == r.to_dict()
    assert "\n  " in r.to_json(indent=2) and "\n" not in r.to_json()
    assert "第四条" in r.to_json()  # Chinese kept, not escaped
    # A report read back from JSON (or unpickled) behaves the same.
    back = yinhuan.Report(json.loads(r.to_json()))
    assert back == r and back.hazards == r.hazards and json.loads(back.to_json()) == r.to_dict()
    assert pickle.loads(pickle.dumps(r)) == r
    text = repr(r)
    assert "1 hazard" in text and "GM2023-4-5" in text
    page = r._repr_html_()
    assert "<table>" in page and "GM2023-4-5" in page and "第四条第（五）项" in page


def test_hazards_before_and_after_findings_are_read(lib):
    a = lib.evaluate(FURNACE, as_of="2024-06-01")
    hazards_first = a.hazards  # converted on their own
    assert hazards_first == [f for f in a.findings if f["outcome"] == "hazard"] == a.hazards
    assert a.undetermined == [f for f in a.findings if f["outcome"] == "undetermined"]


def test_explain_false_drops_trees(lib):
    r = lib.evaluate(FURNACE, as_of="2024-06-01", explain=False)
    assert all("explanation" not in f for f in r.findings)
    assert r.finding("GM2023-4-5")["reasons"]


def test_undetermined_and_questions(lib):
    facts = json.loads(json.dumps(FURNACE))
    facts["blast_furnaces"][0]["top_pressure_setpoint"] = None
    r = lib.evaluate(facts, as_of="2024-06-01")
    f = r.finding("GM2023-4-5")
    assert f["outcome"] == "undetermined"
    assert f["missing"] == ["/blast_furnaces/0/top_pressure_setpoint"]
    assert [u["rule"] for u in r.undetermined] == [u["rule"] for u in r.findings if u["outcome"] == "undetermined"]
    qs = lib.questions(facts, as_of="2024-06-01")
    assert qs == r.questions
    q = next(q for q in qs if q["path"] == "/blast_furnaces/0/top_pressure_setpoint")
    assert q["type"] == "quantity" and "GM2023-4-5" in q["rules"]


def test_nan_and_numpy_values(lib):
    facts = json.loads(json.dumps(FURNACE))
    bf = facts["blast_furnaces"][0]
    bf["top_pressure_setpoint"] = float("nan")  # NaN means unknown
    bf["in_production"] = np.bool_(True)
    bf["design_max_top_working_pressure"] = np.float64(250.0)
    r = lib.evaluate(facts, as_of="2024-06-01")
    assert r.finding("GM2023-4-5")["outcome"] == "undetermined"
    bf["top_pressure_setpoint"] = np.int64(260)
    assert lib.evaluate(facts, as_of="2024-06-01").finding("GM2023-4-5")["outcome"] == "hazard"


def test_facts_as_json_text(lib):
    a = lib.evaluate(json.dumps(FURNACE), as_of="2024-06-01")
    b = lib.evaluate(FURNACE, as_of="2024-06-01")
    assert a == b
    with pytest.raises(yinhuan.FactError) as e:
        lib.evaluate("{not json", as_of="2024-06-01")
    assert e.value.code == "E0300"


def test_as_of_forms(lib):
    a = lib.evaluate(FURNACE, as_of=datetime.date(2024, 6, 1))
    b = lib.evaluate(FURNACE, as_of=datetime.datetime(2024, 6, 1, 15, 30))
    assert a == b and a.as_of == "2024-06-01"
    today = lib.evaluate(FURNACE)
    assert today.as_of == datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    with pytest.raises(yinhuan.RequestError) as e:
        lib.evaluate(FURNACE, as_of="01/06/2024")
    assert e.value.code == "E0503"
    with pytest.raises(TypeError):
        lib.evaluate(FURNACE, as_of=20240601)


def test_editions_by_date(lib):
    before = lib.evaluate(FURNACE, as_of="2023-05-14")
    assert before.finding("GM2023-4-5") is None
    on = lib.evaluate(FURNACE, as_of="2023-05-15")
    assert on.finding("GM2023-4-5")["outcome"] == "hazard"


def test_wrong_type_is_fact_error_with_path(lib):
    facts = {"sectors": ["metallurgy"], "blast_furnaces": [{"in_production": "yes"}]}
    with pytest.raises(yinhuan.FactError) as info:
        lib.evaluate(facts, as_of="2024-06-01")
    e = info.value
    assert isinstance(e, yinhuan.YinhuanError) and isinstance(e, ValueError)
    assert e.code == "E0301"
    assert e.kind == "wrong_type"
    assert e.path == "/blast_furnaces/0/in_production"
    assert e.expected == "true or false"
    assert e.received == '`"yes"`'
    assert "/blast_furnaces/0/in_production" in str(e)


@pytest.mark.parametrize(
    "facts, code, path",
    [
        ({"sectorz": ["metallurgy"]}, "E0302", "/sectorz"),
        ({"sectors": ["steel"]}, "E0303", "/sectors/0"),
        ({"blast_furnaces": [{"top_pressure_setpoint": "3 kg"}]}, "E0304", "/blast_furnaces/0/top_pressure_setpoint"),
        ({"sectors": {"metallurgy"}}, "E0300", "/sectors"),
        ({"blast_furnaces": [{"top_pressure_setpoint": math.inf}]}, "E0300", "/blast_furnaces/0/top_pressure_setpoint"),
        ({1: True}, "E0300", ""),
        ([], "E0301", ""),
    ],
)
def test_fact_errors(lib, facts, code, path):
    with pytest.raises(yinhuan.FactError) as info:
        lib.evaluate(facts, as_of="2024-06-01")
    assert info.value.code == code, str(info.value)
    assert info.value.path == path


def test_self_containing_list_is_refused(lib):
    loop = []
    loop.append(loop)
    with pytest.raises(yinhuan.FactError) as info:
        lib.evaluate({"sectors": loop})
    assert info.value.code == "E0306"


def test_unknown_standard(lib):
    with pytest.raises(yinhuan.RequestError) as info:
        lib.evaluate(FURNACE, as_of="2024-06-01", standards=["gongmao-1999"])
    assert info.value.code == "E0501"
    assert "gongmao-1999" in str(info.value)
    with pytest.raises(yinhuan.RequestError) as info:
        lib.rules("gongmao-1999")
    assert info.value.code == "E0501"
    with pytest.raises(yinhuan.RequestError) as info:
        lib.schema("gongmao-1999")
    assert info.value.code == "E0501"
    with pytest.raises(yinhuan.RequestError) as info:
        lib.explain_rule("NOPE-1")
    assert info.value.code == "E0502"
    with pytest.raises(yinhuan.RequestError):
        lib.evaluate_batch([FURNACE], standards="gongmao-1999")


def test_listing(lib):
    stds = lib.standards("2024-06-01")
    g = next(s for s in stds if s["id"] == "gongmao-2023")
    assert g["status"] == "in_force" and g["rules"] >= 60
    assert next(s for s in lib.standards(datetime.date(2023, 1, 1)) if s["id"] == "gongmao-2023")["status"] == "not_yet_in_force"
    rules = lib.rules("gongmao-2023")
    r = next(r for r in rules if r["id"] == "GM2023-4-5")
    assert r["citations"] == ["第四条第（五）项"]
    assert any(f["field"] == "blast_furnace.top_pressure_setpoint" for f in r["facts"])
    one = lib.explain_rule("GM2023-4-5")
    assert one["id"] == "GM2023-4-5" and one["source"]


def test_schema(lib):
    full = lib.schema()
    assert full["$schema"].startswith("https://json-schema.org/")
    assert full["type"] == "object" and "sectors" in full["properties"]
    one = lib.schema("gongmao-2023")
    assert one["$id"] == "yinhuan:gongmao-2023"
    assert set(one["properties"]) <= set(full["properties"])


def test_from_source_and_compile_errors(tmp_path):
    lib = yinhuan.Library.from_source(DEMO, "demo.yh")
    assert lib.evaluate({"sectors": ["metallurgy"], "workers": 10}, as_of="2024-06-01").hazards
    bad = DEMO.replace("hazard when workers > 9", "hazard when workerz > 9")
    with pytest.raises(yinhuan.CompileError) as info:
        yinhuan.Library.from_source(bad, "demo.yh")
    e = info.value
    assert isinstance(e, yinhuan.YinhuanError)
    assert e.code == "E0201"
    d = e.diagnostics[0]
    line = bad.splitlines().index("  hazard when workerz > 9") + 1
    assert (d["code"], d["file"], d["line"], d["column"]) == ("E0201", "demo.yh", line, 15)
    assert "workerz" in d["message"]
    # str(e) is the rendered diagnostic with its caret.
    assert f"--> demo.yh:{line}:15" in str(e) and "^^^^^^^" in str(e)


def test_from_paths(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "demo.yh").write_text(DEMO, encoding="utf-8")
    lib = yinhuan.Library.from_paths([tmp_path / "rules"])
    assert [r["id"] for r in lib.rules("demo-2024")] == ["DEMO-1"]
    assert yinhuan.Library.from_paths(str(tmp_path / "rules" / "demo.yh")).rules("demo-2024")
    (tmp_path / "rules" / "demo.yh").write_text(DEMO.replace("rule DEMO-1", "rul DEMO-1"), encoding="utf-8")
    with pytest.raises(yinhuan.CompileError) as info:
        yinhuan.Library.from_paths([tmp_path / "rules"])
    assert info.value.diagnostics[0]["file"].endswith("demo.yh")


def test_embedded_sources_compile_like_embedded(lib):
    again = yinhuan.Library.from_sources(yinhuan.Library.embedded_sources())
    facts = {"sectors": ["metallurgy"]}
    assert again.evaluate(facts, as_of="2024-06-01") == lib.evaluate(facts, as_of="2024-06-01")


def test_pickling(lib, tmp_path):
    back = pickle.loads(pickle.dumps(lib))
    assert back.evaluate(FURNACE, as_of="2024-06-01") == lib.evaluate(FURNACE, as_of="2024-06-01")
    demo = pickle.loads(pickle.dumps(yinhuan.Library.from_source(DEMO)))
    assert demo.rules("demo-2024")
    try:
        lib.evaluate({"sectors": 1})
    except yinhuan.FactError as e:
        e2 = pickle.loads(pickle.dumps(e))
        assert (type(e2), e2.code, e2.path, str(e2)) == (type(e), e.code, e.path, str(e))


def test_no_panic_crosses_into_python():
    with pytest.raises(yinhuan.InternalError) as info:
        yinhuan._yinhuan._panic_for_test()
    assert info.value.code == "internal"
    assert "deliberate panic" in str(info.value)


def test_package_surface():
    for name in yinhuan.__all__:
        obj = getattr(yinhuan, name)
        if callable(obj) or isinstance(obj, type):
            assert obj.__doc__, name
    for name in ("evaluate", "evaluate_batch", "standards", "rules", "schema", "questions", "explain_rule"):
        assert getattr(yinhuan.Library, name).__doc__, name
    assert yinhuan.__version__


# --- the hazard ledger -------------------------------------------------------------------------

LEDGER = [
    {"id": "A", "region_code": "320583", "sector": "冶金", "found": "2023-11-02", "deadline": "2023-12-31"},
    {"id": "B", "region_code": "320583", "sector": "冶金", "found": "2025-03-01", "deadline": "2025-03-31",
     "rectified": "2025-03-11", "signed_off": "2025-03-20"},
    {"id": "C", "region_code": "320506", "sector": "化工", "found": "2025-06-01", "deadline": "2025-06-30"},
    {"id": "E", "region_code": "330106", "sector": "化工", "found": "2025-04-01", "signed_off": "2025-04-02"},
]


def test_ledger_from_a_dataframe_with_roll_up_and_problems():
    import pandas as pd

    df = pd.DataFrame(LEDGER)  # missing dates become NaN: unknown, not an error
    m = yinhuan.ledger(df, as_of="2025-06-30")
    nat = m[(m.level == "national") & (m.sector == "*")].iloc[0]
    assert (nat.total, nat.open, nat.overdue, nat.pre_2024_open) == (4, 3, 1, 1)
    city = m[(m.level == "city") & (m.region_code == "320500") & (m.sector == "*")].iloc[0]
    assert (city.total, city.overdue) == (3, 1), "C's deadline equals as_of: not yet overdue"
    problems = m.attrs["problems"]
    assert list(problems.kind) == ["signed_off_without_rectification"]
    assert list(problems.id) == ["E"]


def test_ledger_over_several_dates_and_through_the_library():
    import datetime as dt

    lib = yinhuan.Library.embedded()
    m = lib.ledger(LEDGER, as_of=[dt.date(2025, 3, 31), "2025-06-30"])
    nat = m[(m.level == "national") & (m.sector == "*")].set_index("as_of")
    assert nat.loc["2025-03-31", "open"] == 1 and nat.loc["2025-06-30", "open"] == 3
    assert nat.loc["2025-03-31", "found_in_year"] == 1
