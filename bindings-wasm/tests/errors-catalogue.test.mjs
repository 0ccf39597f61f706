// Replays the bad-input catalogue, tests/vectors/errors/*.json, with the same checks as the Rust
// replayer (tests/tests/errors.rs): the same code, message and location reach JavaScript.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Library, root } from "./load.mjs";

const dir = join(root, "tests", "vectors", "errors");
const base = readFileSync(join(dir, "base.yh"), "utf8");
const baseLib = Library.fromSources([{ name: "base.yh", text: base }]);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

test("the catalogue is there", () => {
  assert.ok(files.length >= 40, `${files.length} cases`);
});

for (const file of files) {
  const c = JSON.parse(readFileSync(join(dir, file), "utf8"));
  test(`bad input ${c.name}`, () => {
    const want = c.expect;
    let error;
    try {
      if (c.kind === "source") {
        Library.fromSources([{ name: "base.yh", text: base }, { name: "case.yh", text: c.source }]);
      } else {
        baseLib.evaluate("facts_text" in c ? c.facts_text : c.facts, { asOf: "2024-06-01" });
      }
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error, "expected an Error");
    assert.equal(error.code, want.code);
    if (c.kind === "source") {
      const d = error.diagnostics[0];
      assert.deepEqual(
        { code: d.code, message: d.message, file: d.file, line: d.line, column: d.column },
        { code: want.code, message: want.message, file: want.file, line: want.line, column: want.column },
      );
    } else {
      assert.equal(error.path, want.path);
      if ("message" in want) assert.equal(error.message, want.message);
    }
  });
}
