// Loads the Node.js build of the package (bindings-wasm/pkg/node, made by build.sh).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** bindings-wasm/ */
export const pkgRoot = join(here, "..");
/** The repository root. */
export const root = join(here, "..", "..");

const require = createRequire(import.meta.url);
const wasm = require(join(pkgRoot, "pkg", "node", "yinhuan_wasm.js"));

export const { Library, version } = wasm;
export default wasm;
