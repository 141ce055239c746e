import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeCuts } from "./cuts.js";
import { jsHistBuilder } from "./grower.js";
import { HistEngine } from "./hist-engine.js";
import { histogramSize, interleave } from "./histogram.js";
import { DEFAULT_PARAMS, trainModel } from "./index.js";
import { quantize } from "./quantize.js";
import { Mulberry32 } from "./random.js";
import { syntheticTable } from "./synthetic.fixture.js";

// 5,003 rows (not a multiple of 4: the kernel's tail path runs), 13 features, 10% missing in the first half
const N = 5003;
const F = 13;
const set = syntheticTable({ rows: N, features: F, seed: 5 });
const cuts = computeCuts(set.table, 256);
const g = new Mulberry32(9);
const grad = Float64Array.from({ length: N }, () => g.next() - 0.5);
const hess = Float64Array.from({ length: N }, () => g.next() * 0.25);

function engineFor(nthread: number, histograms = 0) {
  const e = new HistEngine({ n: N, nFeatures: F, nthread, histograms });
  quantize(set.table, cuts, e.bins);
  e.gh.set(interleave(grad, hess));
  return e;
}
const engines: HistEngine[] = [];
afterAll(() => {
  for (const e of engines) e.close();
});

describe("histogram engine (WebAssembly kernel)", () => {
  const ref = quantize(set.table, cuts);
  // a node's rows: every third row, partitioned order, then a segment of it
  const sampled = Uint32Array.from({ length: Math.ceil(N / 3) }, (_, i) => 3 * i);
  const features = Int32Array.from([0, 2, 3, 5, 8, 11, 12]);

  it("gives the plain JS reference's sums on 1 and 2 threads, in place or copied", () => {
    const js = jsHistBuilder(ref, interleave(grad, hess));
    js.rowsFor(sampled.slice());
    const want = new Float64Array(histogramSize(F));
    js.build(7, sampled.length - 5, features, want);
    for (const [nthread, histograms] of [
      [1, 0],
      [2, 0],
      [2, 1],
    ]) {
      const e = engineFor(nthread, histograms);
      engines.push(e);
      expect(e.threads).toBe(nthread);
      e.rowsFor(sampled);
      const out = e.allocHistogram() ?? new Float64Array(histogramSize(F));
      out.fill(123); // stale contents must not leak into listed features
      e.build(7, sampled.length - 5, features, out);
      for (const f of features) {
        for (let j = f * 512; j < (f + 1) * 512; j++) {
          // sums differ from the reference only by summation order (four interleaved partial sums)
          expect(Math.abs(out[j] - want[j])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(want[j])));
        }
      }
      expect(out[1 * 512]).toBe(123); // feature 1 was not listed: untouched
    }
  });

  it("gives bit-identical histograms on 1 and 2 threads", () => {
    const a = engineFor(1);
    const b = engineFor(2);
    engines.push(a, b);
    const all = Int32Array.from({ length: F }, (_, i) => i);
    const ha = new Float64Array(histogramSize(F));
    const hb = new Float64Array(histogramSize(F));
    a.rowsFor(sampled);
    b.rowsFor(sampled);
    a.build(0, sampled.length, all, ha);
    b.build(0, sampled.length, all, hb);
    expect(Array.from(hb)).toEqual(Array.from(ha));
  });

  it("partitions like the JS partitioner, on 1 and 2 threads, many nodes at once", () => {
    // segments of a shuffled row list, split on different features, bins and missing directions
    const shuffled = Uint32Array.from({ length: N }, (_, i) => (i * 7919) % N);
    const bounds = [0, 3, 700, 2100, 2101, 3900, N];
    const tasks = bounds.slice(0, -1).map((b, i) => ({
      begin: b,
      end: bounds[i + 1],
      feature: (i * 5) % F,
      splitBin: [0, 3, 40, 1, 7, 100][i],
      defaultLeft: i % 2 === 0,
    }));
    const js = jsHistBuilder(ref, interleave(grad, hess));
    const want = js.rowsFor(shuffled.slice());
    const wantMids = js.partition(tasks);
    for (const nthread of [1, 2]) {
      const e = engineFor(nthread);
      engines.push(e);
      const rows = e.rowsFor(shuffled);
      expect(e.partition(tasks)).toEqual(wantMids);
      expect(Array.from(rows)).toEqual(Array.from(want));
    }
  });

  it("refuses more sampled rows than the table has", () => {
    const e = engineFor(1);
    engines.push(e);
    expect(() => e.rowsFor(new Uint32Array(N + 1))).toThrow(/5004 sampled rows for a 5003-row table/);
  });

  it("trains the same model on 1 and 2 threads", async () => {
    const train = syntheticTable({ rows: 8000, features: 12, seed: 41 });
    const valid = syntheticTable({ rows: 2000, features: 12, seed: 42 });
    const params = { ...DEFAULT_PARAMS, n_estimators: 15, max_depth: 5, subsample: 0.8, colsample_bytree: 0.7 };
    const one = await trainModel({ train, valid, params: { ...params, nthread: 1 } });
    const two = await trainModel({ train, valid, params: { ...params, nthread: 2 } });
    expect((two.meta.training as { threads: number }).threads).toBe(2);
    expect(Array.from(two.predictMargin(valid.table))).toEqual(Array.from(one.predictMargin(valid.table)));
  });

  it("ships binaries compiled from the .wat sources and a worker bundled from hist-worker.ts", () => {
    const script = path.join(import.meta.dirname, "../../scripts/build-wasm.mjs");
    // exits 1 (and names the file) when a *-wasm.ts is out of date with its .wat, or wasm/hist-worker-js.ts with
    // hist-worker.ts and what it imports (objective.ts, hist-protocol.ts)
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
