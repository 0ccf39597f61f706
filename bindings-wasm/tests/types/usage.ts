// Compiled by tests/types.test.mjs with `tsc --noEmit --strict`: the package's TypeScript
// definitions (generated + hand-written) describe the API as it is used.
import init, { Library, version } from "../../pkg/web/yinhuan_wasm.js";
import type { Report, Finding, Question, Explanation, CompileError, FactError, Diagnostic, StandardInfo, RuleInfo, FactSchema, EvaluateOptions } from "../../pkg/web/yinhuan_wasm.js";
import * as node from "../../pkg/node/yinhuan_wasm.js";

export async function main(): Promise<string[]> {
  await init();
  const lib: Library = Library.embedded();
  const opts: EvaluateOptions = { asOf: "2024-06-01", standards: ["gongmao-2023"], explain: false, allowSuperseded: false };
  const report: Report = lib.evaluate({ sectors: ["metallurgy"], blast_furnaces: [{ in_production: true, top_pressure_setpoint: "260 kPa" }] }, opts);
  const hazards: Finding[] = report.findings.filter((f) => f.outcome === "hazard");
  const cites: string[] = hazards.flatMap((f) => f.citations);
  const walk = (e: Explanation | undefined): number => (e ? 1 + (e.children ?? []).reduce((n, c) => n + walk(c), 0) : 0);
  walk(hazards[0]?.explanation);
  const qs: Question[] = lib.questions("{}", { asOf: new Date() });
  const units = qs.map((q) => q.unit ?? "").concat(qs.flatMap((q) => (q.choices ?? []).map((c) => c.label)));
  const standards: StandardInfo[] = lib.standards();
  const rules: RuleInfo[] = lib.rules(standards[0].id);
  const schema: FactSchema = lib.schema(rules[0].standard);
  const maybe: Question | undefined = lib.question("/sectors");
  try {
    Library.fromSource("standard x {}", "x.yh");
  } catch (e) {
    const d: Diagnostic[] = (e as CompileError).diagnostics;
    d.map((x) => `${x.file}:${x.line}:${x.column} ${x.code} ${x.message}`);
  }
  try {
    lib.evaluate({ sectors: "metallurgy" });
  } catch (e) {
    const f = e as FactError;
    [f.code, f.path, f.expected, f.received, f.kind].join();
  }
  const nodeLib: node.Library = node.Library.fromSources([{ name: "a.yh", text: "" }]);
  nodeLib.free();
  return [version(), ...cites, ...units, String(schema.properties ? 1 : 0), maybe?.label ?? "", report.summary.hazard.toFixed()];
}
