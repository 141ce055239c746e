// Regression tests for the hostile inputs an outside fuzz and abuse test found (docs/hardening.md): each was a 5xx, a limit
// that did not hold, or an input accepted that should not be. The slow-client test (real sockets) is in
// slow-client.test.ts and the OpenAPI-driven fuzz test in fuzz.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SCHEMA } from "../features/index.js";
import { MAX_K } from "./schemas/rankings.js";
import { type TestService, testService } from "./test-helper.js";

let svc: TestService;
beforeAll(async () => {
  svc = await testService({ adminToken: "test-admin-token-0123456789" });
});
afterAll(async () => {
  await svc?.close();
});

describe("query numbers are finite integers in range before use", () => {
  const bad = [
    "-Infinity",
    "Infinity",
    "-1e309",
    "1e309",
    "9".repeat(400),
    "NaN",
    "0x10",
    " 5",
    "1e2",
    "1.0",
    "",
    "0",
    "-1",
    String(MAX_K + 1),
    "2147483648",
  ];
  for (const k of bad) {
    it(`k=${k.length > 20 ? `${k.slice(0, 12)}… (${k.length} chars)` : JSON.stringify(k)} is a 400 naming querystring/k`, async () => {
      const r = await svc.app.inject(`/v1/rankings?k=${encodeURIComponent(k)}`);
      expect(r.statusCode).toBe(400);
      const b = r.json();
      expect(b.code).toBe("RODENT_ERR_INVALID_ARGUMENT");
      expect(b.field).toBe("querystring/k");
      expect(b.message).toContain("querystring/k");
    });
  }
  it("a repeated k is a 400, not the first or last value", async () => {
    const r = await svc.app.inject("/v1/rankings?k=5&k=7");
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toBe("querystring/k");
  });
  it("plain decimals in range still work, and the limit holds", async () => {
    for (const [k, n] of [
      ["1", 1],
      ["020", 20],
      [String(MAX_K), Math.min(MAX_K, svc.city.table.n)],
    ] as const) {
      const r = await svc.app.inject(`/v1/rankings?k=${k}`);
      expect(r.statusCode).toBe(200);
      expect(r.json().items).toHaveLength(n);
    }
  });
});

