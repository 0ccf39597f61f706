// A tiny static server for the inspection form: serves www/ and, under /pkg/, the web build of the
// package (pkg/web, made by build.sh). Loopback only.
//   node scripts/serve.mjs [port]        (default 8080; 0 picks a free port)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const base = join(here, "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ts": "text/plain; charset=utf-8",
};

/** The file for a URL path, or null if it is outside the served folders. */
function resolve(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split("?")[0]);
  } catch {
    return null;
  }
  const [dir, rest] = p.startsWith("/pkg/")
    ? [join(base, "pkg", "web"), p.slice("/pkg/".length)]
    : [join(base, "www"), p.slice(1)];
  const file = normalize(join(dir, rest || "index.html"));
  return file === dir || file.startsWith(dir + sep) ? file : null;
}

/** Starts the server; resolves to the http.Server once it listens. */
export function serve({ port = 8080, host = "127.0.0.1", log = false } = {}) {
  const server = createServer(async (req, res) => {
    let file = resolve(req.url ?? "/");
    try {
      if (!file) throw Object.assign(new Error("forbidden"), { code: "EACCES" });
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(req.method === "HEAD" ? undefined : body);
      if (log) console.log(200, req.url);
    } catch (e) {
      const status = e.code === "EACCES" ? 403 : 404;
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(status === 403 ? "forbidden\n" : "not found\n");
      if (log) console.log(status, req.url);
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const server = await serve({ port, log: true });
  const { port: actual } = server.address();
  console.log(`serving www/ and pkg/web/ at http://127.0.0.1:${actual}/`);
}
