// Shared by bench/features.ts and bench/quality.ts: the synthetic NYC (scale 1, 2015–2024) for a seed, written once
// into $TMPDIR and ingested through the file source into a bench store (snapshots are content-addressed, so a
// second run reuses the same snapshot).
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config/index.js";
import { ingest, LocalObjectStore } from "../src/data/index.js";
import { DEFAULT_SYNTH, writeSyntheticCity } from "../src/data/synth/index.js";
import type { Logger } from "../src/util/log.js";

export interface BenchCity {
  store: LocalObjectStore;
  snapshot: string;
  dir: string;
}

/** Same folder naming as bench/ingest.ts for seed 1, so both benches share the written city. */
export function synthDirFor(seed: number, scale = 1): string {
  return path.join(
    os.tmpdir(),
    seed === 1 ? `rodent-bench-synth-s${scale}` : `rodent-bench-synth-s${scale}-seed${seed}`,
  );
}

export async function benchCity(seed: number, log: Logger, scale = 1): Promise<BenchCity> {
  const config = loadConfig({});
  const dir = synthDirFor(seed, scale);
  if (!existsSync(path.join(dir, ".complete"))) {
    const t0 = Date.now();
    await writeSyntheticCity(dir, { ...DEFAULT_SYNTH, seed, scale, dataDir: config.dataDir }, log);
    writeFileSync(path.join(dir, ".complete"), String(Date.now() - t0));
  }
  const store = new LocalObjectStore(path.join(os.tmpdir(), "rodent-bench-features-store"));
  const res = await ingest({ store, config, source: `dir:${dir}`, log });
  return { store, snapshot: res.snapshot, dir };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
