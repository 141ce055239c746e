import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BatchHistogram } from "./batch-histogram.js";

function both() {
  const config = {
    name: "score",
    help: "scores",
    labelNames: ["model_version", "role"] as const,
    buckets: [0.1, 0.5, 0.9, 1],
  };
  const ours = new Registry();
  const theirs = new Registry();
  return {
    ours,
    theirs,
    batch: new BatchHistogram({ ...config, registers: [ours] }),
    reference: new Histogram({ ...config, registers: [theirs] }),
  };
}

describe("BatchHistogram", () => {
  it("exposes exactly what prom-client's Histogram does for the same observations", async () => {
    const { ours, theirs, batch, reference } = both();
    // On a bound, between bounds, above every bound, zero, and one series observed twice.
    const a = [0.1, 0.05, 0.3, 0.5, 0.95, 1, 1.5, 0, 0.1 + 0.2, 0.7];
    const b = [0.2, 0.9];
    batch.labels({ model_version: "3", role: "champion" }).observeAll(a);
    batch.labels({ model_version: "4", role: "canary" }).observeAll(Float64Array.from(b));
    batch.observe({ model_version: "3", role: "champion" }, 0.42);
    for (const v of a) reference.observe({ model_version: "3", role: "champion" }, v);
    for (const v of b) reference.observe({ model_version: "4", role: "canary" }, v);
    reference.observe({ model_version: "3", role: "champion" }, 0.42);
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('score_bucket{le="0.5",model_version="3",role="champion"} 7');
    expect(text).toContain('score_count{model_version="3",role="champion"} 11');
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it("refuses a non-finite value and a missing label, like prom-client", () => {
    const { batch } = both();
    const s = batch.labels({ model_version: "1", role: "champion" });
    expect(() => s.observeAll([0.5, Number.NaN])).toThrow(/not a valid number/);
    expect(() => s.observe(Number.POSITIVE_INFINITY)).toThrow(/not a valid number/);
    expect(() => batch.labels({ model_version: "1" } as never)).toThrow(/label "role" is missing/);
  });
});