describe("admin token", () => {
  const token = "test-admin-token-0123456789";
  it("takes the Bearer scheme in any case, and trims spaces around the token", async () => {
    const fresh = await testService({ adminToken: token });
    try {
      for (const h of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `bEaReR   ${token}  `]) {
        const r = await fresh.app.inject({ method: "POST", url: "/admin/reload", headers: { authorization: h } });
        expect(r.statusCode, h).toBe(200);
      }
    } finally {
      await fresh.close();
    }
  });
  it("refuses every wrong token alike, whatever its length (digests compared, no length check first)", async () => {
    const fresh = await testService({ adminToken: token });
    try {
      for (const h of [
        "",
        "Bearer",
        `Basic ${token}`,
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer x`,
        `Bearer ${"y".repeat(8000)}`,
        `${token}`,
      ]) {
        const r = await fresh.app.inject({ method: "POST", url: "/admin/reload", headers: { authorization: h } });
        expect(r.statusCode, h.slice(0, 30)).toBe(401);
        expect(r.json().code).toBe("RODENT_ERR_UNAUTHORIZED");
        expect(r.headers["www-authenticate"]).toContain("Bearer");
      }
    } finally {
      await fresh.close();
    }
  });
  it("rate-limits /admin per client before the token is checked: 429 with Retry-After, also for the right token", async () => {
    const fresh = await testService({ adminToken: token, adminRatePerMinute: 3 });
    try {
      const auth = { authorization: `Bearer ${token}` };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await fresh.app.inject({ method: "POST", url: "/admin/reload", headers: i === 1 ? auth : {} })).statusCode,
        );
      expect(statuses).toEqual([401, 200, 401]);
      const r = await fresh.app.inject({ method: "POST", url: "/admin/reload", headers: auth });
      expect(r.statusCode).toBe(429);
      expect(r.json().code).toBe("RODENT_ERR_RATE_LIMITED");
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
      // Only /admin is limited.
      expect((await fresh.app.inject("/v1/rankings?k=1")).statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe("the OpenAPI document matches behaviour", () => {
  it("answers 405 with Allow for an undeclared method on a known path, 404 for an unknown path", async () => {
    for (const [method, url, allow] of [
      ["POST", "/v1/rankings", "GET, HEAD"],
      ["DELETE", "/health/ready", "GET, HEAD"],
      ["PUT", "/v1/restaurants/41234567/risk", "GET, HEAD"],
      ["GET", "/v1/predict", "POST"],
      ["PATCH", "/admin/reload", "POST"],
      ["OPTIONS", "/v1/model", "GET, HEAD"],
    ] as const) {
      const r = await svc.app.inject({ method, url });
      expect(r.statusCode, `${method} ${url}`).toBe(405);
      expect(r.headers.allow).toBe(allow);
      expect(r.json().code).toBe("RODENT_ERR_METHOD_NOT_ALLOWED");
    }
    expect((await svc.app.inject({ method: "POST", url: "/v1/nothing" })).statusCode).toBe(404);
    expect((await svc.app.inject({ method: "GET", url: "/v1/restaurants/a/b/risk" })).statusCode).toBe(404);
  });
  it("does not require a defaulted parameter, and declares 413 and 503 where they can happen", async () => {
    const doc = (await svc.app.inject("/openapi.json")).json();
    const k = doc.paths["/v1/rankings"].get.parameters.find((p: { name: string }) => p.name === "k");
    expect(k.required).not.toBe(true);
    expect(k.schema.default).toBe(20);
    expect(Object.keys(doc.paths["/v1/predict"].post.responses)).toEqual(
      expect.arrayContaining(["400", "413", "415", "503"]),
    );
    expect(Object.keys(doc.paths["/admin/reload"].post.responses)).toEqual(
      expect.arrayContaining(["401", "413", "429"]),
    );
    expect(Object.keys(doc.paths["/v1/model"].get.responses)).toContain("503");
    expect(Object.keys(doc.paths["/health/live"].get.responses)).toEqual(["200"]);
  });
  it("/docs sends a CSP without upgrade-insecure-requests and without outside hosts", async () => {
    const r = await svc.app.inject("/docs/");
    const csp = String(r.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(csp).not.toMatch(/https:|validator\.swagger\.io/);
  });
});

describe("duplicate JSON keys in a predict body", () => {
  const names = FEATURE_SCHEMA.features.map((f) => f.name);
  const row = () => Object.fromEntries(names.map((n) => [n, 0]));
  const post = (payload: string) =>
    svc.app.inject({ method: "POST", url: "/v1/predict", headers: { "content-type": "application/json" }, payload });

  it('{"rows":"x","rows":[…]} is a 400 naming the key, not the last value winning', async () => {
    const r = await post(`{"rows":"x","rows":${JSON.stringify([row()])}}`);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: "RODENT_ERR_INVALID_ARGUMENT", field: "body/rows" });
    expect(r.json().message).toContain('duplicate key "rows"');
  });
  it("a feature given twice in a row (in schema order, then again) is a 400 naming row and feature", async () => {
    const text = JSON.stringify({ rows: [row(), row()] });
    const dup = `${text.slice(0, -3)},"${names[3]}":1}]}`;
    expect(JSON.parse(dup).rows[1][names[3]]).toBe(1); // what JSON.parse alone would have scored
    const r = await post(dup);
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toBe(`body/rows/1/${names[3]}`);
  });
  it("the same body without the duplicate is scored", async () => {
    expect((await post(JSON.stringify({ rows: [row(), row()] }))).statusCode).toBe(200);
    // Keys in another order take the general path, which still accepts a body without duplicates.
    const reversed = Object.fromEntries([...names].reverse().map((n) => [n, 0]));
    expect((await post(JSON.stringify({ rows: [reversed] }))).statusCode).toBe(200);
  });
});
