"""Replays the bad-input catalogue, tests/vectors/errors/*.json, with the same checks as the Rust
replayer (tests/tests/errors.rs): every malformed rule source and malformed facts document gives
the same code, message and location through Python."""

import json
import pathlib

import pytest

import yinhuan

ROOT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "errors"
BASE = (ROOT / "base.yh").read_text(encoding="utf-8")
CASES = sorted(ROOT.glob("*.json"))
BASE_LIB = yinhuan.Library.from_sources([("base.yh", BASE)])


def test_the_catalogue_is_there():
    assert len(CASES) >= 40


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_bad_input(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    want = case["expect"]
    if case["kind"] == "source":
        with pytest.raises(yinhuan.CompileError) as err:
            yinhuan.Library.from_sources([("base.yh", BASE), ("case.yh", case["source"])])
        d = err.value.diagnostics[0]
        got = {k: d[k] for k in ("code", "message", "file", "line", "column")}
        assert got == {k: want[k] for k in got}
        assert err.value.code == want["code"]
    else:
        facts = case["facts_text"] if "facts_text" in case else case["facts"]
        with pytest.raises(yinhuan.FactError) as err:
            BASE_LIB.evaluate(facts, as_of="2024-06-01")
        e = err.value
        assert (e.code, e.path) == (want["code"], want["path"])
        if "message" in want:
            assert e.message == want["message"]
