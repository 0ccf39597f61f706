// Keeps the form usable without a network: every response is cached, and the cache answers when
// the network does not (network first, so a new version is picked up whenever it is reachable).
const CACHE = "yinhuan-form-v1";

self.addEventListener("install", (e) => {
  e.waitUntil(
    caches.open(CACHE).then((c) =>
      c.addAll(["./", "./index.html", "./app.js", "./style.css", "./pkg/yinhuan_wasm.js", "./pkg/yinhuan_wasm_bg.wasm"]),
    ),
  );
  self.skipWaiting();
});

self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (e) => {
  if (e.request.method !== "GET" || new URL(e.request.url).origin !== location.origin) return;
  e.respondWith(
    fetch(e.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(e.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(e.request).then((hit) => hit ?? Response.error())),
  );
});
