import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SCHEMA } from "../features/index.js";
import { rocAuc } from "../model/index.js";
import { buildApp } from "./app.js";
import { bandOf, topFraction } from "./bands.js";
import { rowsToTable } from "./routes/predict.js";
import { readRow } from "./served-model.js";
import { syntheticLabels } from "./test-fixtures.js";
import { type TestService, testService } from "./test-helper.js";

const names = FEATURE_SCHEMA.features.map((f) => f.name);

/** A valid row (object keyed by feature name) from serving row i. */
function rowOf(svc: TestService, i: number): Record<string, number | null> {
  const r = readRow(svc.city.table, i);
  return Object.fromEntries(names.map((n, j) => [n, Number.isNaN(r[j]) ? null : r[j]]));
}

let svc: TestService;
beforeAll(async () => {
  svc = await testService({ adminToken: "test-admin-token-0123456789", canaryShare: 0.25 });
});
afterAll(async () => {
  await svc?.close();
});

describe("health and metadata", () => {
  it("is live and ready, with the champion and the snapshot", async () => {
    expect((await svc.app.inject("/health/live")).json()).toEqual({ status: "ok" });
    const r = await svc.app.inject("/health/ready");
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: "ready", champion: svc.versions[0], canary: null, snapshot: "snap-test" });
  });

  it("is not ready before a model is loaded, and prediction routes answer 503 with Retry-After", async () => {
    const cold = await testService({ refresh: false });
    try {
      const r = await cold.app.inject("/health/ready");
      expect(r.statusCode).toBe(503);
      expect(r.json().status).toBe("not-ready");
      const p = await cold.app.inject("/v1/rankings");
      expect(p.statusCode).toBe(503);
      expect(p.headers["retry-after"]).toBe("5");
      expect(p.json().code).toBe("RODENT_ERR_UNAVAILABLE");
    } finally {
      await cold.close();
    }
  });

  it("GET /v1/model describes the champion, the serving table and the feature schema", async () => {
    const r = await svc.app.inject("/v1/model");
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.champion).toMatchObject({
      name: "rodent-risk",
      version: svc.versions[0],
      alias: "champion",
      role: "champion",
    });
    expect(b.champion.training_snapshot).toBe("snap-test1");
    expect(b.canary).toBeNull();
    expect(b.serving).toMatchObject({
      snapshot: "snap-test",
      snapshot_name: "unknown source",
      features_date: "2024-06-01",
      restaurants: 300,
      poll_seconds: 0,
    });
    expect(b.champion.calibration).toBe(svc.models[0].calibration.kind);
    expect(b.registry).toMatchObject({ champion: svc.versions[0], canary: null });
    // The tiny models were trained on "snap-test1", the service scores "snap-test": the banner says so.
    expect(b.notices.map((n: { code: string }) => n.code)).toEqual(["training_snapshot_differs"]);
    expect(b.notices[0].message).toMatch(
      /trained on snapshot snap-test1; this service scores restaurants from snapshot snap-test/,
    );
    expect(b.feature_schema.version).toBe(FEATURE_SCHEMA.version);
    expect(b.feature_schema.features.map((f: { name: string }) => f.name)).toEqual(names);
  });

  it("serves the OpenAPI document, whose predict body is the feature schema, and the docs UI without a CDN", async () => {
    const doc = (await svc.app.inject("/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/restaurants/{camis}/risk",
        "/v1/predict",
        "/v1/rankings",
        "/v1/model",
        "/health/ready",
      ]),
    );
    const body = doc.paths["/v1/predict"].post.requestBody.content["application/json"].schema;
    expect(body.properties.rows.maxItems).toBe(1000);
    expect(body.properties.rows.items.required).toEqual(names);
    const ui = await svc.app.inject("/docs");
    expect(ui.statusCode).toBe(200);
    expect(ui.headers["content-type"]).toMatch(/text\/html/);
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    expect((await svc.app.inject("/docs/static/swagger-ui.css")).statusCode).toBe(200);
  });

  it("exposes the agreed metric names, labelled by model version", async () => {
    await svc.app.inject(`/v1/restaurants/${svc.city.camis[0]}/risk`);
    const r = await svc.app.inject("/metrics");
    expect(r.statusCode).toBe(200);
    for (const name of [
      "rodent_http_requests_total",
      "rodent_http_request_duration_seconds_bucket",
      "rodent_prediction_score_bucket",
      "rodent_model_info",
      "rodent_model_load_failures_total",
      "rodent_canary_share",
    ]) {
      expect(r.body).toContain(name);
    }
    expect(r.body).toMatch(
      new RegExp(
        `rodent_http_requests_total\\{route="/v1/restaurants/:camis/risk",method="GET",status_code="200",model_version="${svc.versions[0]}"\\} \\d+`,
      ),
    );
    expect(r.body).toMatch(
      new RegExp(
        `rodent_model_info\\{version="${svc.versions[0]}",alias="champion",role="champion",trained_at="[^"]+",snapshot="snap-test1"\\} 1`,
      ),
    );
  });

  it("echoes or creates a request id", async () => {
    const a = await svc.app.inject({ url: "/health/live", headers: { "x-request-id": "abc-123" } });
    expect(a.headers["x-request-id"]).toBe("abc-123");
    const b = await svc.app.inject("/health/live");
    expect(String(b.headers["x-request-id"])).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("GET /v1/restaurants/:camis/risk", () => {
  it("answers probability, band, rank, features date, model version and reasons in plain words", async () => {
    const camis = svc.city.camis[7];
    const r = await svc.app.inject(`/v1/restaurants/${camis}/risk`);
    expect(r.statusCode).toBe(200);
    const b = r.json();
    const served = svc.host.state[b.model.role as "champion" | "canary"]!;
    expect(b.probability).toBeCloseTo(served.model.predictRow(readRow(svc.city.table, 7)), 12);
    expect(b.restaurant).toMatchObject({ camis, name: "Restaurant 7" });
    expect(["high", "elevated", "moderate", "low"]).toContain(b.band);
    // Rank by raw score, out of the whole city; the top fraction is rank / n, never 0.
    const m = served.margins[7];
    expect(b.rank).toBe(1 + Array.from(served.margins).filter((x) => x > m).length);
    expect(b.of).toBe(300);
    expect(b.tied_with).toBe(Array.from(served.margins).filter((x) => x === m).length - 1);
    expect(b.top_fraction).toBe(b.rank / 300);
    expect(b.features_date).toBe("2024-06-01");
    expect(r.headers["x-model-version"]).toBe(b.model.version);
    expect(b.reasons.length).toBeLessThanOrEqual(3);
    for (const reason of b.reasons) {
      expect(names).toContain(reason.feature);
      expect(reason.contribution).toBeGreaterThan(0);
      expect(reason.text.length).toBeGreaterThan(3);
    }
  });

  it("404s an unknown CAMIS with the field, 400s a malformed one", async () => {
    const r = await svc.app.inject("/v1/restaurants/99999999/risk");
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: "RODENT_ERR_NOT_FOUND", field: "params/camis" });
    const bad = await svc.app.inject("/v1/restaurants/12%24%3B/risk");
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "RODENT_ERR_INVALID_ARGUMENT", field: "params/camis" });
  });

  it("404s unknown routes with a code", async () => {
    const r = await svc.app.inject("/v2/nothing");
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe("RODENT_ERR_NOT_FOUND");
  });
});

