import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probabilityText } from "../../src/web/format.js";
import { ADMIN_TOKEN, ROOT, type ServedCity, startServedCity } from "./served-city.js";

// The web page in a real browser (Debian's chromium, driven by playwright-core) against `rodent serve` on a
// pipeline-trained synthetic city: the list matches the API, filters work, a click on the map opens the right
// card, the model view names the champion, no console errors, and axe-core finds no serious violations.
// Screenshots of every view go to test-output/screenshots/.

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.join(ROOT, "test-output", "screenshots");
const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

// biome-ignore lint/suspicious/noExplicitAny: the test reads loose JSON documents
type Json = any;

let city: ServedCity;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

async function api(p: string): Promise<Json> {
  const r = await fetch(`${city.base}${p}`);
  expect(r.status, p).toBe(200);
  return r.json();
}

async function axeViolations(p: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  await p.addScriptTag({ content: readFileSync(AXE, "utf8") });
  return p.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page at run time
    const axe = (window as any).axe;
    const r = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] },
    });
    return r.violations
      .filter((v: Json) => v.impact === "serious" || v.impact === "critical")
      .map((v: Json) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n: Json) => n.target.join(" ")),
      }));
  });
}

async function show(view: string, loaded: string): Promise<void> {
  await page.goto(`${city.base}/#${view}`);
  await page.waitForSelector(`#${view}-view[data-loaded${loaded}]`, { timeout: 20_000 });
}

beforeAll(async () => {
  // Fail, never skip: the test command installs chromium (scripts/tools.sh apt).
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/tools.sh apt (installs Debian's chromium)`);
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "build-web.mjs")], { cwd: ROOT, stdio: "inherit" });
  mkdirSync(SHOTS, { recursive: true });
  city = await startServedCity();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  // The page must not reach anything but its own origin (no CDN, tiles or fonts).
  page.on("request", (r) => {
    if (!r.url().startsWith(city.base) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) {
      consoleErrors.push(`request to another origin: ${r.url()}`);
    }
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await city?.stop();
});

