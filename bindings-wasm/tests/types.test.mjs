// The TypeScript definitions compile under `tsc --strict` against a usage example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pkgRoot } from "./load.mjs";

test("the .d.ts files type-check a usage example (tsc --strict)", () => {
  const tsc = join(pkgRoot, "node_modules", "typescript", "bin", "tsc");
  const args = [tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,esnext.disposable,dom", join(pkgRoot, "tests", "types", "usage.ts")];
  try {
    execFileSync(process.execPath, args, { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
