import type { FeatureTable } from "../features/index.js";
import { Forest, logloss, type Model, subsetLabels, subsetTable } from "../model/index.js";

// Per-round train/valid loss for the tracker's metric charts, recomputed from the kept trees (the learner
// reports progress to the log but keeps no history). Each tree is scored once on at most `cap` evenly spaced
// rows per set, so this costs about one extra scoring pass of the model.

export interface RoundPoint {
  key: "train_logloss" | "valid_logloss";
  value: number;
  step: number;
}

function strided(table: FeatureTable, label: Uint8Array, cap: number): { table: FeatureTable; label: Uint8Array } {
  if (table.n <= cap) return { table, label };
  const step = table.n / cap;
  const rows = new Int32Array(cap);
  for (let i = 0; i < cap; i++) rows[i] = Math.floor(i * step);
  return { table: subsetTable(table, rows), label: subsetLabels(label, rows) };
}

export function roundHistory(
  model: Model,
  sets: { train: { table: FeatureTable; label: Uint8Array }; valid: { table: FeatureTable; label: Uint8Array } },
  cap = 20_000,
): RoundPoint[] {
  const out: RoundPoint[] = [];
  const F = model.schema.features.length;
  for (const [name, set] of [
    ["train", sets.train],
    ["valid", sets.valid],
  ] as const) {
    if (set.table.n === 0) continue;
    const s = strided(set.table, set.label, cap);
    const margin = new Float64Array(s.table.n).fill(model.baseMargin);
    const one = new Float64Array(s.table.n);
    model.trees.forEach((tree, round) => {
      new Forest([tree], 0, F).marginTable(s.table, one);
      for (let i = 0; i < margin.length; i++) margin[i] += one[i];
      out.push({ key: `${name}_logloss`, value: logloss(s.label, margin), step: round + 1 });
    });
  }
  return out;
}
