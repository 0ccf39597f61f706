// wasm32-unknown-unknown aborts on panic; the module's panic hook turns a panic into a thrown Error
// with code ERR_INTERNAL (not an opaque `unreachable` trap) and refuses every later call.
// Its own file: node --test runs each file in a process of its own, so the poisoned module is
// not shared with the other tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import wasm, { Library } from "./load.mjs";

test("a panic becomes a catchable Error with code ERR_INTERNAL, then the module refuses calls", () => {
  const lib = Library.embedded();
  let e;
  try {
    wasm.__panicForTests();
  } catch (err) {
    e = err;
  }
  assert.ok(e instanceof Error, `got ${e}`);
  assert.ok(!(e instanceof WebAssembly.RuntimeError), "not a trap");
  assert.equal(e.code, "ERR_INTERNAL");
  assert.match(e.message, /deliberate panic for the test suite/);
  for (const call of [() => Library.embedded(), () => lib.rules("gongmao-2023"), () => lib.evaluate({})]) {
    let again;
    try {
      call();
    } catch (err) {
      again = err;
    }
    assert.ok(again instanceof Error);
    assert.ok(!(again instanceof WebAssembly.RuntimeError));
  }
  let later;
  try {
    Library.embedded();
  } catch (err) {
    later = err;
  }
  assert.equal(later.code, "ERR_INTERNAL");
  assert.match(later.message, /reload the module/);
});