describe("POST /v1/predict", () => {
  it("scores rows as the model does, null = missing, and says which version answered", async () => {
    const rows = [rowOf(svc, 0), rowOf(svc, 1), { ...rowOf(svc, 2), rats_r010_30d: null }];
    const r = await svc.app.inject({ method: "POST", url: "/v1/predict", payload: { rows } });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    const m = svc.host.state[b.model.role as "champion" | "canary"]!.model;
    const expected = m.predictProba(rowsToTable(FEATURE_SCHEMA, rows));
    expect(b.predictions.map((p: { probability: number }) => p.probability)).toEqual(Array.from(expected));
    expect(r.headers["x-model-version"]).toBe(b.model.version);
    expect(b.feature_schema).toBe(FEATURE_SCHEMA.version);
    // The body is written as text (predictResponseJson): exactly the documented PredictResponse, nothing more.
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    const served = svc.host.state[b.model.role as "champion" | "canary"]!;
    expect(Object.keys(b)).toEqual(["model", "feature_schema", "predictions"]);
    expect(b.model).toEqual({ version: served.ref.version, role: served.role, alias: served.ref.alias });
    const margins = served.model.predictMargin(rowsToTable(FEATURE_SCHEMA, rows));
    b.predictions.forEach((q: unknown, i: number) => {
      const top = topFraction(served.ascending, margins[i]);
      expect(top).toBeGreaterThan(0);
      expect(q).toEqual({ probability: expected[i], band: bandOf(top), top_fraction: top });
    });
  });

  it("takes rows whose keys are in any order (the validator's in-order fast path and its general path agree)", async () => {
    const reversed = (row: Record<string, number | null>) => Object.fromEntries(Object.entries(row).reverse());
    const rows = [rowOf(svc, 3), reversed(rowOf(svc, 4)), { ...rowOf(svc, 5), [names[1]]: 0.1 + 0.2 }];
    const r = await svc.app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: { rows },
      headers: { "x-rodent-route-key": "k" },
    });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    const m = svc.host.state[b.model.role as "champion" | "canary"]!.model;
    const expected = m.predictProba(rowsToTable(FEATURE_SCHEMA, rows));
    expect(b.predictions.map((p: { probability: number }) => p.probability)).toEqual(Array.from(expected));
  });

  const first = names[0];
  const indicator = FEATURE_SCHEMA.features.find((f) => f.kind === "indicator")!.name;
  const cases: [
    string,
    () => { payload: string; headers?: Record<string, string> },
    number,
    string,
    Record<string, unknown>?,
  ][] = [
    ["malformed JSON", () => ({ payload: '{"rows": [' }), 400, "body"],
    ["an empty body", () => ({ payload: "" }), 400, "body"],
    ["rows not an array", () => ({ payload: JSON.stringify({ rows: {} }) }), 400, "body/rows"],
    ["no rows", () => ({ payload: JSON.stringify({ rows: [] }) }), 400, "body/rows"],
    ["an extra top-level key", () => ({ payload: JSON.stringify({ rows: [rowOf(svc, 0)], x: 1 }) }), 400, "body/x"],
    [
      "a missing feature",
      () => {
        const row = rowOf(svc, 0);
        delete row[first];
        delete row.month_cos;
        return { payload: JSON.stringify({ rows: [rowOf(svc, 1), row] }) };
      },
      400,
      `body/rows/1/${first}`,
      { missing: [first, "month_cos"], extra: [] },
    ],
    [
      "an unknown feature",
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), rat_count: 3 }] }) }),
      400,
      "body/rows/0/rat_count",
      { missing: [], extra: ["rat_count"] },
    ],
    [
      'a string "NaN"',
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: "NaN" }] }) }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      "a numeric string",
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: "0.5" }] }) }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      'a string "Infinity"',
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: "Infinity" }] }) }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      "a number beyond float32 (1e39)",
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: 1e39 }] }) }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      "a number that parses to Infinity (1e400)",
      () => ({
        payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: 12345.678 }] }).replace("12345.678", "1e400"),
      }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      "a boolean",
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [first]: true }] }) }),
      400,
      `body/rows/0/${first}`,
    ],
    [
      "an indicator that is not 0/1",
      () => ({ payload: JSON.stringify({ rows: [{ ...rowOf(svc, 0), [indicator]: 2 }] }) }),
      400,
      `body/rows/0/${indicator}`,
    ],
    [
      "a __proto__ key in a row (bodies are parsed with plain JSON.parse; the validator refuses it)",
      () => ({ payload: JSON.stringify({ rows: [rowOf(svc, 0)] }).replace('[{"', '[{"__proto__":{"x":1},"') }),
      400,
      "body/rows/0/__proto__",
      { missing: [], extra: ["__proto__"] },
    ],
    [
      "a constructor key at the top level",
      () => ({
        payload: JSON.stringify({ rows: [rowOf(svc, 0)] }).replace('{"rows"', '{"constructor":{"prototype":{}},"rows"'),
      }),
      400,
      "body/constructor",
    ],
    ["a row that is not an object", () => ({ payload: JSON.stringify({ rows: [[1, 2, 3]] }) }), 400, "body/rows/0"],
    [
      "too many rows",
      () => ({ payload: JSON.stringify({ rows: Array.from({ length: 1001 }, () => rowOf(svc, 0)) }) }),
      413,
      "body/rows",
    ],
    ["a text body", () => ({ payload: "rows=1", headers: { "content-type": "text/plain" } }), 400, "body"],
    [
      "an unsupported content type",
      () => ({ payload: "<rows/>", headers: { "content-type": "application/xml" } }),
      415,
      "body",
    ],
  ];

  it.each(cases)("rejects %s with %d and the field", async (_what, make, status, field, extra) => {
    const { payload, headers } = make();
    const r = await svc.app.inject({
      method: "POST",
      url: "/v1/predict",
      payload,
      headers: { "content-type": "application/json", ...headers },
    });
    expect(r.statusCode).toBe(status);
    const b = r.json();
    expect(b.code).toBe(status === 413 ? "RODENT_ERR_TOO_LARGE" : "RODENT_ERR_INVALID_ARGUMENT");
    expect(b.field).toBe(field);
    expect(b.message.length).toBeGreaterThan(5);
    if (extra) expect(b).toMatchObject(extra);
  });

  it("rejects a body over the byte limit with 413", async () => {
    const small = await buildApp({ host: svc.host, bodyLimit: 2000 });
    try {
      const r = await small.inject({
        method: "POST",
        url: "/v1/predict",
        payload: { rows: [rowOf(svc, 0), rowOf(svc, 1), rowOf(svc, 2)] },
      });
      expect(r.statusCode).toBe(413);
      expect(r.json()).toMatchObject({ code: "RODENT_ERR_TOO_LARGE", field: "body" });
      // Without a Content-Length (a streamed body), the limit stops the read.
      const text = JSON.stringify({ rows: [rowOf(svc, 0), rowOf(svc, 1), rowOf(svc, 2)] });
      const streamed = await small.inject({
        method: "POST",
        url: "/v1/predict",
        payload: Readable.from([text.slice(0, 1500), text.slice(1500)], { objectMode: false }),
        headers: { "content-type": "application/json" },
      });
      expect(streamed.statusCode).toBe(413);
      expect(streamed.json()).toMatchObject({ code: "RODENT_ERR_TOO_LARGE", field: "body" });
    } finally {
      await small.close();
    }
  });

  it("reads a body that arrives in pieces, and 400s one shorter than its Content-Length", async () => {
    const rows = [rowOf(svc, 0), rowOf(svc, 1)];
    const text = JSON.stringify({ rows });
    const pieces = [text.slice(0, 7), text.slice(7, 1000), text.slice(1000)];
    const r = await svc.app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: Readable.from(pieces, { objectMode: false }),
      headers: { "content-type": "application/json", "x-rodent-route-key": "k" },
    });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    const m = svc.host.state[b.model.role as "champion" | "canary"]!.model;
    expect(b.predictions.map((p: { probability: number }) => p.probability)).toEqual(
      Array.from(m.predictProba(rowsToTable(FEATURE_SCHEMA, rows))),
    );
    const short = await svc.app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: Readable.from([text], { objectMode: false }),
      headers: { "content-type": "application/json", "content-length": String(text.length + 10) },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: "RODENT_ERR_INVALID_ARGUMENT", field: "body" });
    expect(short.json().message).toMatch(/Content-Length/);
  });
});

