import { describe, expect, it } from "vitest";
import { chunkBatch, LOG_BATCH_LIMITS } from "./log-batch-limits.js";

describe("chunkBatch", () => {
  it("keeps every request within MLflow's log-batch limits and loses nothing", () => {
    const params = Array.from({ length: 250 }, (_, i): [string, string] => [`p${i}`, "v"]);
    const tags = Array.from({ length: 130 }, (_, i): [string, string] => [`t${i}`, "v"]);
    const metrics = Array.from({ length: 2600 }, (_, i) => ({ key: "m", value: i, step: i }));
    const chunks = chunkBatch(params, metrics, tags);
    for (const c of chunks) {
      expect(c.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
      expect(c.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
      expect(c.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
      expect(c.params.length + c.tags.length + c.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.total);
      expect(c.params.length + c.tags.length + c.metrics.length).toBeGreaterThan(0);
    }
    expect(chunks.flatMap((c) => c.params)).toEqual(params);
    expect(chunks.flatMap((c) => c.tags)).toEqual(tags);
    expect(chunks.flatMap((c) => c.metrics).map((m) => m.step)).toEqual(metrics.map((m) => m.step));
    // 2600 metrics + 380 others need at least ceil(2980 / 1000) = 3 requests, and this packs them into 3.
    expect(chunks.length).toBe(3);
  });

  it("makes no request for an empty batch", () => {
    expect(chunkBatch([], [], [])).toEqual([]);
  });
});
