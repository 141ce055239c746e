// Child process of bench/train.ts: trains our learner on the exported tables, writes test probabilities, timing,
// peak memory and scoring speed as JSON. Run alone so peak memory is ours only.
import { readFileSync, writeFileSync } from "node:fs";
import type { FeatureTable } from "../src/features/schema.js";
import { type TrainParams, trainModel } from "../src/model/index.js";
import { syntheticSchema } from "../src/model/synthetic.js";
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
const single: number[] = [];
for (let rep = 0; rep < 7; rep++) {
  const t = performance.now();
  for (let r = 0; r < nRows; r++) sink += model.predictRow(rows[r]);
  single.push(((performance.now() - t) * 1000) / nRows);
}
const batch: number[] = [];
for (let rep = 0; rep < 5; rep++) {
  const t = performance.now();
  model.predictProba(test.table);
  batch.push(test.table.n / ((performance.now() - t) / 1000));
}
const contrib = (method: "treeshap" | "saabas", k: number) => {
  const xs: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    for (let r = 0; r < k; r++) sink += model.contributions(rows[r], method)[F];
    xs.push(((performance.now() - t) * 1000) / k);
  }
  return median(xs);
};
const out = {
  train_seconds: trainSeconds,
  train_cpu_seconds: trainCpuSeconds,
  trees: model.trees.length,
  max_depth: model.forest.maxDepth,
  training: model.meta.training,
  peak_rss_mb: peakTrainMb,
  single_row_us: median(single),
  batch_rows_per_s: median(batch),
  treeshap_us: contrib("treeshap", 500),
  saabas_us: contrib("saabas", 5000),
  sink,
};
writeFileSync(outPath, JSON.stringify(out));