describe("the web page served by rodent serve", () => {
  it("serves the page with caching headers: index no-cache, hashed assets immutable", async () => {
    const index = await fetch(`${city.base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await index.text();
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const asset = await fetch(`${city.base}${js}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${city.base}/no-such-page`)).status).toBe(404);
  });

  it("this week's list loads and matches /v1/rankings", async () => {
    await show("list", '="20|"');
    const want = await api("/v1/rankings?k=20");
    const rows = await page.$$eval("#list-table tbody tr", (trs) =>
      trs.map((tr) => ({
        camis: (tr as HTMLElement).dataset.camis,
        rank: tr.querySelector("td")?.textContent,
        reasons: tr.querySelectorAll("ol.reasons li").length,
      })),
    );
    expect(rows.map((r) => r.camis)).toEqual(want.items.map((i: Json) => i.restaurant.camis));
    expect(rows.map((r) => Number(r.rank))).toEqual(want.items.map((i: Json) => i.rank));
    expect(rows.map((r) => r.reasons)).toEqual(want.items.map((i: Json) => Math.min(3, i.reasons.length)));
    const probs = await page.$$eval("#list-table tbody tr .prob", (es) => es.map((e) => e.textContent));
    expect(probs).toEqual(want.items.map((i: Json) => probabilityText(i.probability)));
    // Never a certainty: no 0 % or 100 % (issue 14), whole percents, "< 1%" / "> 99%" at the ends.
    for (const p of probs) expect(p).toMatch(/^(< 1%|> 99%|\d{1,2}%)$/);
    for (const i of want.items) expect(i.probability > 0 && i.probability < 1).toBe(true);
    expect(await page.textContent("#list-status")).toContain(`Data as of ${want.features_date}`);
    await page.screenshot({ path: path.join(SHOTS, "list.png"), fullPage: false });
  });

  it("borough and k filters ask the API and show its answer", async () => {
    await page.selectOption("#list-borough", "brooklyn");
    await page.selectOption("#list-k", "10");
    await page.waitForSelector('#list-view[data-loaded="10|brooklyn"]');
    const want = await api("/v1/rankings?k=10&borough=brooklyn");
    const got = await page.$$eval("#list-table tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.camis));
    expect(got).toEqual(want.items.map((i: Json) => i.restaurant.camis));
    const boroughs = await page.$$eval('#list-table td[data-label="Borough"]', (tds) => tds.map((t) => t.textContent));
    expect(new Set(boroughs)).toEqual(new Set(["Brooklyn"]));
  });

  it("sorts by a column and exports the list as CSV", async () => {
    await page.click('button[data-sort="name"]');
    const names = await page.$$eval("#list-table tbody tr td:nth-child(2) button", (b) =>
      b.map((x) => x.textContent ?? ""),
    );
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(await page.getAttribute('th:has(button[data-sort="name"])', "aria-sort")).toBe("ascending");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#list-csv")]);
    const file = await download.path();
    const csv = readFileSync(file!, "utf8").trim().split("\r\n");
    expect(csv[0]).toBe(
      "rank,camis,name,address,borough,cuisine,probability,band,reason_1,reason_2,reason_3,data_as_of,model_version",
    );
    expect(csv.length).toBe(11);
  });

  it("is keyboard navigable: the views are links, the list opens a card with Enter", async () => {
    await page.goto(`${city.base}/#list`);
    await page.waitForSelector("#list-view[data-loaded]");
    await page.focus('nav a[href="#model"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector("#model-view:not([hidden])");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("model-title");
    await page.goto(`${city.base}/#list`);
    await page.waitForSelector("#list-view[data-loaded] #list-table tbody tr");
    // back to the whole city in rank order after the filter and sorting tests
    await page.selectOption("#list-borough", "");
    await page.selectOption("#list-k", "20");
    await page.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
    while ((await page.getAttribute('th:has(button[data-sort="rank"])', "aria-sort")) !== "ascending")
      await page.click('button[data-sort="rank"]');
    await page.focus("#list-table tbody tr button.link");
    await page.keyboard.press("Enter");
    await page.waitForSelector('#card[open] [data-testid="card-camis"]');
    // The city's first restaurant: "Rank 1 of N" and a top fraction that is never "top 0%".
    const top = await api("/v1/rankings?k=1");
    const risk = await api(`/v1/restaurants/${top.items[0].restaurant.camis}/risk`);
    const rank = await page.textContent('[data-testid="card-rank"]');
    expect(rank).toContain(`Rank 1 of ${risk.of.toLocaleString("en-US")} active restaurants`);
    expect(rank).not.toMatch(/top 0(\.0+)?%/);
    expect(rank).toMatch(/top 0?\.?\d+%/);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>("#card")?.open);
  });

  it("the map draws hexagons zoomed out, and a click on a point opens that restaurant's card", async () => {
    await show("map", "");
    expect(await page.getAttribute("#map-canvas", "data-mode")).toBe("hexagons");
    await page.screenshot({ path: path.join(SHOTS, "map.png") });
    const all = await api("/v1/restaurants");
    expect(all.n).toBeGreaterThan(100);
    // The restaurant ranked 3rd in the city: zoom in on it, then click where it is drawn.
    const camis = all.camis[2];
    const at = await page.evaluate((c) => {
      // biome-ignore lint/suspicious/noExplicitAny: the map's test handle
      const m = (window as any).rodentMap;
      m.centre(c, 12);
      return m.screenOf(c);
    }, camis);
    expect(await page.getAttribute("#map-canvas", "data-mode")).toBe("points");
    const box = (await page.locator("#map-canvas").boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('#card[open] [data-testid="card-camis"]');
    const risk = await api(`/v1/restaurants/${camis}/risk`);
    const shown = await page.textContent('[data-testid="card-camis"]');
    // The nearest drawn point wins; a restaurant at exactly the same spot would be a different camis at equal
    // distance, and the tie goes to the higher risk (the one drawn on top), which is ours or higher in the list.
    const index = all.camis.indexOf(shown);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index <= 2).toBe(true);
    if (shown === camis) expect(await page.textContent("#card-title")).toBe(risk.restaurant.name);
    await page.screenshot({ path: path.join(SHOTS, "map-card.png") });
    await page.click("#card-close");
  });

  it("the model view shows the champion's version, its gate and the history", async () => {
    await show("model", "");
    const model = await api("/v1/model");
    const history = await api("/v1/model/history");
    expect(await page.getAttribute("#model-view", "data-loaded")).toBe(model.champion.version);
    expect(await page.textContent('[data-testid="served-champion"] .version')).toBe(model.champion.version);
    expect(history.versions.length).toBe(2);
    expect(history.events.some((e: Json) => e.kind === "promoted" && e.version === model.champion.version)).toBe(true);
    expect(await page.$$eval("table.history tbody tr", (r) => r.length)).toBe(history.versions.length);
    expect(await page.textContent('[data-testid="metrics-champion"]')).toContain("Status quo");
    await page.screenshot({ path: path.join(SHOTS, "model.png"), fullPage: true });
  });

  it("the health view shows one verdict, the 311 stream, drift with histograms, requests, latency and the replay", async () => {
    await show("health", "");
    const mon = await api("/v1/monitoring");
    expect(mon.population).not.toBeNull();
    expect(["ok", "watch", "act"]).toContain(mon.verdict.level);
    // One verdict for the window, and one per part (311 stream, population), each with its reasons.
    expect(await page.$$eval(".verdict", (v) => v.length)).toBeGreaterThanOrEqual(2);
    const tables = await page.$$eval("table.drift caption", (t) => t.map((c) => c.textContent ?? ""));
    expect(tables.some((c) => c.startsWith(`Every active restaurant now: ${mon.population.n} rows`))).toBe(true);
    // Reference vs now per feature: a small chart in every row.
    expect(await page.$$eval("table.drift tbody tr svg.hist", (s) => s.length)).toBeGreaterThan(5);
    expect(await page.$$eval("table.stream tbody tr", (r) => r.length)).toBe(6); // five boroughs + volume
    expect(await page.$$eval("table.requests tbody tr", (r) => r.length)).toBeGreaterThan(0);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("figure.replay img");
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.$$eval("table.replay-summary tbody tr", (r) => r.length)).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, "health.png"), fullPage: true });
  });

  it("axe-core finds no serious or critical violations in any view", async () => {
    // axe is injected as an inline script, which the page's CSP rightly refuses: this context bypasses it.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await ctx.newPage();
    try {
      for (const view of ["list", "map", "model", "health"]) {
        await p.goto(`${city.base}/#${view}`);
        await p.waitForSelector(`#${view}-view[data-loaded]`, { timeout: 20_000 });
        expect(await axeViolations(p), view).toEqual([]);
      }
      await p.goto(`${city.base}/#list`);
      await p.waitForSelector("#list-table tbody tr button.link");
      await p.click("#list-table tbody tr button.link");
      await p.waitForSelector('#card[open] [data-testid="card-camis"]');
      expect(await axeViolations(p), "risk card").toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("fits a phone: no sideways scrolling of the list", async () => {
    const phone = await browser.newPage({
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    phone.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await phone.goto(`${city.base}/#list`);
    await phone.waitForSelector("#list-view[data-loaded] #list-table tbody tr");
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: path.join(SHOTS, "list-phone.png") });
    await phone.close();
  });

  it("after a rollback the banner says a reload is pending, and a reload clears it and shows the champion", async () => {
    const before = await api("/v1/model");
    expect(before.notices).toEqual([]);
    // `rodent rollback` as an operator runs it, against the same home; the service polls no registry (poll 0).
    const out = execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "rollback", "--json"], {
      cwd: ROOT,
      env: { ...process.env, RODENT_HOME: city.home, RODENT_LOG_LEVEL: "warn" },
    }).toString();
    const rolledTo = String(JSON.parse(out).moves?.find((m: Json) => m.alias === "champion")?.to ?? "1");
    expect(rolledTo).not.toBe(before.champion.version);
    await page.goto(`${city.base}/#model`);
    await page.waitForSelector('#banner:not([hidden]) [data-code="reload_pending"]', { timeout: 20_000 });
    await page.waitForSelector(`[data-testid="pending-champion"]`);
    const banner = await page.textContent("#banner");
    expect(banner).toContain(`the registry's champion is version ${rolledTo}`);
    expect(banner).toContain(`still serves version ${before.champion.version}`);
    expect(await page.textContent('[data-testid="serving-snapshot"]')).toContain(before.serving.snapshot);
    await page.screenshot({ path: path.join(SHOTS, "model-banner.png"), fullPage: true });
    // the list view carries the same banner (the whole city's top 20, as the page opens)
    await page.goto(`${city.base}/#list`);
    await page.waitForSelector('#banner:not([hidden]) [data-code="reload_pending"]');
    await page.selectOption("#list-borough", "");
    await page.selectOption("#list-k", "20");
    await page.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
    while ((await page.getAttribute('th:has(button[data-sort="rank"])', "aria-sort")) !== "ascending")
      await page.click('button[data-sort="rank"]');
    await page.screenshot({ path: path.join(SHOTS, "list-banner.png"), fullPage: false });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await ctx.newPage();
    try {
      await p.goto(`${city.base}/#model`);
      await p.waitForSelector('#banner:not([hidden]) [data-code="reload_pending"]');
      expect(await axeViolations(p), "banner").toEqual([]);
    } finally {
      await ctx.close();
    }
    // The operator reloads: the banner goes within a few seconds and the model view names the new champion.
    const reload = await fetch(`${city.base}/admin/reload`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(reload.status).toBe(200);
    await page.goto(`${city.base}/#model`);
    await page.waitForSelector("#banner[hidden]", { state: "attached", timeout: 20_000 });
    await page.waitForFunction(
      (v) => document.querySelector('[data-testid="served-champion"] .version')?.textContent === v,
      rolledTo,
    );
    expect((await api("/v1/model")).notices).toEqual([]);
  });

  it("logged no console errors and asked no other origin", () => {
    expect(consoleErrors).toEqual([]);
  });
});
