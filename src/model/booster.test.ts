import { describe, expect, it } from "vitest";
import { silentLogger } from "../util/log.js";
import { DEFAULT_PARAMS, rocAuc, trainModel } from "./index.js";
import { syntheticTable } from "./synthetic.fixture.js";

const train = syntheticTable({ rows: 6000, features: 20, seed: 31 });
const valid = syntheticTable({ rows: 2000, features: 20, seed: 32 });
const test = syntheticTable({ rows: 3000, features: 20, seed: 33 });
const params = { ...DEFAULT_PARAMS, n_estimators: 60, max_depth: 4, eta: 0.2 };

describe("trainModel", () => {
  it("learns: test AUC close to the oracle's", async () => {
    const m = await trainModel({ train, valid, params });
    const auc = rocAuc(test.label, m.predictProba(test.table));
    expect(auc).toBeGreaterThan(0.9 * rocAuc(test.label, test.truth));
  });
  it("is deterministic for a seed and differs for another seed", async () => {
    const a = await trainModel({ train, valid, params: { ...params, n_estimators: 10 } });
    const b = await trainModel({ train, valid, params: { ...params, n_estimators: 10 } });
    const c = await trainModel({ train, valid, params: { ...params, n_estimators: 10, seed: 7 } });
    expect(Array.from(a.predictMargin(test.table))).toEqual(Array.from(b.predictMargin(test.table)));
    expect(Array.from(a.predictMargin(test.table))).not.toEqual(Array.from(c.predictMargin(test.table)));
  });
  it("early stopping keeps the trees up to the best validation logloss", async () => {
    const m = await trainModel({
      train,
      valid,
      params: { ...params, eta: 1, max_depth: 8, min_child_weight: 0, n_estimators: 200, early_stopping_rounds: 5 },
    });
    const t = m.meta.training as { rounds: number; best_iteration: number; trees: number };
    expect(t.rounds).toBeLessThan(200);
    expect(t.rounds).toBe(t.best_iteration + 1 + 5);
    expect(m.trees.length).toBe(t.best_iteration + 1);
  });
  it("reports progress as log lines every N rounds off a terminal", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = Object.assign(Object.create(silentLogger), {
      info: (o: Record<string, unknown>) => lines.push(o),
    });
    const old = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      await trainModel({
        train,
        valid,
        params: { ...params, n_estimators: 20, early_stopping_rounds: 0 },
        log,
        evalEvery: 5,
      });
    } finally {
      process.stderr.isTTY = old;
    }
    const rounds = lines.filter((l) => typeof l.round === "number");
    expect(rounds.map((l) => l.round)).toEqual([5, 10, 15, 20]);
    expect(rounds[3]).toHaveProperty("valid_auc");
    expect(rounds[3]).toHaveProperty("train_logloss");
  });
  it("rejects empty or mismatched input", async () => {
    await expect(
      trainModel({ train: { table: { ...train.table, n: 0, columns: [] }, label: new Uint8Array() }, valid, params }),
    ).rejects.toMatchObject({ code: "RODENT_ERR_INVALID_ARGUMENT" });
  });
});