describe("honest numbers (docs/model.md)", () => {
  it("no served probability is 0 or 1, and the calibrated score ranks as the raw score does (AUC within 1e-4)", async () => {
    const d = (await svc.app.inject("/v1/restaurants")).json();
    expect(d.n).toBe(300);
    for (const p of d.probability) expect(p > 0 && p < 1).toBe(true);
    const served = svc.host.state.champion!;
    const y = syntheticLabels(svc.city.table, 5);
    expect(Math.abs(rocAuc(y, served.scores) - rocAuc(y, served.margins))).toBeLessThan(1e-4);
    // the served probabilities are the model's own, to the last bit
    expect(Array.from(served.scores)).toEqual(Array.from(served.model.predictProba(svc.city.table)));
  });
});

describe("GET /v1/rankings", () => {
  it("returns the top k of the city, highest first, with reasons", async () => {
    const r = await svc.app.inject("/v1/rankings?k=5");
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b).toMatchObject({ k: 5, total: 300, borough: null, snapshot: "snap-test", model: { role: "champion" } });
    const p = b.items.map((i: { probability: number }) => i.probability);
    expect(p).toEqual([...p].sort((x, y) => y - x));
    const all = svc.host.state.champion!.scores;
    expect(p[0]).toBe(Math.max(...all));
    expect(b.items[0].reasons.length).toBeGreaterThan(0);
    expect(b.items[0].band).toBe("high");
  });

  it("orders the top k by the model's raw score; equal raw scores, and only those, share a rank", async () => {
    const b = (await svc.app.inject("/v1/rankings?k=100")).json();
    const served = svc.host.state.champion!;
    const row = new Map(svc.city.camis.map((c, i) => [c, i]));
    const z = b.items.map((it: { restaurant: { camis: string } }) => served.margins[row.get(it.restaurant.camis)!]);
    const best = [...served.margins].sort((x, y) => y - x).slice(0, 100);
    expect(z).toEqual(best);
    b.items.forEach((it: { rank: number; city_rank: number }, k: number) => {
      expect(it.rank).toBe(1 + z.filter((x: number) => x > z[k]).length);
      expect(it.city_rank).toBe(it.rank);
    });
  });

  it("filters by borough (names or slugs) and defaults k to 20", async () => {
    const r = await svc.app.inject("/v1/rankings?borough=staten-island");
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.borough).toBe("Staten Island");
    expect(b.items.length).toBe(Math.min(20, b.total));
    for (const it of b.items) expect(it.restaurant.borough).toBe("Staten Island");
  });

  it.each([
    ["k=0", "querystring/k"],
    ["k=501", "querystring/k"],
    ["k=abc", "querystring/k"],
    ["k=2.5", "querystring/k"],
    ["borough=Atlantis", "querystring/borough"],
  ])("rejects %s with 400 and the field", async (q, field) => {
    const r = await svc.app.inject(`/v1/rankings?${q}`);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: "RODENT_ERR_INVALID_ARGUMENT", field });
  });
});

