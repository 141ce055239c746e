import { describe, expect, it } from "vitest";
import { bucketQuantile, compareFromMetrics, parsePrometheusText, psiFromBuckets } from "./canary-status.js";
import { testService } from "./test-helper.js";

describe("canary status from /metrics", () => {
  it("parses labels with escapes", () => {
    const s = parsePrometheusText('# HELP x y\nm_total{a="1",b="q\\"uote"} 3\nplain 2.5\n');
    expect(s).toEqual([
      { name: "m_total", labels: { a: "1", b: 'q"uote' }, value: 3 },
      { name: "plain", labels: {}, value: 2.5 },
    ]);
  });

  it("interpolates quantiles inside buckets and computes PSI (0 for identical, large for shifted)", () => {
    const h: [number, number][] = [
      [0.1, 50],
      [0.2, 100],
      [Number.POSITIVE_INFINITY, 100],
    ];
    expect(bucketQuantile(h, 0.5)).toBeCloseTo(0.1, 9);
    expect(bucketQuantile(h, 0.75)).toBeCloseTo(0.15, 9);
    expect(psiFromBuckets(h, h)).toBe(0);
    const shifted: [number, number][] = [
      [0.1, 5],
      [0.2, 10],
      [Number.POSITIVE_INFINITY, 100],
    ];
    expect(psiFromBuckets(h, shifted)!).toBeGreaterThan(1);
  });

  it("compares the champion and the canary of a live service", async () => {
    const svc = await testService({ canaryShare: 0.5 });
    try {
      expect(compareFromMetrics((await svc.app.inject("/metrics")).body).verdict).toBe("no-canary");
      await svc.tracking.registry.setAlias("rodent-risk", "canary", svc.versions[1]);
      await svc.host.refresh();
      for (const camis of svc.city.camis) await svc.app.inject(`/v1/restaurants/${camis}/risk`);
      const st = compareFromMetrics((await svc.app.inject("/metrics")).body);
      expect(st.champion?.version).toBe(svc.versions[0]);
      expect(st.canary?.version).toBe(svc.versions[1]);
      expect(st.canaryShare).toBe(0.5);
      expect(st.champion!.requests + st.canary!.requests).toBe(300);
      expect(st.canary!.predictions).toBeGreaterThan(100);
      expect(st.canary!.errorRate).toBe(0);
      expect(st.scorePsi).not.toBeNull();
      expect(["healthy", "unhealthy"]).toContain(st.verdict);
    } finally {
      await svc.close();
    }
  });
});
