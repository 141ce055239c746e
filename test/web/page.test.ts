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
        reasons: tr.querySelectorAll("ul.chips li").length,
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

  it("compact rows: more than the 4 rows of before fit a 1440×900 screen", async () => {
    const big = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await big.goto(`${city.base}/#list?k=20`);
      await big.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
      const visible = await big.$$eval(
        "#list-table tbody tr",
        (trs) => trs.filter((tr) => tr.getBoundingClientRect().bottom <= window.innerHeight).length,
      );
      console.log(`[web] rows fully visible at 1440×900: ${visible} of 20`);
      expect(visible).toBeGreaterThanOrEqual(6);
    } finally {
      await big.close();
    }
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
      "rank,city_rank,camis,name,address,borough,cuisine,latitude,longitude,probability,band,last_inspection_date," +
        "last_inspection_type,last_inspection_result,days_since_last_inspection,reinspection_due,reason_1,reason_2," +
        "reason_3,data_as_of,model_version",
    );
    expect(csv.length).toBe(11);
    // lat/lon and the inspection context are in every row, numbers as numbers (a longitude stays negative).
    const want = await api("/v1/rankings?k=10&borough=brooklyn");
    const byCamis = new Map(want.items.map((i: Json) => [i.restaurant.camis, i]));
    for (const line of csv.slice(1)) {
      const cells = line.split(",");
      const it = byCamis.get(cells[2]) as Json;
      expect(it, cells[2]).toBeDefined();
      expect(line).toContain(`,${it.restaurant.lat},${it.restaurant.lon},`);
      expect(line).toContain(`${it.inspection.last_date},${it.inspection.last_type}`);
      expect(line).toContain(`,${it.inspection.days_since},${it.inspection.reinspection_due ? "yes" : "no"},`);
    }
  });

  it("exports a hostile name as text, not a formula, with runs of spaces collapsed", async () => {
    // The served synthetic city has no hostile names, so this test rewrites the API's answer in the browser: the
    // export code under test is the page's own.
    const hostile = [
      '=HYPERLINK("http://x","a")',
      "+1+1",
      "-2+3",
      "@SUM(A1)",
      "\tTAB",
      "\rCR",
      "JOE'S    PIZZA   \n  NYC",
    ];
    await page.route("**/v1/rankings?*", async (route) => {
      const r = await route.fetch();
      const b = await r.json();
      b.items.forEach((it: Json, n: number) => {
        if (n < hostile.length) it.restaurant.name = hostile[n];
      });
      b.items[0].restaurant.address = "=cmd|' /C calc'!A0";
      await route.fulfill({ response: r, json: b });
    });
    try {
      await page.goto(`${city.base}/#list?k=10`);
      await page.waitForSelector('#list-view[data-loaded="10|"] #list-table tbody tr');
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#list-csv")]);
      const text = readFileSync((await download.path())!, "utf8");
      const rows = text.trim().split("\r\n").slice(1);
      expect(rows).toHaveLength(10);
      const names = rows.map((l) => /^\d+,\d+,[^,]+,("(?:[^"]|"")*"|[^,]*)/.exec(l)?.[1]);
      expect(names.slice(0, hostile.length)).toEqual([
        `"'=HYPERLINK(""http://x"",""a"")"`,
        `"'+1+1"`,
        `"'-2+3"`,
        `"'@SUM(A1)"`,
        "TAB",
        "CR",
        `"JOE'S PIZZA NYC"`,
      ]);
      expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
      // No cell anywhere starts with a formula character (negative numbers are numbers, not text).
      for (const l of rows)
        for (const cell of l.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g) ?? [])
          expect(cell.replace(/^"/, "")).not.toMatch(/^[=+@\t\r]/);
    } finally {
      await page.unroute("**/v1/rankings?*");
    }
  });

  it("filters out recently inspected and already-due restaurants, and keeps the state in the address", async () => {
    await page.goto(`${city.base}/#list?k=20`);
    await page.waitForSelector('#list-view[data-loaded="20|"][data-filters="0|0"] #list-table tbody tr');
    const plain = await api("/v1/rankings?k=20");
    // The unfiltered list carries restaurants the filters must remove: a re-inspection due, or a visit in 90 days.
    const removable = plain.items.filter((i: Json) => i.inspection.reinspection_due || i.inspection.days_since < 90);
    expect(removable.length).toBeGreaterThan(0);
    await page.selectOption("#list-days", "90");
    await page.check("#list-notdue");
    await page.waitForSelector('#list-view[data-filters="90|1"] #list-table tbody tr');
    expect(page.url()).toContain("#list?k=20&days=90&notdue=1");
    const want = await api("/v1/rankings?k=20&not_inspected_days=90&not_due=true");
    expect(want.matching).toBeLessThan(want.total);
    for (const it of want.items) {
      expect(it.inspection.reinspection_due).toBe(false);
      if (it.inspection.days_since !== null) expect(it.inspection.days_since).toBeGreaterThanOrEqual(90);
    }
    const rows = await page.$$eval("#list-table tbody tr", (trs) =>
      trs.map((tr) => ({ camis: (tr as HTMLElement).dataset.camis, due: (tr as HTMLElement).dataset.due ?? null })),
    );
    expect(rows.map((r) => r.camis)).toEqual(want.items.map((i: Json) => i.restaurant.camis));
    expect(rows.every((r) => r.due === null)).toBe(true);
    for (const r of removable) expect(rows.some((x) => x.camis === r.restaurant.camis)).toBe(false);
    // Ranks are the whole list's: a filtered list keeps the numbers of the unfiltered one.
    expect(want.items[0].rank).toBeGreaterThanOrEqual(1);
    expect(await page.textContent("#list-table caption")).toContain("not inspected in the last 90 days");
    await page.screenshot({ path: path.join(SHOTS, "list-leads.png") });
    // A bookmark opens the same list.
    const other = await context.newPage();
    await other.goto(`${city.base}/#list?borough=brooklyn&k=10&days=90&notdue=1&sort=name`);
    await other.waitForSelector('#list-view[data-loaded="10|brooklyn"][data-filters="90|1"] #list-table tbody tr');
    expect(await other.inputValue("#list-borough")).toBe("brooklyn");
    expect(await other.isChecked("#list-notdue")).toBe(true);
    expect(await other.getAttribute('th:has(button[data-sort="name"])', "aria-sort")).toBe("ascending");
    await other.close();
    await page.selectOption("#list-days", "0");
    await page.uncheck("#list-notdue");
    await page.waitForSelector('#list-view[data-filters="0|0"] #list-table tbody tr');
  });

  it("says a failure in plain words with the next step, and clears the stale rows", async () => {
    await page.goto(`${city.base}/#list?k=20`);
    await page.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
    await page.route("**/v1/rankings?*", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({
          statusCode: 503,
          code: "RODENT_ERR_UNAVAILABLE",
          error: "Service Unavailable",
          message: "no model or serving table loaded yet; see /health/ready",
        }),
      }),
    );
    const errorsBefore = consoleErrors.length;
    try {
      await page.selectOption("#list-borough", "queens");
      await page.waitForSelector("#list-status .error");
      // The browser logs the 503 this test made up; only that one is expected.
      expect(consoleErrors.slice(errorsBefore).every((e) => e.includes("503"))).toBe(true);
      consoleErrors.splice(errorsBefore);
      const status = await page.textContent("#list-status");
      expect(status).toContain("no model loaded yet");
      expect(status).toContain("press Refresh");
      expect(status).not.toContain("/health/ready");
      expect(await page.$$eval("#list-table tbody tr", (r) => r.length)).toBe(0);
      expect(await page.isDisabled("#list-csv")).toBe(true);
    } finally {
      await page.unroute("**/v1/rankings?*");
    }
    await page.selectOption("#list-borough", "");
    await page.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
    expect(await page.isDisabled("#list-csv")).toBe(false);
  });

  it("prints a borough's top 20 as a one-page route sheet (A4 and Letter)", async () => {
    for (const borough of ["brooklyn", "manhattan"]) {
      await page.goto(`${city.base}/#list?borough=${borough}&k=20`);
      await page.waitForSelector(`#list-view[data-loaded="20|${borough}"] #list-table tbody tr`);
      expect(await page.$$eval("#list-table tbody tr", (r) => r.length)).toBe(20);
      await page.emulateMedia({ media: "print" });
      try {
        for (const format of ["A4", "Letter"]) {
          const pdf = (await page.pdf({ format, printBackground: false })).toString("latin1");
          const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
          expect(pages, `${borough} ${format}`).toBe(1);
        }
        if (borough === "brooklyn") await page.screenshot({ path: path.join(SHOTS, "list-print.png"), fullPage: true });
      } finally {
        await page.emulateMedia({ media: "screen" });
      }
    }
  });

  it("flags old data with a red badge and shows the inspection context on the card", async () => {
    await page.goto(`${city.base}/#list?k=20`);
    await page.waitForSelector('#list-view[data-loaded="20|"] #list-table tbody tr');
    const settings = await api("/v1/ui/settings");
    expect(settings.stale_after_days).toBe(14);
    const days = Number(await page.getAttribute("#list-age", "data-days"));
    expect(days).toBeGreaterThan(14); // the synthetic city ends in 2023
    expect(await page.getAttribute("#list-age", "class")).toContain("age-stale");
    const top = (await api("/v1/rankings?k=1")).items[0];
    await page.click("#list-table tbody tr button.link");
    await page.waitForSelector('#card[open] [data-testid="card-history"]');
    const last = await page.textContent('[data-testid="card-last"]');
    expect(last).toContain(`Last inspected ${top.inspection.last_date}`);
    expect(await page.$$eval('[data-testid="card-history"] tbody tr', (r) => r.length)).toBe(
      top.inspection.history.length,
    );
    expect(await page.textContent('[data-testid="card-due"]')).toContain(
      top.inspection.reinspection_due ? "Re-inspection already due" : "No re-inspection pending",
    );
    // Reasons say where the restaurant stands among all active restaurants.
    expect(await page.textContent("#card ol.reasons")).toMatch(/(higher|lower) than \d+%|true of/);
    await page.screenshot({ path: path.join(SHOTS, "card.png") });
    await page.click("#card-close");
  });

  it("compresses JSON and assets with brotli or gzip", async () => {
    const { request } = await import("node:http");
    const get = (p: string, enc: string) =>
      new Promise<{ encoding: string | undefined; bytes: number }>((resolve, reject) => {
        request(`${city.base}${p}`, { headers: { "accept-encoding": enc } }, (res) => {
          let bytes = 0;
          res.on("data", (c: Buffer) => {
            bytes += c.length;
          });
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes }));
        })
          .on("error", reject)
          .end();
      });
    const plain = await get("/v1/restaurants", "identity");
    const br = await get("/v1/restaurants", "br, gzip");
    const gz = await get("/v1/restaurants", "gzip");
    expect(plain.encoding).toBeUndefined();
    expect(br.encoding).toBe("br");
    expect(gz.encoding).toBe("gzip");
    expect(br.bytes).toBeLessThan(plain.bytes / 2.5);
    expect(gz.bytes).toBeLessThan(plain.bytes / 2.5);
    const html = await (await fetch(`${city.base}/`)).text();
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1] as string;
    expect((await get(js, "br")).encoding).toBe("br");
    const rk = await get("/v1/rankings?k=500", "gzip");
    expect(rk.encoding).toBe("gzip");
    console.log(
      `[web] /v1/restaurants ${plain.bytes} B, br ${br.bytes} B, gzip ${gz.bytes} B; /v1/rankings?k=500 gzip ${rk.bytes} B`,
    );
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
    // The restaurant ranked 301st in the city (not pinned: pins select, dots open cards): zoom in, click it.
    const camis = all.camis[300];
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
    expect(index <= 300).toBe(true);
    if (shown === camis) expect(await page.textContent("#card-title")).toBe(risk.restaurant.name);
    await page.screenshot({ path: path.join(SHOTS, "map-card.png") });
    await page.click("#card-close");
  });

  it("the map pins the week's list (pin ↔ row), finds a restaurant by name or CAMIS, states its thresholds", async () => {
    await page.goto(`${city.base}/#list?k=10`);
    await page.waitForSelector('#list-view[data-loaded="10|"] #list-table tbody tr');
    const list = await api("/v1/rankings?k=10");
    await page.goto(`${city.base}/#map`);
    await page.waitForSelector("#map-view[data-loaded]");
    await page.waitForFunction((n) => document.querySelectorAll("#map-pins li").length === n, list.items.length);
    const pinned = await page.$$eval("#map-pins li", (lis) => lis.map((l) => (l as HTMLElement).dataset.camis));
    expect(pinned).toEqual(list.items.map((i: Json) => i.restaurant.camis));
    // A pin click selects its row beside the map (and focuses it).
    const third = list.items[2].restaurant.camis;
    const box = (await page.locator("#map-canvas").boundingBox())!;
    const at = await page.evaluate((c) => {
      // biome-ignore lint/suspicious/noExplicitAny: the map's test handle
      const m = (window as any).rodentMap;
      m.centre(c, 6);
      return m.screenOf(c);
    }, third);
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector(`#map-pins li[data-camis="${third}"][aria-current="true"]`);
    expect(await page.getAttribute("#map-canvas", "data-selected")).toBe(third);
    // A row click selects its pin and centres it.
    const fifth = list.items[4].restaurant.camis;
    await page.click(`#map-pins li[data-camis="${fifth}"] button.link`);
    expect(await page.getAttribute("#map-canvas", "data-selected")).toBe(fifth);
    const centre = await page.evaluate(
      // biome-ignore lint/suspicious/noExplicitAny: the map's test handle
      (c) => (window as any).rodentMap.screenOf(c),
      fifth,
    );
    expect(Math.abs(centre.x - box.width / 2)).toBeLessThan(2);
    await page.screenshot({ path: path.join(SHOTS, "map-pins.png") });
    // Search: by CAMIS, then by part of a name in any case.
    const all = await api("/v1/restaurants");
    const target = all.camis[40];
    await page.fill("#map-q", target);
    await page.press("#map-q", "Enter");
    await page.waitForFunction(
      (c) => document.querySelector("#map-canvas")?.getAttribute("data-selected") === c,
      target,
    );
    expect(await page.textContent("#map-status")).toContain(`CAMIS ${target}`);
    const word = all.name[40].split(/\s+/).find((w: string) => w.length >= 4) ?? all.name[40];
    await page.fill("#map-q", word.toLowerCase());
    await page.press("#map-q", "Enter");
    const first = all.name.findIndex((n: string) => n.toLowerCase().includes(word.toLowerCase()));
    await page.waitForFunction(
      (c) => document.querySelector("#map-canvas")?.getAttribute("data-selected") === c,
      all.camis[first],
    );
    expect(await page.textContent("#map-status")).toMatch(/\d+ match(es)? for/);
    // Thresholds are stated; zoomed out, the harbour stays water (hexagons are clipped to land).
    expect(await page.textContent("#map-thresholds")).toContain("45% or more");
    // biome-ignore lint/suspicious/noExplicitAny: the map's test handle
    await page.evaluate(() => (window as any).rodentMap.fit());
    expect(await page.getAttribute("#map-canvas", "data-mode")).toBe("hexagons");
    const water = await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: the map's test handle
      const m = (window as any).rodentMap;
      const c = document.querySelector<HTMLCanvasElement>("#map-canvas")!;
      const dpr = window.devicePixelRatio || 1;
      // Upper New York Bay and the East River at 34th Street: water, next to dense restaurants.
      return [
        [-74.045, 40.665],
        [-73.967, 40.742],
      ].map(([lon, lat]) => {
        const p = m.screenOfLonLat(lon, lat);
        return Array.from(c.getContext("2d")!.getImageData(Math.round(p.x * dpr), Math.round(p.y * dpr), 1, 1).data);
      });
    });
    for (const px of water) expect(px.slice(0, 3)).toEqual([0xdf, 0xe8, 0xef]);
    await page.screenshot({ path: path.join(SHOTS, "map-hexagons.png") });
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
    // What an operator checks before trusting it: the gate's checks with bounds and values, calibration, boroughs.
    const ev = await api("/v1/model/evaluation");
    expect(ev.version).toBe(model.champion.version);
    expect(ev.gate.checks.length).toBeGreaterThan(2);
    const checks = await page.$$eval('[data-testid="gate-checks"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? "")),
    );
    expect(checks).toHaveLength(ev.gate.checks.length);
    ev.gate.checks.forEach((c: Json, k: number) => {
      expect(checks[k][1]).toBe(c.scope);
      expect(checks[k][3]).toMatch(c.comparison === "<=" ? /^≤ / : /^≥ /);
      expect(checks[k][5]).toBe(c.passed ? "passed" : "failed");
    });
    expect(await page.textContent('[data-testid="ece"]')).toBe(ev.test.ece.toFixed(3));
    expect(await page.textContent('[data-testid="brier"]')).toBe(ev.test.brier.toFixed(4));
    expect(ev.test.reliability.length).toBeGreaterThan(0);
    expect(await page.$$eval("svg.reliability circle", (c) => c.length)).toBe(
      ev.test.reliability.filter((b: Json) => b.n > 0).length,
    );
    const boroughRows = await page.$$eval('[data-testid="by-borough"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? "")),
    );
    expect(boroughRows).toHaveLength(Object.keys(ev.test.by_borough).length);
    for (const [b, m] of Object.entries(ev.test.by_borough) as [string, Json][]) {
      const row = boroughRows.find((r) => r[0] === b)!;
      expect(row[2].replace(/few$/, "")).toBe(m.positives.toLocaleString("en-US"));
    }
    expect(await page.textContent('[data-testid="business"]')).toMatch(/days sooner/);
    expect(await page.textContent('[data-testid="cmd-rollback"]')).toBe("rodent rollback --dry-run\nrodent rollback");
    const promote = await page.textContent('[data-testid="cmd-promote"]');
    expect(promote).toContain(`--to champion --expect ${model.champion.version}`);
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

  it("fits a phone: no view scrolls sideways at 390 px, and axe finds nothing serious there", async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
    });
    const phone = await ctx.newPage();
    phone.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    try {
      for (const view of ["list", "map", "model", "health"]) {
        await phone.goto(`${city.base}/#${view}`);
        await phone.waitForSelector(`#${view}-view[data-loaded]`, { timeout: 20_000 });
        if (view === "list") await phone.waitForSelector("#list-table tbody tr");
        const overflow = await phone.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, view).toBeLessThanOrEqual(0);
        expect(await axeViolations(phone), `${view} at 390 px`).toEqual([]);
        await phone.screenshot({ path: path.join(SHOTS, `${view}-phone.png`), fullPage: view !== "map" });
      }
    } finally {
      await ctx.close();
    }
  });

  it("after a rollback the banner says a reload is pending, and a reload clears it and shows the champion", async () => {
    const before = await api("/v1/model");
    expect(before.notices).toEqual([]);
    // No page polls the banner meanwhile: a poll that saw the pending reload would make the service load it at once
    // (GET /v1/model asks for the reload), and the banner could be gone before the page below looks for it.
    await page.goto("about:blank");
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