describe("model host: swap, refusal, canary", () => {
  it("admin routes need the bearer token, and do not exist without one", async () => {
    expect((await svc.app.inject({ method: "POST", url: "/admin/reload" })).statusCode).toBe(401);
    const bad = await svc.app.inject({
      method: "POST",
      url: "/admin/reload",
      headers: { authorization: "Bearer nope" },
    });
    expect(bad.json().code).toBe("RODENT_ERR_UNAUTHORIZED");
    const noAdmin = await buildApp({ host: svc.host });
    try {
      expect((await noAdmin.inject({ method: "POST", url: "/admin/reload" })).statusCode).toBe(404);
    } finally {
      await noAdmin.close();
    }
  });

  it("swaps to a moved champion on reload, and refuses a corrupt version while the old one keeps answering", async () => {
    const auth = { authorization: "Bearer test-admin-token-0123456789" };
    const { registry } = svc.tracking;
    await registry.setAlias("rodent-risk", "champion", svc.versions[1]);
    const r = await svc.app.inject({ method: "POST", url: "/admin/reload", headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.json().champion).toEqual({ status: "loaded", version: svc.versions[1] });
    expect((await svc.app.inject("/v1/rankings?k=1")).headers["x-model-version"]).toBe(svc.versions[1]);

    for (const junk of ['{"format":"rodent-risk/gbdt-model","version":1,"trees":"oops"}', "not json at all"]) {
      const bad = await registerArtifactFor(svc, junk);
      await registry.setAlias("rodent-risk", "champion", bad);
      const rr = (await svc.app.inject({ method: "POST", url: "/admin/reload", headers: auth })).json();
      expect(rr.champion.status).toBe("failed");
      expect(rr.champion.version).toBe(bad);
      const q = await svc.app.inject("/v1/rankings?k=1");
      expect(q.statusCode).toBe(200);
      expect(q.headers["x-model-version"]).toBe(svc.versions[1]);
    }
    expect(svc.host.failures.champion).toBe(2);
    expect((await svc.app.inject("/metrics")).body).toContain('rodent_model_load_failures_total{role="champion"} 2');
    await registry.setAlias("rodent-risk", "champion", svc.versions[0]);
    await svc.host.refresh();
    expect(svc.host.state.champion!.ref.version).toBe(svc.versions[0]);
  });

  it("sends a sticky share of restaurants to the canary, and says so", async () => {
    await svc.tracking.registry.setAlias("rodent-risk", "canary", svc.versions[1]);
    await svc.host.refresh();
    expect(svc.host.state.canary?.ref.version).toBe(svc.versions[1]);
    const seen = new Map<string, string>();
    for (const camis of svc.city.camis) {
      const r = await svc.app.inject(`/v1/restaurants/${camis}/risk`);
      expect(r.json().model.version).toBe(r.headers["x-model-version"]);
      seen.set(camis, r.json().model.role);
    }
    const share = [...seen.values()].filter((x) => x === "canary").length / seen.size;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.35);
    for (const camis of svc.city.camis.slice(0, 40)) {
      expect((await svc.app.inject(`/v1/restaurants/${camis}/risk`)).json().model.role).toBe(seen.get(camis));
    }
    // predict: sticky by the route-key header
    const roles = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const req = () =>
        svc.app.inject({
          method: "POST",
          url: "/v1/predict",
          payload: { rows: [rowOf(svc, 0)] },
          headers: { "x-rodent-route-key": `client-${k}` },
        });
      const a = (await req()).json().model.role;
      expect((await req()).json().model.role).toBe(a);
      roles.add(a);
    }
    expect(roles).toEqual(new Set(["champion", "canary"]));
    const metrics = (await svc.app.inject("/metrics")).body;
    expect(metrics).toContain("rodent_canary_share 0.25");
    expect(metrics).toContain(`role="canary"`);
    // Promoting the canary's version to champion ends the canary.
    await svc.tracking.registry.setAlias("rodent-risk", "champion", svc.versions[1]);
    await svc.host.refresh();
    expect(svc.host.state.canary).toBeNull();
    expect(svc.host.state.canaryShare).toBe(0);
    await svc.tracking.registry.deleteAlias("rodent-risk", "canary");
    await svc.tracking.registry.setAlias("rodent-risk", "champion", svc.versions[0]);
    await svc.host.refresh();
  });

  it("tells onScored listeners what was scored, by which version", async () => {
    const events: { source: string; version: string; n: number }[] = [];
    const off = svc.host.onScored((e) => events.push({ source: e.source, version: e.version, n: e.scores.length }));
    await svc.app.inject(`/v1/restaurants/${svc.city.camis[3]}/risk`);
    await svc.app.inject({ method: "POST", url: "/v1/predict", payload: { rows: [rowOf(svc, 0), rowOf(svc, 1)] } });
    await svc.app.inject("/v1/rankings?k=4");
    off();
    await svc.app.inject("/v1/rankings?k=4");
    expect(events).toEqual([
      { source: "risk", version: svc.versions[0], n: 1 },
      { source: "predict", version: svc.versions[0], n: 2 },
      { source: "rankings", version: svc.versions[0], n: 4 },
    ]);
  });

  it("sheds load with 503 + Retry-After under pressure, but keeps the probes up", async () => {
    const pressed = await buildApp({
      host: svc.host,
      pressure: { maxEventLoopDelay: 0, maxHeapUsedBytes: 1, sampleInterval: 10, retryAfter: 7 },
    });
    try {
      await new Promise((r) => setTimeout(r, 50));
      const r = await pressed.inject("/v1/rankings?k=1");
      expect(r.statusCode).toBe(503);
      expect(r.headers["retry-after"]).toBe("7");
      expect(r.json().code).toBe("RODENT_ERR_UNAVAILABLE");
      expect((await pressed.inject("/health/live")).statusCode).toBe(200);
    } finally {
      await pressed.close();
    }
  });
});

async function registerArtifactFor(s: TestService, text: string): Promise<string> {
  const { registerArtifact } = await import("./test-fixtures.js");
  return registerArtifact(s.tracking, text);
}
