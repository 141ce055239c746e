import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SCHEMA } from "../features/index.js";
import { readRow } from "./served-model.js";
import { registerArtifact } from "./test-fixtures.js";
import { type TestService, testService } from "./test-helper.js";

// On a real port: move the champion alias 20 times while a load generator runs. No request may fail, and
// each response must come from a version that was champion at some moment between its start and its end.

const TOKEN = "swap-test-admin-token-0123456789";
let svc: TestService;
let base: string;

beforeAll(async () => {
  // 20 reloads in a few seconds: above the default admin rate limit (10 a minute), which this test is not about.
  svc = await testService({ adminToken: TOKEN, restaurants: 400, adminRatePerMinute: 1000 });
  // Two more versions (same trees, new registry versions), so every move is to a different version.
  for (const m of svc.models) svc.versions.push(await registerArtifact(svc.tracking, m));
  base = await svc.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await svc?.close();
});

interface Sample {
  start: number;
  end: number;
  status: number;
  version: string | null;
}

describe("champion alias moved 20 times under load", () => {
  it("answers every request, each from a version that was champion during it", async () => {
    const names = FEATURE_SCHEMA.features.map((f) => f.name);
    const row = readRow(svc.city.table, 0);
    const body = JSON.stringify({
      rows: Array.from({ length: 20 }, () =>
        Object.fromEntries(names.map((n, j) => [n, Number.isNaN(row[j]) ? null : row[j]])),
      ),
    });
    // Timeline of champion versions: [time it became champion, version].
    const timeline: [number, string][] = [[performance.now(), svc.host.state.champion!.ref.version]];
    svc.host.onSwap((e) => timeline.push([performance.now(), e.next.champion!.ref.version]));

    const samples: Sample[] = [];
    let running = true;
    const worker = async (w: number) => {
      let k = 0;
      while (running) {
        const start = performance.now();
        const i = (w * 97 + k++ * 13) % svc.city.camis.length;
        try {
          const r =
            k % 3 === 0
              ? await fetch(`${base}/v1/predict`, {
                  method: "POST",
                  body,
                  headers: { "content-type": "application/json" },
                })
              : await fetch(`${base}/v1/restaurants/${svc.city.camis[i]}/risk`);
          await r.arrayBuffer();
          samples.push({ start, end: performance.now(), status: r.status, version: r.headers.get("x-model-version") });
        } catch {
          samples.push({ start, end: performance.now(), status: 0, version: null });
        }
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, (_, w) => worker(w)));

    for (let s = 1; s <= 20; s++) {
      const target = svc.versions[s % svc.versions.length];
      await svc.tracking.registry.setAlias("rodent-risk", "champion", target);
      const r = await fetch(`${base}/admin/reload`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { champion: { version: string } }).champion.version).toBe(target);
      await new Promise((res) => setTimeout(res, 20));
    }
    running = false;
    await load;

    expect(timeline.length).toBe(21);
    expect(samples.length).toBeGreaterThan(200);
    const failed = samples.filter((x) => x.status !== 200);
    expect(failed).toEqual([]);
    const championDuring = (start: number, end: number) => {
      const set = new Set<string>();
      let atStart = timeline[0][1];
      for (const [t, v] of timeline) {
        if (t <= start) atStart = v;
        else if (t <= end) set.add(v);
      }
      set.add(atStart);
      return set;
    };
    const wrong = samples.filter((x) => !championDuring(x.start, x.end).has(x.version as string));
    expect(wrong).toEqual([]);
    // The load really spanned the swaps: responses came from several versions.
    expect(new Set(samples.map((x) => x.version)).size).toBeGreaterThanOrEqual(3);
  });
});
