// Replays every shared test vector (tests/vectors/*.json) with the same checks as the Rust replayer
// (tests/tests/vectors.rs), through the Node.js build of the WebAssembly module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Library, root } from "./load.mjs";

const dir = join(root, "tests", "vectors");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const lib = Library.embedded();

test("the shared vectors are there", () => {
  assert.ok(files.length >= 10, `expected the shared vectors, found ${files.length}`);
});

/** The failures of one vector, worded as the Rust replayer words them. */
function replay(lib, file, v) {
  const failures = [];
  let report;
  let error;
  try {
    report = lib.evaluate(v.facts, {
      asOf: v.as_of,
      standards: v.standards ?? [],
      allowSuperseded: v.allow_superseded ?? false,
    });
  } catch (e) {
    error = e;
  }
  const want = v.expect_error;
  if (want && error) {
    assert.ok(error instanceof Error, `${file}: the thrown value is an Error`);
    if (error.code !== want.code) {
      failures.push(`${file}: expected error ${want.code}, got ${error.code} (${error.message})`);
    }
    if (want.path != null && typeof error.path === "string" && error.path !== want.path) {
      failures.push(`${file}: expected error at ${want.path}, got ${error.path}`);
    }
    return failures;
  }
  if (want) {
    return [`${file}: expected error ${want.code}, got a report`];
  }
  if (error) {
    return [`${file}: unexpected error ${error.code}: ${error.message}`];
  }
  const finding = (rule) => report.findings.find((f) => f.rule === rule);
  for (const [rule, outcome] of Object.entries(v.expect ?? {})) {
    const f = finding(rule);
    if (!f) failures.push(`${file}: ${rule} was not evaluated`);
    else if (f.outcome !== outcome) failures.push(`${file}: ${rule} expected ${outcome}, got ${f.outcome}`);
  }
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const [rule, want] of Object.entries(v.expect_missing ?? {})) {
    const got = finding(rule)?.missing ?? [];
    if (!same(got, want)) failures.push(`${file}: ${rule} missing ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  for (const [rule, want] of Object.entries(v.expect_citations ?? {})) {
    const got = finding(rule)?.citations ?? [];
    if (!same(got, want)) failures.push(`${file}: ${rule} citations ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  for (const [rule, want] of Object.entries(v.expect_reasons ?? {})) {
    const got = finding(rule)?.reasons ?? [];
    if (!same(got, want)) failures.push(`${file}: ${rule} reasons ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  for (const [rule, want] of Object.entries(v.expect_instances ?? {})) {
    const got = (finding(rule)?.instances ?? []).map((i) => i.path);
    if (!same(got, want)) failures.push(`${file}: ${rule} instances ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  for (const rule of v.expect_not_evaluated ?? []) {
    if (finding(rule)) failures.push(`${file}: ${rule} was evaluated, but its standard is not in force`);
  }
  const notices = report.notices.map((n) => n.code);
  for (const code of v.expect_notices ?? []) {
    if (!notices.includes(code)) failures.push(`${file}: expected notice ${code}, got ${JSON.stringify(notices)}`);
  }
  return failures;
}

for (const file of files) {
  const v = JSON.parse(readFileSync(join(dir, file), "utf8"));
  test(`vector ${file}`, () => {
    assert.equal(typeof v.name, "string", `${file}: a vector has a name`);
    assert.equal(typeof v.as_of, "string", `${file}: a vector has as_of`);
    assert.ok("facts" in v, `${file}: a vector has facts`);
    const failures = replay(lib, file, v);
    assert.deepEqual(failures, []);
  });
  test(`vector ${file} (facts as JSON text)`, () => {
    assert.deepEqual(replay(lib, file, { ...v, facts: JSON.stringify(v.facts) }), []);
  });
}
