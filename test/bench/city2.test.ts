import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCity2 } from "../../bench/city2/index.js";
import { loadConfig } from "../../src/config/index.js";
import { ingest, LocalObjectStore, loadRecords } from "../../src/data/index.js";
import { silentLogger } from "../../src/util/log.js";

// The second, independent city (bench/city2, issue 13 §7) must write exports that `dir:` ingests like any other:
// every row valid, the four datasets present, and its scenarios change what they say.
describe("the second synthetic city", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "rodent-city2-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const opts = { seed: 3, from: "2021-01-01", to: "2022-12-31", scale: 0.03, scenarioStart: "2022-06-06" };

  it("writes exports that dir: ingests with no quarantined row", async () => {
    const dir = path.join(root, "none");
    const s = await writeCity2(dir, { ...opts, scenario: "none" });
    expect(s.inspections).toBeGreaterThan(500);
    expect(s.rodentRate).toBeGreaterThan(0.05);
    expect(s.rodentRate).toBeLessThan(0.25);
    const home = path.join(root, "home");
    const store = new LocalObjectStore(path.join(home, "store"));
    const r = await ingest({
      store,
      config: loadConfig({ RODENT_HOME: home }),
      source: `dir:${dir}`,
      log: silentLogger,
    });
    expect(r.quality.totals.quarantined).toBe(0);
    for (const d of ["inspections", "rat_sightings", "weather", "truth"] as const)
      expect(r.datasets[d]?.rows).toBeGreaterThan(0);
    const truth = await loadRecords(store, r.snapshot, "truth");
    expect(truth.length).toBe(s.inspections);
    expect(truth.every((t) => t.pTrue > 0 && t.pTrue < 1)).toBe(true);
  }, 120_000);

  it("a reporting drop halves the 311 stream after its start, and nothing before it", async () => {
    const a = await writeCity2(path.join(root, "a"), { ...opts, scenario: "none" });
    const b = await writeCity2(path.join(root, "b"), { ...opts, scenario: "reporting:0.5" });
    expect(b.inspections).toBe(a.inspections);
    const ratio = b.sightings / a.sightings;
    // ~7 of 24 months halved: about 0.85 of the whole
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(0.92);
  }, 120_000);
});
