// End to end: the inspection form in Debian's Chromium, served from 127.0.0.1. An inspector checks
// a steel works (冶金) whose blast furnace's top-pressure setpoint exceeds the design maximum,
// sees hazard GM2023-4-5 (第四条第（五）项), then corrects the answer and sees it cleared.
// Screenshot: target/e2e/form.png at the repository root.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../scripts/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "..", "target", "e2e");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server;
let browser;
let page;
let base;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(join(here, "..", "pkg", "web", "yinhuan_wasm_bg.wasm")), "build the package first (build.sh)");
  server = await serve({ port: 0 });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, locale: "zh-CN" });
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  // Nothing but the local server: the form must work offline.
  await page.route("**/*", (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

const q = (path) => page.locator(`#questions .q[data-path="${path}"]`);
const bf = "/blast_furnaces/0";

test("hazard GM2023-4-5 appears for a setpoint above the design maximum, and clears when corrected", async () => {
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await page.locator("#asOf").fill("2024-06-01");
  await page.locator("#asOf").dispatchEvent("change");
  await page.selectOption("#standard", "gongmao-2023");
  assert.match(await page.locator("#standard option:checked").textContent(), /工贸企业重大事故隐患判定标准/);

  // Before a sector is chosen the form asks for one.
  assert.match(await page.locator("#questions").textContent(), /请先在上方选择企业所属行业/);
  await page.locator("#sectors label", { hasText: "冶金" }).locator("input").check();
  await page.locator("#questions .q").first().waitFor();

  await q("/name").locator("input").fill("江南滨江钢铁有限公司");
  const furnaces = q("/blast_furnaces");
  await furnaces.waitFor();
  assert.match(await furnaces.textContent(), /企业有哪些高炉？/);
  await furnaces.getByRole("button", { name: "＋ 添加高炉" }).click();
  await q(`${bf}/name`).locator("input").fill("1#高炉（1080 m³）");
  await q(`${bf}/in_production`).getByLabel("是", { exact: true }).check();
  await q(`${bf}/top_pressure_setpoint`).locator("input").fill("260");
  await q(`${bf}/design_max_top_working_pressure`).locator("input").fill("0.25");
  await q(`${bf}/design_max_top_working_pressure`).locator("select").selectOption("MPa");
  await q(`${bf}/bleeder_interlock`).getByLabel("设置并正常有效").check();
  await q(`${bf}/bleeder_release_setpoint`).locator("input").fill("280");
  await q(`${bf}/equipment_design_pressure`).locator("input").fill("300");

  const hazard = page.locator('#hazards .finding[data-rule="GM2023-4-5"]');
  await hazard.waitFor({ timeout: 10_000 });
  const text = await hazard.textContent();
  assert.match(text, /第四条第（五）项/);
  assert.match(text, /高炉炉顶压力设定超限或未与放散阀联锁/);
  assert.match(text, /1#高炉（1080 m³）/);
  assert.match(text, /生产期间炉顶工作压力设定值超过设计文件规定的最高工作压力/);
  assert.match(await page.locator("#results .count.hazard").textContent(), /隐患 [1-9]/);

  // Undetermined rules list the answers that would decide them.
  const open = page.locator("#undetermined .finding").first();
  assert.match(await open.textContent(), /回答以下问题即可判定/);

  mkdirSync(outDir, { recursive: true });
  await hazard.locator("details.evidence summary").click();
  await page.screenshot({ path: join(outDir, "form.png"), fullPage: false });

  // A wrong answer is shown at its question, and the results wait for a valid one.
  await q(`${bf}/top_pressure_setpoint`).locator("input").fill("26O");
  await page.locator(`#questions .q.invalid[data-path="${bf}/top_pressure_setpoint"]`).waitFor();
  assert.match(await page.locator("#results .banner.error").textContent(), /炉顶工作压力设定值/);

  // Corrected: the setpoint is below the design maximum, so the rule clears.
  await q(`${bf}/top_pressure_setpoint`).locator("input").fill("240");
  await hazard.waitFor({ state: "detached", timeout: 10_000 });
  await page.locator('#cleared .finding[data-rule="GM2023-4-5"]').waitFor({ state: "attached" });
  assert.equal(await page.locator("#results .banner.error").count(), 0);
  assert.equal(await page.locator('#hazards .finding[data-rule="GM2023-4-5"]').count(), 0);
  await page.screenshot({ path: join(outDir, "form-cleared.png"), fullPage: false });

  // The answers survive a reload (kept in the browser only).
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await q(`${bf}/top_pressure_setpoint`).locator("input").inputValue(), "240");
  await page.locator('#cleared .finding[data-rule="GM2023-4-5"]').waitFor({ state: "attached" });

  assert.deepEqual(pageErrors, []);
});
