// The JavaScript API: listings, schema, questions, options and the two builds (Node.js and web).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Library, version, root, pkgRoot } from "./load.mjs";

const lib = Library.embedded();
const steel = JSON.parse(readFileSync(join(root, "examples", "steel-works.json"), "utf8"));
const opts = { asOf: "2024-06-01", standards: ["gongmao-2023"] };

function localToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

test("version", () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("evaluate returns the report as plain JSON data", () => {
  const r = lib.evaluate(steel, opts);
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.equal(r.schema_version.split(".")[0], "1");
  assert.equal(r.as_of, "2024-06-01");
  assert.equal(r.enterprise.name, "江南滨江钢铁有限公司");
  const f = r.findings.find((f) => f.rule === "GM2023-4-5");
  assert.equal(f.outcome, "hazard");
  assert.deepEqual(f.citations, ["第四条第（五）项"]);
  assert.equal(f.outcome_label, "重大事故隐患");
  assert.deepEqual(f.instances, [{ path: "/blast_furnaces/0", name: "1#高炉（1080 m³）" }]);
  assert.equal(f.explanation.kind, "rule");
  // Round-trips through JSON unchanged: nothing but JSON values.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  const counted = { hazard: 0, clear: 0, undetermined: 0, not_applicable: 0 };
  for (const x of r.findings) counted[x.outcome]++;
  assert.deepEqual(r.summary, counted);
});

test("facts as an object and as JSON text give the same report", () => {
  assert.deepEqual(lib.evaluate(steel, opts), lib.evaluate(JSON.stringify(steel), opts));
});

test("explain: false leaves out the explanation trees, not the reasons", () => {
  const r = lib.evaluate(steel, { ...opts, explain: false });
  const f = r.findings.find((f) => f.rule === "GM2023-4-5");
  assert.equal(f.explanation, undefined);
  assert.ok(f.reasons.length > 0);
});

test("asOf defaults to today's local date and accepts a Date", () => {
  assert.equal(lib.evaluate({}).as_of, localToday());
  assert.equal(lib.evaluate({}, {}).as_of, localToday());
  assert.equal(lib.evaluate({}, { asOf: null }).as_of, localToday());
  assert.equal(lib.evaluate({}, { asOf: new Date(2024, 5, 1) }).as_of, "2024-06-01");
});

test("standards as one id; before the standard is in force it is applied on request", () => {
  const r = lib.evaluate({ sectors: ["metallurgy"] }, { asOf: "2024-06-01", standards: "gongmao-2023" });
  assert.equal(r.standards.length, 1);
  const early = lib.evaluate({ sectors: ["metallurgy"] }, { asOf: "2023-01-01", standards: "gongmao-2023" });
  assert.ok(early.notices.some((n) => n.code === "N004"));
  assert.ok(early.findings.every((f) => f.superseded));
});

test("standards(asOf): status by date", () => {
  const s = lib.standards("2024-06-01").find((s) => s.id === "gongmao-2023");
  assert.equal(s.status, "in_force");
  assert.equal(s.title, "工贸企业重大事故隐患判定标准");
  assert.ok(s.rules > 10);
  assert.equal(lib.standards("2023-05-14").find((s) => s.id === "gongmao-2023").status, "not_yet_in_force");
  assert.ok(Array.isArray(lib.standards()));
});

test("rules(id) and explainRule(id)", () => {
  const rules = lib.rules("gongmao-2023");
  const r = rules.find((r) => r.id === "GM2023-4-5");
  assert.deepEqual(r.citations, ["第四条第（五）项"]);
  assert.equal(r.gap, false);
  assert.ok(r.facts.some((f) => f.field === "blast_furnace.top_pressure_setpoint" && f.label.includes("设定值")));
  const e = lib.explainRule("GM2023-4-5");
  assert.equal(e.id, "GM2023-4-5");
  assert.match(e.source, /hazard when/);
});

test("schema(id): JSON Schema with Chinese titles, units and choices", () => {
  const s = lib.schema("gongmao-2023");
  assert.equal(s.$id, "yinhuan:gongmao-2023");
  assert.equal(s.type, "object");
  const bf = s.properties.blast_furnaces;
  assert.equal(bf.title, "企业有哪些高炉？");
  assert.equal(bf.items.properties.top_pressure_setpoint["x-unit"], "kPa");
  const interlock = bf.items.properties.bleeder_interlock;
  assert.deepEqual(interlock["x-choices"].map((c) => c.id), ["absent", "working", "failed"]);
  assert.ok(s.properties.sectors["x-choices"].some((c) => c.id === "metallurgy" && c.label === "冶金"));
  const all = lib.schema();
  assert.ok(Object.keys(all.properties).length >= Object.keys(s.properties).length);
  assert.equal(all.$id, undefined);
});

test("questions(facts): labels, types, units, choices, rules", () => {
  const q = lib.questions({ sectors: ["metallurgy"], blast_furnaces: [{ in_production: true }] }, opts);
  const sp = q.find((x) => x.path === "/blast_furnaces/0/top_pressure_setpoint");
  assert.equal(sp.type, "quantity");
  assert.equal(sp.unit, "kPa");
  assert.equal(sp.field, "blast_furnace.top_pressure_setpoint");
  assert.ok(sp.rules.includes("GM2023-4-5"));
  const il = q.find((x) => x.path === "/blast_furnaces/0/bleeder_interlock");
  assert.equal(il.type, "enum");
  assert.equal(il.choices.find((c) => c.id === "failed").label, "设置但失效、无效或被解除");
  const list = lib.questions({ sectors: ["metallurgy"] }, opts).find((x) => x.path === "/blast_furnaces");
  assert.equal(list.type, "entity_list");
  assert.equal(list.label, "企业有哪些高炉？");
  // The same as the report's questions.
  const facts = { sectors: ["metallurgy"] };
  assert.deepEqual(lib.questions(facts, opts), lib.evaluate(facts, { ...opts, explain: false }).questions);
});

test("question(pointer)", () => {
  const q = lib.question("/blast_furnaces/3/bleeder_release_setpoint");
  assert.equal(q.unit, "kPa");
  assert.equal(q.rules.length, 0);
  assert.equal(lib.question("/no_such_fact"), undefined);
});

test("embeddedSources and runTests", () => {
  const sources = Library.embeddedSources();
  assert.ok(sources.some((s) => s.name.endsWith("standard.yh")));
  const again = Library.fromSources(sources);
  assert.deepEqual(again.rules("gongmao-2023"), lib.rules("gongmao-2023"));
  assert.deepEqual(lib.runTests(), [], "embedded() leaves the test cases out");
  const results = Library.embeddedWithTests().runTests();
  assert.ok(results.length > 10);
  assert.deepEqual(results.filter((t) => !t.passed), []);
});

test("the web build loads in Node.js too (ES module, init with bytes)", async () => {
  const web = join(pkgRoot, "pkg", "web");
  const mod = await import(pathToFileURL(join(web, "yinhuan_wasm.js")).href);
  await mod.default({ module_or_path: readFileSync(join(web, "yinhuan_wasm_bg.wasm")) });
  const r = mod.Library.embedded().evaluate(steel, opts);
  assert.deepEqual(r, lib.evaluate(steel, opts));
});

test("the package: types for both builds, hand-written types included", () => {
  for (const build of ["web", "node"]) {
    const dts = readFileSync(join(pkgRoot, "pkg", build, "yinhuan_wasm.d.ts"), "utf8");
    for (const name of ["interface Report", "interface Finding", "interface Diagnostic", "interface Question", "interface Explanation", "interface FactError", "evaluate(facts: Facts | string, options?: EvaluateOptions): Report"]) {
      assert.ok(dts.includes(name), `${build}: ${name}`);
    }
    assert.ok(!dts.includes("function __panicForTests"), "the test hook is not in the types");
  }
  const pkg = JSON.parse(readFileSync(join(pkgRoot, "pkg", "package.json"), "utf8"));
  assert.equal(pkg.name, "yinhuan-wasm");
  assert.ok(existsSync(join(pkgRoot, "pkg", pkg.exports["."].node.default)));
  assert.ok(existsSync(join(pkgRoot, "pkg", pkg.exports["."].default.default)));
});
