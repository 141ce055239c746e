// A synthetic binary classification table with a nonlinear truth and missing values, for tests and the bench
// while no real feature table is at hand. Deterministic for a seed.
import type { FeatureSchema, FeatureTable } from "../features/index.js";
import { sigmoid } from "./objective.js";
import { rng } from "./random.js";

export interface SyntheticSet {
  table: FeatureTable;
  label: Uint8Array;
  /** the true probability of each row */
  truth: Float64Array;
}

export function syntheticSchema(nFeatures: number, version = "synthetic-1"): FeatureSchema {
  return {
    version,
    features: Array.from({ length: nFeatures }, (_, i) => ({
      name: `x${i}`,
      kind: i % 10 === 9 ? ("indicator" as const) : ("numeric" as const),
      description: `synthetic feature ${i}`,
    })),
  };
}

/**
 * rows × features; feature i%10===9 is 0/1, others continuous (some integer-valued); about `missing` of the values
 * in the first half of the features are NaN. Truth: interactions, thresholds and a missingness effect.
 */
export function syntheticTable(opts: { rows: number; features: number; seed: number; missing?: number }): SyntheticSet {
  const { rows, features: F, seed } = opts;
  const miss = opts.missing ?? 0.1;
  const r = rng(seed);
  const gauss = () => {
    const u = Math.max(r(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
  const columns = Array.from({ length: F }, () => new Float32Array(rows));
  const truth = new Float64Array(rows);
  const label = new Uint8Array(rows);
  const x = new Float64Array(F);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) {
      let v: number;
      if (f % 10 === 9) v = r() < 0.3 ? 1 : 0;
      else if (f % 10 === 7)
        v = Math.floor(-Math.log(Math.max(r(), 1e-12)) * 3); // counts
      else v = gauss();
      x[f] = v;
      columns[f][i] = f < F / 2 && r() < miss ? Number.NaN : v;
    }
    const g = (f: number) => x[f % F];
    let z = -2.2;
    z += 0.8 * g(0) + 0.5 * g(1) * g(2) + (g(3) > 0.5 ? 0.7 : -0.2) + 0.15 * Math.min(g(7), 8);
    z += 0.6 * g(9) * g(4) + 0.4 * Math.sin(2 * g(5)) - 0.3 * g(6) * g(6) + 0.2 * g(11) + 0.3 * g(19) - 0.25 * g(13);
    if (Number.isNaN(columns[0][i])) z += 0.5; // missingness carries signal, as "no previous inspection" does
    truth[i] = sigmoid(z);
    label[i] = r() < truth[i] ? 1 : 0;
  }
  return { table: { schema: syntheticSchema(F), n: rows, columns }, label, truth };
}
