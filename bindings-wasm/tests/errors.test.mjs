// Every failure reaches JavaScript as a catchable Error with a stable code and its details — never
// as an opaque WebAssembly trap — and the library keeps working after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Library, root } from "./load.mjs";

const lib = Library.embedded();
const opts = { asOf: "2024-06-01", standards: ["gongmao-2023"] };
const steel = JSON.parse(readFileSync(join(root, "examples", "steel-works.json"), "utf8"));

/** Runs `fn`, which must throw; returns what it threw. */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an exception");
}

function furnace(fields) {
  return { sectors: ["metallurgy"], blast_furnaces: [{ name: "1#高炉", ...fields }] };
}

const DEMO = `
standard demo-2024 {
  title      "演示标准"
  issuer     "演示机关"
  document   "演示文件第1号"
  published  2024-01-01
  valid_from 2024-01-01
  outcome    "重大事故隐患"
}

entity enterprise "企业" {
  name         : text "企业名称是什么？"
  inspected_on : date "最近一次检查是哪一天？"
  workers      : integer "同时作业的人员有多少人？"
}

rule DEMO-1 "作业人员过多" {
  cites      "第一条"
  provenance confirmed
  hazard when workers > 10
}
`;

test("a library still evaluates after every error below", () => {
  const r = lib.evaluate(steel, opts);
  assert.equal(r.findings.find((f) => f.rule === "GM2023-4-5").outcome, "hazard");
});

test("compile errors: code and every diagnostic with file, line, column", () => {
  const e = thrown(() => Library.fromSource('standard x {\n  title 1\n}\n', "bad.yh"));
  assert.ok(e instanceof Error);
  assert.match(e.code, /^E0[12]\d\d$/);
  assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length >= 2, JSON.stringify(e.diagnostics));
  const d = e.diagnostics[0];
  assert.equal(d.code, e.code);
  assert.equal(d.file, "bad.yh");
  assert.equal(d.line, 2);
  assert.equal(d.column, 9);
  assert.equal(typeof d.message, "string");
  assert.ok(e.diagnostics.some((d) => d.code === "E0201"), "the missing enterprise entity is reported too");
  // The message is the rendered diagnostics, with the source line and a caret.
  assert.match(e.message, /error\[E0101\]/);
  assert.match(e.message, /bad\.yh:2:9/);
});

test("fromSource compiles a standalone standard; default file name", () => {
  const demo = Library.fromSource(DEMO);
  const r = demo.evaluate({ workers: 11 }, { asOf: "2024-06-01" });
  assert.equal(r.findings[0].outcome, "hazard");
  const e = thrown(() => Library.fromSource(DEMO.replace("workers > 10", "workerz > 10")));
  assert.equal(e.diagnostics[0].file, "<source>");
});

test("fromSources takes an array or an object of sources", () => {
  const a = Library.fromSources([{ name: "demo.yh", text: DEMO }]);
  const b = Library.fromSources({ "demo.yh": DEMO });
  assert.deepEqual(a.rules("demo-2024"), b.rules("demo-2024"));
  const e = thrown(() => Library.fromSources(42));
  assert.ok(e instanceof TypeError);
  assert.equal(e.code, "ERR_INVALID_ARG");
});

test("fact errors carry code, kind, path, expected, received", () => {
  const e = thrown(() => lib.evaluate(furnace({ in_production: "yes" }), opts));
  assert.ok(e instanceof Error);
  assert.equal(e.code, "E0301");
  assert.equal(e.kind, "wrong_type");
  assert.equal(e.path, "/blast_furnaces/0/in_production");
  assert.match(e.expected, /true or false/);
  assert.equal(e.received, '`"yes"`');
  assert.match(e.message, /in_production/);
});

test("unknown field, unknown choice, incompatible unit, invalid date", () => {
  let e = thrown(() => lib.evaluate(furnace({ top_pressure_setpont: 1 }), opts));
  assert.equal(e.code, "E0302");
  assert.equal(e.path, "/blast_furnaces/0/top_pressure_setpont");
  assert.match(e.message, /did you mean `top_pressure_setpoint`/);
  e = thrown(() => lib.evaluate(furnace({ bleeder_interlock: "maybe" }), opts));
  assert.equal(e.code, "E0303");
  assert.match(e.expected, /`working`/);
  e = thrown(() => lib.evaluate(furnace({ top_pressure_setpoint: "260 kg" }), opts));
  assert.equal(e.code, "E0304");
  const demo = Library.fromSource(DEMO);
  e = thrown(() => demo.evaluate({ inspected_on: "2024-13-01" }, { asOf: "2024-06-01" }));
  assert.equal(e.code, "E0305");
  assert.equal(e.path, "/inspected_on");
  e = thrown(() => demo.evaluate({ workers: 1.5 }, { asOf: "2024-06-01" }));
  assert.equal(e.code, "E0301");
});

test("facts that are not JSON text", () => {
  for (const text of ["", "{", "[1,", '{"sectors": ["metallurgy"],}', "nul", "{'a': 1}"]) {
    const e = thrown(() => lib.evaluate(text, opts));
    assert.equal(e.code, "E0300", text);
    assert.equal(e.kind, "invalid_json");
    assert.equal(e.path, "");
    assert.match(e.message, /not valid JSON/);
  }
});

