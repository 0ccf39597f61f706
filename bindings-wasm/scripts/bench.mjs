// Rough timings of the Node.js build: module load, Library.embedded() (compiling the embedded
// standards), and evaluate() on examples/steel-works.json.   node scripts/bench.mjs [iterations]
import { createRequire } from "node:module";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const base = join(here, "..");
const n = Number(process.argv[2] ?? 2000);

const wasmFile = join(base, "pkg", "node", "yinhuan_wasm_bg.wasm");
const raw = readFileSync(wasmFile);
console.log(`wasm: ${statSync(wasmFile).size} bytes, ${gzipSync(raw, { level: 9 }).length} gzip -9`);

let t = performance.now();
const { Library } = createRequire(import.meta.url)(join(base, "pkg", "node", "yinhuan_wasm.js"));
console.log(`load + instantiate module: ${(performance.now() - t).toFixed(1)} ms`);

t = performance.now();
let lib = Library.embedded();
console.log(`first Library.embedded(): ${(performance.now() - t).toFixed(1)} ms`);
const m = 20;
t = performance.now();
for (let i = 0; i < m; i++) {
  lib.free();
  lib = Library.embedded();
}
console.log(`Library.embedded() (mean of ${m}): ${((performance.now() - t) / m).toFixed(2)} ms`);

const facts = JSON.parse(readFileSync(join(base, "..", "examples", "steel-works.json"), "utf8"));
const text = JSON.stringify(facts);
const opts = { asOf: "2024-06-01", standards: ["gongmao-2023"] };
for (const [label, f, o] of [
  ["evaluate(object, explain: true)", facts, opts],
  ["evaluate(object, explain: false)", facts, { ...opts, explain: false }],
  ["evaluate(JSON text, explain: false)", text, { ...opts, explain: false }],
  ["questions(object)", facts, opts],
]) {
  const call = label.startsWith("questions") ? () => lib.questions(f, { asOf: o.asOf, standards: o.standards }) : () => lib.evaluate(f, o);
  for (let i = 0; i < 200; i++) call();
  const times = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    call();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / n;
  console.log(`${label}: mean ${(mean * 1000).toFixed(0)} µs, median ${(times[n >> 1] * 1000).toFixed(0)} µs, p99 ${(times[Math.floor(n * 0.99)] * 1000).toFixed(0)} µs`);
}
