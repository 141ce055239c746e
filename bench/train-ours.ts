// Child process of bench/train.ts: trains our learner on the exported tables, writes test probabilities, timing,
// peak memory and scoring speed as JSON. Run alone so peak memory is ours only.
import { readFileSync, writeFileSync } from "node:fs";
import type { FeatureTable } from "../src/features/schema.js";
import { Model, type TrainParams, trainModel } from "../src/model/index.js";
import { syntheticSchema } from "../src/model/synthetic.fixture.js";
import type { Tree } from "../src/model/tree.js";
import { createLogger } from "../src/util/log.js";

const [dir, paramsPath, outPath] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(`${dir}/meta.json`, "utf8"));
const params: TrainParams = JSON.parse(readFileSync(paramsPath, "utf8"));
const F: number = meta.features;
const schema = meta.schema ?? syntheticSchema(F);

function load(name: string): { table: FeatureTable; label: Uint8Array; rowMajor: Float32Array } {
  const n: number = meta[name];
  const buf = readFileSync(`${dir}/${name}.x.f32`);
  const rowMajor = new Float32Array(buf.buffer, buf.byteOffset, n * F);
  const columns = Array.from({ length: F }, () => new Float32Array(n));
  for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) columns[f][r] = rowMajor[r * F + f];
  const y = readFileSync(`${dir}/${name}.y.u8`);
  return { table: { schema, n, columns }, label: new Uint8Array(y.buffer, y.byteOffset, n), rowMajor };
}

const train = load("train");
const valid = load("valid");
const test = load("test");
const log = createLogger(process.env.BENCH_LOG ?? "warn");
const t0 = performance.now();
const c0 = process.cpuUsage();
const model = await trainModel({ train, valid, params, log });
const trainSeconds = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const trainCpuSeconds = (cu.user + cu.system) / 1e6;
const proba = model.predictRaw(test.table);
writeFileSync(`${dir}/ours_test_proba.f64`, Buffer.from(proba.buffer));
const peakTrainMb = process.resourceUsage().maxRSS / 1024;

// scoring speed: single rows (schema order) and the whole test table
const nRows = Math.min(20_000, test.table.n);
const rows = Array.from({ length: nRows }, (_, r) => test.rowMajor.slice(r * F, (r + 1) * F));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let sink = 0;
// wall and CPU time: on a shared, oversubscribed machine the CPU time is the figure that means something
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timed = (fn: () => void): { wall: number; cpu: number } => {
  const w = performance.now();
  const c = cpuNow();
  fn();
  return { wall: performance.now() - w, cpu: cpuNow() - c };
};
const single: { wall: number; cpu: number }[] = [];
for (let rep = 0; rep < 7; rep++) {
  const t = timed(() => {
    for (let r = 0; r < nRows; r++) sink += model.predictRow(rows[r]);
  });
  single.push({ wall: (t.wall * 1000) / nRows, cpu: (t.cpu * 1000) / nRows });
}
const batch: { wall: number; cpu: number }[] = [];
for (let rep = 0; rep < 5; rep++) {
  const t = timed(() => model.predictProba(test.table));
  batch.push({ wall: test.table.n / (t.wall / 1000), cpu: test.table.n / (t.cpu / 1000) });
}
const contrib = (method: "treeshap" | "saabas", k: number) => {
  const xs: { wall: number; cpu: number }[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = timed(() => {
      for (let r = 0; r < k; r++) sink += model.contributions(rows[r], method)[F];
    });
    xs.push({ wall: (t.wall * 1000) / k, cpu: (t.cpu * 1000) / k });
  }
  return xs;
};
const treeshap = contrib("treeshap", 300);
const saabas = contrib("saabas", 5000);
const med = (xs: { wall: number; cpu: number }[], k: "wall" | "cpu") => median(xs.map((x) => x[k]));

// the scoring target's shape: 300 full trees of depth 6, splits on this table's features at values drawn from it
function fixedForest(nTrees: number, depth: number): Model {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const trees: Tree[] = [];
  const nodes = 2 ** (depth + 1) - 1;
  for (let t = 0; t < nTrees; t++) {
    const tree: Tree = {
      left: new Int32Array(nodes).fill(-1),
      right: new Int32Array(nodes).fill(-1),
      parent: new Int32Array(nodes),
      feature: new Int32Array(nodes),
      threshold: new Float32Array(nodes),
      defaultLeft: new Uint8Array(nodes),
      baseWeight: new Float32Array(nodes),
      gain: new Float32Array(nodes),
      cover: new Float32Array(nodes).fill(1),
    };
    for (let i = 0; i < nodes; i++) {
      if (2 * i + 2 < nodes) {
        tree.left[i] = 2 * i + 1;
        tree.right[i] = 2 * i + 2;
        const f = Math.floor(rnd() * F);
        tree.feature[i] = f;
        const v = test.table.columns[f][Math.floor(rnd() * test.table.n)];
        tree.threshold[i] = Number.isNaN(v) ? 0 : v;
        tree.defaultLeft[i] = rnd() < 0.5 ? 1 : 0;
      } else tree.threshold[i] = (rnd() - 0.5) * 0.1;
    }
    trees.push(tree);
  }
  return new Model(schema, params, trees, 0.5, { kind: "none" }, { createdAt: new Date().toISOString() });
}
const fixed = fixedForest(300, 6);
const fixedSingle: { wall: number; cpu: number }[] = [];
for (let rep = 0; rep < 7; rep++) {
  const t = timed(() => {
    for (let r = 0; r < nRows; r++) sink += fixed.predictRow(rows[r]);
  });
  fixedSingle.push({ wall: (t.wall * 1000) / nRows, cpu: (t.cpu * 1000) / nRows });
}
const fixedBatch: { wall: number; cpu: number }[] = [];
for (let rep = 0; rep < 5; rep++) {
  const t = timed(() => fixed.predictProba(test.table));
  fixedBatch.push({ wall: test.table.n / (t.wall / 1000), cpu: test.table.n / (t.cpu / 1000) });
}
const out = {
  train_seconds: trainSeconds,
  train_cpu_seconds: trainCpuSeconds,
  trees: model.trees.length,
  max_depth: model.forest.maxDepth,
  training: model.meta.training,
  peak_rss_mb: peakTrainMb,
  single_row_us: med(single, "wall"),
  single_row_cpu_us: med(single, "cpu"),
  batch_rows_per_s: med(batch, "wall"),
  batch_rows_per_cpu_s: med(batch, "cpu"),
  treeshap_us: med(treeshap, "wall"),
  treeshap_cpu_us: med(treeshap, "cpu"),
  saabas_us: med(saabas, "wall"),
  saabas_cpu_us: med(saabas, "cpu"),
  fixed300_single_row_us: med(fixedSingle, "wall"),
  fixed300_single_row_cpu_us: med(fixedSingle, "cpu"),
  fixed300_batch_rows_per_s: med(fixedBatch, "wall"),
  fixed300_batch_rows_per_cpu_s: med(fixedBatch, "cpu"),
  sink,
};
writeFileSync(outPath, JSON.stringify(out));
