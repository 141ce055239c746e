// /docs (Swagger UI) in a real browser (Debian's chromium via playwright-core) over plain http: the page renders the
// operations and the console has no error, in particular no CSP violation (docs/hardening.md: the plugin's default CSP
// blocked swagger-ui's inline style and asked for https with upgrade-insecure-requests).
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listeningService, type TestService } from "../../src/serve/test-helper.js";

const CHROMIUM = "/usr/bin/chromium";
let svc: TestService & { base: string };
let browser: Browser;

beforeAll(async () => {
  // Fail, never skip: the test command installs chromium (scripts/tools.sh apt).
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/tools.sh apt`);
  svc = await listeningService({});
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe("/docs in a browser", () => {
  it("renders every operation with no console error and no request leaving the service", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const outside: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => {
      if (!r.url().startsWith(svc.base) && !r.url().startsWith("data:")) outside.push(r.url());
    });
    await page.goto(`${svc.base}/docs`);
    await page.waitForSelector(".opblock", { timeout: 30_000 });
    const ops = await page.locator(".opblock-summary-path").allTextContents();
    expect(ops.map((t) => t.replace(/\u200b/g, ""))).toEqual(
      expect.arrayContaining(["/v1/predict", "/v1/rankings", "/v1/restaurants/{camis}/risk"]),
    );
    await page.locator(".opblock-summary").first().click();
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });
});