test("a root that is not an object", () => {
  for (const facts of [null, [], 42, true, "null", "[]"]) {
    const e = thrown(() => lib.evaluate(facts, opts));
    assert.equal(e.code, "E0301", JSON.stringify(facts));
    assert.equal(e.path, "");
  }
  for (const facts of [undefined, () => 1, Symbol("x")]) {
    const e = thrown(() => lib.evaluate(facts, opts));
    assert.ok(e instanceof TypeError);
    assert.equal(e.code, "ERR_INVALID_ARG");
  }
});

test("deeply nested facts: as text and as objects", () => {
  const depth = 100_000;
  const text = `{"sectors": ${"[".repeat(depth)}${"]".repeat(depth)}}`;
  let e = thrown(() => lib.evaluate(text, opts));
  assert.equal(e.code, "E0300");
  assert.match(e.message, /recursion limit/);
  // As a JavaScript object: JSON.stringify either refuses (stack) or the parser's depth limit does.
  let deep = [];
  for (let i = 0; i < depth; i++) deep = [deep];
  e = thrown(() => lib.evaluate({ sectors: deep }, opts));
  assert.equal(e.code, "E0300", e.message);
  let nested = {};
  for (let i = 0; i < 200; i++) nested = { blast_furnaces: [nested] };
  e = thrown(() => lib.evaluate(nested, opts));
  assert.ok(["E0300", "E0306"].includes(e.code), `${e.code} ${e.message}`);
  // Nesting of entity lists (not JSON depth) is limited by the core.
  const cyclic = { sectors: ["metallurgy"] };
  cyclic.self = cyclic;
  e = thrown(() => lib.evaluate(cyclic, opts));
  assert.equal(e.code, "E0300");
  assert.match(e.message, /circular/i);
});

test("huge and non-finite numbers are rejected with their path", () => {
  const path = "/blast_furnaces/0/top_pressure_setpoint";
  for (const value of [1e308, -1e308, Number.MAX_VALUE, 1e16, "1e400", "123456789012345678901234567890 kPa", 10n ** 40n]) {
    const e = thrown(() => lib.evaluate(furnace({ top_pressure_setpoint: value }), opts));
    assert.ok(["E0301", "E0304", "E0306"].includes(e.code), `${value}: ${e.code} ${e.message}`);
    assert.equal(e.path, path, String(value));
  }
  for (const value of [NaN, Infinity, -Infinity]) {
    const e = thrown(() => lib.evaluate(furnace({ top_pressure_setpoint: value }), opts));
    assert.ok(["E0301", "E0304", "E0306"].includes(e.code), `${value}: ${e.code}`);
    assert.equal(e.path, path);
    assert.match(e.received, new RegExp(String(value)));
  }
  // A NaN in a boolean field is an error too, not "unknown".
  const e = thrown(() => lib.evaluate(furnace({ in_production: NaN }), opts));
  assert.equal(e.code, "E0301");
  // Exact BigInts are read exactly.
  const r = lib.evaluate(furnace({ in_production: true, top_pressure_setpoint: 260n, design_max_top_working_pressure: 250n }), opts);
  assert.equal(r.findings.find((f) => f.rule === "GM2023-4-5").outcome, "hazard");
});

test("bad requests: unknown standard, unknown rule, bad date", () => {
  let e = thrown(() => lib.evaluate({}, { asOf: "2024-06-01", standards: ["nope"] }));
  assert.equal(e.code, "E0501");
  assert.equal(e.value, "nope");
  e = thrown(() => lib.rules("nope"));
  assert.equal(e.code, "E0501");
  e = thrown(() => lib.schema("nope"));
  assert.equal(e.code, "E0501");
  e = thrown(() => lib.explainRule("GM2023-99-9"));
  assert.equal(e.code, "E0502");
  for (const asOf of ["2024-02-30", "2024-2-3", "20240601", "", "yesterday"]) {
    e = thrown(() => lib.evaluate({}, { asOf }));
    assert.equal(e.code, "E0503", asOf);
    e = thrown(() => lib.standards(asOf));
    assert.equal(e.code, "E0503", asOf);
  }
  e = thrown(() => lib.questions({}, { asOf: "2024-13-01" }));
  assert.equal(e.code, "E0503");
});

test("bad options are TypeErrors, misspelt options are not ignored", () => {
  const cases = [
    [{ as_of: "2024-06-01" }, /unknown option `as_of`/],
    [{ asOf: 20240601 }, /asOf/],
    [{ asOf: new Date(Number.NaN) }, /asOf/],
    [{ standards: 1 }, /standards/],
    [{ standards: ["gongmao-2023", 1] }, /standards/],
    [{ explain: "yes" }, /explain/],
    [{ allowSuperseded: 1 }, /allowSuperseded/],
    ["2024-06-01", /options must be an object/],
    [[], /options must be an object/],
  ];
  for (const [o, message] of cases) {
    const e = thrown(() => lib.evaluate({}, o));
    assert.ok(e instanceof TypeError, JSON.stringify(o));
    assert.equal(e.code, "ERR_INVALID_ARG");
    assert.match(e.message, message);
  }
  const e = thrown(() => lib.questions({}, { explain: true }));
  assert.equal(e.code, "ERR_INVALID_ARG");
  const s = thrown(() => lib.standards(42));
  assert.equal(s.code, "ERR_INVALID_ARG");
});

test("a freed library throws instead of trapping", () => {
  const l = Library.embedded();
  l.free();
  assert.throws(() => l.rules("gongmao-2023"));
});

test("the library still evaluates after all of the above", () => {
  const r = lib.evaluate(JSON.stringify(steel), opts);
  assert.equal(r.summary.hazard > 0, true);
});
