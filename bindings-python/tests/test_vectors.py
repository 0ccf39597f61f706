"""Replays every shared test vector (tests/vectors/*.json) with the semantics of the Rust replayer,
tests/tests/vectors.rs: same options, same expectations."""

import os

import pytest

import yinhuan
from conftest import VECTOR_FILES, load


def test_vectors_are_there():
    assert len(VECTOR_FILES) >= 10, VECTOR_FILES


@pytest.mark.parametrize("path", VECTOR_FILES, ids=[os.path.basename(p) for p in VECTOR_FILES])
def test_vector(lib, path):
    v = load(path)
    kwargs = dict(
        as_of=v["as_of"],
        standards=v.get("standards") or None,
        allow_superseded=v.get("allow_superseded", False),
    )
    want_error = v.get("expect_error")
    if want_error:
        with pytest.raises(yinhuan.YinhuanError) as info:
            lib.evaluate(v["facts"], **kwargs)
        e = info.value
        assert e.code == want_error["code"], str(e)
        if want_error.get("path") is not None and isinstance(e, yinhuan.FactError):
            assert e.path == want_error["path"]
        return
    report = lib.evaluate(v["facts"], **kwargs)
    failures = []
    for rule, outcome in v.get("expect", {}).items():
        f = report.finding(rule)
        if f is None:
            failures.append(f"{rule} was not evaluated")
        elif f["outcome"] != outcome:
            failures.append(f"{rule} expected {outcome}, got {f['outcome']}")

    def got(rule, key, pick=lambda x: x):
        f = report.finding(rule)
        return [pick(x) for x in f.get(key, [])] if f else []

    for rule, want in v.get("expect_missing", {}).items():
        if got(rule, "missing") != want:
            failures.append(f"{rule} missing {got(rule, 'missing')}, expected {want}")
    for rule, want in v.get("expect_citations", {}).items():
        if got(rule, "citations") != want:
            failures.append(f"{rule} citations {got(rule, 'citations')}, expected {want}")
    for rule, want in v.get("expect_reasons", {}).items():
        if got(rule, "reasons") != want:
            failures.append(f"{rule} reasons {got(rule, 'reasons')}, expected {want}")
    for rule, want in v.get("expect_instances", {}).items():
        paths = got(rule, "instances", lambda i: i["path"])
        if paths != want:
            failures.append(f"{rule} instances {paths}, expected {want}")
    for rule in v.get("expect_not_evaluated", []):
        if report.finding(rule) is not None:
            failures.append(f"{rule} was evaluated, but its standard is not in force")
    notices = [n["code"] for n in report.notices]
    for code in v.get("expect_notices", []):
        if code not in notices:
            failures.append(f"expected notice {code}, got {notices}")
    assert not failures, "\n".join(failures)
