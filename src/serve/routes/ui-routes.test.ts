import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { createObjectStore } from "../../data/index.js";
import { buildReferenceProfile } from "../../features/profile.js";
import { buildApp } from "../app.js";
import webStatic from "../plugins/web-static.js";
import { type TestService, testService } from "../test-helper.js";
import uiMonitoring from "./ui-monitoring.js";

// The web page's read-only routes on a real registry (embedded, temp RODENT_HOME) and the static plugin's headers.

let svc: TestService;
let app: FastifyInstance;
beforeAll(async () => {
  svc = await testService({ canaryShare: 0.25 });
  await svc.tracking.registry.setModelVersionTag("rodent-risk", svc.versions[0], "rodent.gate", "passed");
  await svc.tracking.registry.setModelVersionTag("rodent-risk", svc.versions[1], "rodent.gate", "refused");
  await svc.tracking.registry.setModelVersionTag(
    "rodent-risk",
    svc.versions[1],
    "rodent.gate_reasons",
    JSON.stringify(["auc 0.51 < floor 0.6"]),
  );
  app = await buildApp({
    host: svc.host,
    pressure: { maxEventLoopDelay: 0 },
    web: { config: loadConfig({ RODENT_HOME: svc.home, RODENT_LOG_LEVEL: "silent" }) },
  });
});
afterAll(async () => {
  await app?.close();
  await svc?.close();
});

describe("GET /v1/restaurants", () => {
  it("lists every active restaurant, highest risk first, in the same order as the rankings", async () => {
    const r = await app.inject("/v1/restaurants");
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.n).toBe(svc.city.camis.length);
    for (const k of ["camis", "name", "borough", "lat", "lon", "probability", "band"]) expect(d[k]).toHaveLength(d.n);
    for (let i = 1; i < d.n; i++) expect(d.probability[i]).toBeLessThanOrEqual(d.probability[i - 1]);
    const top = (await app.inject("/v1/rankings?k=10")).json();
    expect(d.camis.slice(0, 10)).toEqual(top.items.map((x: { restaurant: { camis: string } }) => x.restaurant.camis));
    expect(d.bands[d.band[0]]).toBe("high");
    expect(d.bands[d.band[d.n - 1]]).toBe("low");
    expect(r.headers["x-model-version"]).toBe(svc.versions[0]);
  });
});

describe("GET /v1/model/history", () => {
  it("lists the registry's versions with gate decisions, newest first", async () => {
    const d = (await app.inject("/v1/model/history")).json();
    expect(d.versions.map((v: { version: string }) => v.version)).toEqual([...svc.versions].reverse());
    expect(d.aliases.champion).toBe(svc.versions[0]);
    const refused = d.versions.find((v: { version: string }) => v.version === svc.versions[1]);
    expect(refused).toMatchObject({ gate: "refused", gate_reasons: ["auc 0.51 < floor 0.6"] });
    expect(d.events.find((e: { kind: string }) => e.kind === "refused")).toMatchObject({ version: svc.versions[1] });
  });

  it("without a registry handle, is what the host serves", async () => {
    const d = (await svc.app.inject("/v1/model/history")).json();
    expect(d.versions.map((v: { version: string }) => v.version)).toEqual([svc.versions[0]]);
  });
});

