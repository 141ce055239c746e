// Regression tests for the hostile inputs of issue 16 (an outside fuzz and abuse test): each was a 5xx, a limit
// that did not hold, or an input accepted that should not be. The slow-client test (real sockets) is in
// slow-client.test.ts and the OpenAPI-driven fuzz test in fuzz.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
