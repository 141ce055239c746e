// Small synthetic inputs for the service's tests and benchmark: a serving table in the real FEATURE_SCHEMA
// and a real model trained on it by src/model, registered in a real (embedded) registry. Not used by the
// service itself.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BOROUGHS } from "../data/index.js";
import type { FeatureSchema, FeatureTable } from "../features/index.js";
import { buildReferenceProfile, FEATURE_SCHEMA, type ServingSet } from "../features/index.js";
import { DEFAULT_PARAMS, type Model, trainModel } from "../model/index.js";
import type { Registry, Tracker } from "../tracking/index.js";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A column-major table in `schema` with plausible values: counts, scores, one level per one-hot group. */
export function syntheticTable(n: number, seed = 1, schema: FeatureSchema = FEATURE_SCHEMA): FeatureTable {
  const r = rng(seed);
  const columns = schema.features.map(() => new Float32Array(n));
  const groups = new Map<string, number[]>();
  schema.features.forEach((f, j) => {
    if (f.kind === "indicator" && f.group) groups.set(f.group, [...(groups.get(f.group) ?? []), j]);
  });
  for (let i = 0; i < n; i++) {
    schema.features.forEach((f, j) => {
      if (f.kind === "indicator") return;
      const u = r();
      // A few missing values, as in real tables (no previous inspection, unknown location).
      columns[j][i] = u < 0.03 ? Number.NaN : Math.floor(-Math.log(1 - r()) * (j % 7 === 0 ? 20 : 4));
    });
    for (const idx of groups.values()) columns[idx[Math.floor(r() * idx.length)]][i] = 1;
  }
  return { schema, n, columns };
}

/** Labels that depend on a few features, so the trees have something to learn. */
export function syntheticLabels(t: FeatureTable, seed = 2): Uint8Array {
  const r = rng(seed);
  const y = new Uint8Array(t.n);
  const c = t.columns;
  for (let i = 0; i < t.n; i++) {
    const z = -2 + 0.15 * (c[12][i] || 0) + 0.05 * (c[22][i] || 0) + 0.8 * (c[11][i] || 0) - 0.02 * (c[1][i] || 0);
    y[i] = r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return y;
}

/** A serving set of `n` restaurants (CAMIS 40000000 + i) over a synthetic table. */
export function syntheticServingSet(n: number, seed = 1, asOf = "2024-06-01"): ServingSet {
  const table = syntheticTable(n, seed);
  const r = rng(seed + 100);
  const borough = new Uint8Array(n);
  const boroCols = FEATURE_SCHEMA.features.map((f, j) => (f.group === "borough" ? j : -1)).filter((j) => j >= 0);
  for (let i = 0; i < n; i++) {
    const k = boroCols.findIndex((j) => table.columns[j][i] === 1);
    borough[i] = k >= 0 ? k : Math.floor(r() * BOROUGHS.length);
  }
  return {
    table,
    asOf,
    camis: Array.from({ length: n }, (_, i) => String(40000000 + i)),
    name: Array.from({ length: n }, (_, i) => `Restaurant ${i}`),
    address: Array.from({ length: n }, (_, i) => `${i + 1} Test Street`),
    borough,
    cuisine: Array.from({ length: n }, () => "American"),
    lat: Float32Array.from({ length: n }, () => 40.6 + r() * 0.2),
    lon: Float32Array.from({ length: n }, () => -74 + r() * 0.2),
  };
}

/** Train a small real model with src/model on synthetic rows. */
export async function trainTinyModel(seed = 1, opts: { rows?: number; trees?: number; depth?: number } = {}) {
  const n = opts.rows ?? 600;
  const train = syntheticTable(n, seed);
  const valid = syntheticTable(Math.ceil(n / 3), seed + 7);
  const model = await trainModel({
    train: { table: train, label: syntheticLabels(train, seed) },
    valid: { table: valid, label: syntheticLabels(valid, seed + 7) },
    params: {
      ...DEFAULT_PARAMS,
      n_estimators: opts.trees ?? 20,
      max_depth: opts.depth ?? 3,
      early_stopping_rounds: 0,
      seed,
      nthread: 1,
    },
    meta: { trainingSnapshot: `snap-test${seed}` },
  });
  // As the pipeline does: the monitor compares live rows with what training rows looked like.
  model.meta.reference_profile = buildReferenceProfile(train, model.predictProba(train));
  return model;
}

/**
 * Log `artifact` as the run's model/rodent-model.json and register it as a new version (the Conventions in
 * docs/architecture.md, "Tracking and registry"). `artifact` may be any text, to register a corrupt version on purpose.
 */
export async function registerArtifact(
  t: { tracker: Tracker; registry: Registry },
  artifact: Model | string,
  opts: { alias?: string; name?: string } = {},
): Promise<string> {
  const name = opts.name ?? "rodent-risk";
  const exp = await t.tracker.getOrCreateExperiment(name);
  const run = await t.tracker.createRun({ experimentId: exp, name: "serve-test" });
  const dir = await mkdtemp(path.join(os.tmpdir(), "rodent-serve-art-"));
  try {
    await mkdir(path.join(dir, "model"), { recursive: true });
    const text = typeof artifact === "string" ? artifact : JSON.stringify(artifact.toJSON());
    await writeFile(path.join(dir, "model", "rodent-model.json"), text);
    await t.tracker.logArtifacts(run.runId, path.join(dir, "model"), "model");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await t.tracker.endRun(run.runId, "FINISHED");
  await t.registry.createRegisteredModel(name);
  const mv = await t.registry.createModelVersion({ name, source: `runs:/${run.runId}/model`, runId: run.runId });
  if (opts.alias) await t.registry.setAlias(name, opts.alias, mv.version);
  return mv.version;
}