describe("GET /v1/replay", () => {
  it("says none is available until a replay has written its output, then serves it and the chart", async () => {
    expect((await app.inject("/v1/replay")).json()).toEqual({
      available: false,
      results: null,
      chart: null,
      recommendation: null,
      meta: null,
    });
    expect((await app.inject("/v1/replay/chart.svg")).statusCode).toBe(404);
    const dir = path.join(svc.home, "replay", "latest");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "replay.json"), JSON.stringify([{ policy: "drift", summary: { weeks: 3 } }]));
    writeFileSync(path.join(dir, "replay.svg"), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const d = (await app.inject("/v1/replay")).json();
    expect(d).toMatchObject({ available: true, chart: "/v1/replay/chart.svg" });
    expect(d.results[0].policy).toBe("drift");
    // `rodent replay` writes {meta, recommendation, results}: the recommendation and meta come through
    writeFileSync(
      path.join(dir, "replay.json"),
      JSON.stringify({
        meta: { source: "dir:/x" },
        recommendation: { policy: "never", reason: "within noise, no retrains" },
        results: [{ policy: "never", summary: { weeks: 3 } }],
      }),
    );
    expect((await app.inject("/v1/replay")).json()).toMatchObject({
      available: true,
      recommendation: { policy: "never" },
      meta: { source: "dir:/x" },
    });
    const svg = await app.inject("/v1/replay/chart.svg");
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toContain("image/svg+xml");
  });

  it("a corrupt replay.json is RODENT_ERR_STORED_FILE naming the file and the fix, not an anonymous 500", async () => {
    const dir = path.join(svc.home, "replay", "latest");
    const file = path.join(dir, "replay.json");
    mkdirSync(dir, { recursive: true });
    try {
      // cut off mid-write (an older replay or a full disk), then JSON that holds no replay
      for (const [text, what] of [
        ['{"meta":{"source":"dir:/x"},"results":[{"pol', "is not valid JSON"],
        ["", "is not valid JSON"],
        ["42", "holds a number"],
        ["null", "holds null"],
      ] as const) {
        writeFileSync(file, text);
        const r = await app.inject("/v1/replay");
        expect(r.statusCode).toBe(500);
        const e = r.json();
        expect(e.code).toBe("RODENT_ERR_STORED_FILE");
        expect(e.message).toContain(file);
        expect(e.message).toContain(what);
        expect(e.message).toContain("rodent replay");
        expect(e.hint).toContain("names it");
      }
      // the chart stays readable and a good file is served again at once
      expect((await app.inject("/v1/replay/chart.svg")).statusCode).toBe(200);
      writeFileSync(file, JSON.stringify({ results: [{ policy: "weekly" }] }));
      expect((await app.inject("/v1/replay")).json()).toMatchObject({
        available: true,
        results: [{ policy: "weekly" }],
      });
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe("web-static", () => {
  it("serves index.html no-cache with a CSP and hashed assets immutable; 503 with the fix when not built", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "rodent-web-root-"));
    try {
      mkdirSync(path.join(root, "assets"));
      writeFileSync(path.join(root, "index.html"), "<!doctype html><title>x</title>");
      writeFileSync(path.join(root, "assets", "app-ABC123.js"), "export {};");
      const s = Fastify();
      await s.register(webStatic, { root });
      const index = await s.inject("/");
      expect(index.statusCode).toBe(200);
      expect(index.headers["cache-control"]).toBe("no-cache");
      expect(index.headers["content-security-policy"]).toContain("default-src 'self'");
      const js = await s.inject("/assets/app-ABC123.js");
      expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect((await s.inject("/assets/nope.js")).statusCode).toBe(404);
      await s.close();

      const empty = Fastify();
      await empty.register(webStatic, { root: path.join(root, "missing") });
      const r = await empty.inject("/");
      expect(r.statusCode).toBe(503);
      expect(r.body).toContain("npm run build");
      await empty.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("GET /v1/monitoring (ui-monitoring)", () => {
  it("reports the population window with one verdict, the request sample (never judged) and the outcomes", async () => {
    const champion = svc.host.state.champion!;
    champion.model.meta.reference_profile = buildReferenceProfile(svc.city.table, champion.scores, {
      basis: "every active restaurant at load (test)",
      asOf: svc.city.asOf,
    });
    const store = createObjectStore(loadConfig({ RODENT_HOME: svc.home }));
    const mon = Fastify();
    mon.decorate("modelHost", svc.host);
    // The monitoring plugin's decorators, as the service's own app has them.
    mon.decorate("liveWindow", svc.app.liveWindow);
    mon.decorate("population", svc.app.population);
    mon.decorate("outcomes", svc.app.outcomes);
    await mon.register(uiMonitoring, { prefix: "/v1", store });
    try {
      const before = (await mon.inject("/v1/monitoring")).json();
      expect(before.model).toMatchObject({ version: champion.ref.version, has_reference_profile: true });
      expect(before.data_date).toBe(svc.city.asOf);
      // No records behind this fixed table: the population is compared with the model's profile (the same rows
      // here: nothing may drift, and identical data gives p = 1).
      expect(before.population.n).toBe(svc.city.camis.length);
      expect(before.population.drifted).toEqual([]);
      expect(before.population.score.pValue).toBe(1);
      expect(before.serving_drift).toEqual(before.population);
      expect(["ok", "watch"]).toContain(before.verdict.level);
      expect(before.stream).toBeNull();
      const scored = before.requests.scored;
      // Risk lookups answered by the champion join the request sample (rankings do not: same table re-read).
      let champ = 0;
      for (const camis of svc.city.camis.slice(0, 40)) {
        const r = await svc.app.inject(`/v1/restaurants/${camis}/risk`);
        if (r.json().model.role === "champion") champ++;
      }
      const after = (await mon.inject("/v1/monitoring")).json();
      expect(after.requests.scored).toBe(scored + champ);
      expect(after.drift.n).toBe(after.requests.sampled);
      expect(after.drift.columns.every((c: { judged: boolean }) => !c.judged)).toBe(true);
    } finally {
      await mon.close();
      delete champion.model.meta.reference_profile;
    }
  });
});
