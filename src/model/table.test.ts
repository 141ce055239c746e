import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { parseCsv } from "./csv-table.js";
import { type BinaryReport, holdOut, loadTableModel, rocAuc, type Table, train } from "./index.js";
import { rng } from "./random.js";
import { encodeTable, fitEncoding, inferKind } from "./table-encoder.js";

const TYPES = ["Restaurant", "Grocery Store", "School", "Bakery", "Daycare"];

/** An inspection-like table: a categorical that matters, a count, a numeric with "NA", a 0/1 flag, a 0/1 label. */
function inspections(rows: number, seed: number): Table {
  const r = rng(seed);
  const type: string[] = [];
  const past: number[] = [];
  const since: (number | string)[] = [];
  const first: string[] = [];
  const label: number[] = [];
  for (let i = 0; i < rows; i++) {
    const t = TYPES[Math.floor(r() * TYPES.length)];
    const p = Math.floor(-Math.log(Math.max(r(), 1e-9)) * 1.5);
    const s = r() * 2;
    const f = r() < 0.2;
    const z =
      -1.5 + (t === "Grocery Store" ? 1.2 : t === "School" ? -1 : 0) + 0.5 * Math.min(p, 4) + (f ? 0.8 : -0.3 * s);
    type.push(t);
    past.push(p);
    since.push(f ? "NA" : Number(s.toFixed(3)));
    first.push(f ? "true" : "false");
    label.push(r() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return { facility_type: type, past_critical: past, time_since_last: since, first_record: first, critical: label };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isRodentError(e)).toBe(true);
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  throw new Error("expected a throw");
}

describe("table encoding", () => {
  it("infers kinds, reads the usual missing markers, one-hot encodes categoricals", () => {
    expect(inferKind(["1.5", "NA", "", "-2", null])).toBe("numeric");
    expect(inferKind([0, 1, "true", "NaN", undefined])).toBe("indicator");
    expect(inferKind(["a", "1", "N/A"])).toBe("categorical");
    expect(inferKind(Float32Array.from([0, 1, Number.NaN]))).toBe("indicator");
    const t: Table = { c: ["b", "a", "b", "NA", "zz"], x: ["1", "n/a", "3", "4", "5"], y: [0, 1, 0, 1, 0] };
    const enc = fitEncoding(takeFirst(t, 4), { label: "y", maxLevels: 5 });
    // levels by frequency, ties by name; the unseen "zz" is in no level, the missing row in none known
    expect(enc.columns).toEqual([
      { name: "c", kind: "categorical", levels: ["b", "a"] },
      { name: "x", kind: "numeric" },
    ]);
    const ft = encodeTable(enc, t);
    expect(ft.schema.features.map((f) => f.name)).toEqual(["c=b", "c=a", "x"]);
    expect(ft.schema.features[0]).toMatchObject({ kind: "indicator", group: "c" });
    expect(Array.from(ft.columns[0])).toEqual([1, 0, 1, Number.NaN, 0]);
    expect(Array.from(ft.columns[1])).toEqual([0, 1, 0, Number.NaN, 0]);
    expect(Array.from(ft.columns[2])).toEqual([1, Number.NaN, 3, 4, 5]);
  });

  it("says which column and row are wrong", () => {
    const t: Table = { x: ["1", "2", "x"], y: [0, 1, 0] };
    expect(code(() => encodeTable({ label: "y", columns: [{ name: "x", kind: "numeric" }] }, t))).toMatch(
      /RODENT_ERR_INVALID_ARGUMENT: column "x": row 2: "x" is not a number/,
    );
    expect(code(() => fitEncoding(t, { label: "nope" }))).toMatch(/column "nope": is not in the table/);
    expect(code(() => fitEncoding({ a: [1, 2], b: [1] }, { label: "a" }))).toMatch(/column "b": has 1 rows, "a" has 2/);
  });

  it("reads CSV text: quotes, commas in fields, BOM; repeated headers are refused", () => {
    const t = parseCsv('\ufeffname,score\n"Joe\'s, Inc.",1.5\nPlain,NA\n');
    expect(t).toEqual({ name: ["Joe's, Inc.", "Plain"], score: ["1.5", "NA"] });
    expect(code(() => parseCsv("a,a\n1,2\n"))).toMatch(/RODENT_ERR_FILE_FORMAT: CSV: column 2 repeats the header "a"/);
  });
});

function takeFirst(t: Table, n: number): Table {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v).slice(0, n)]));
}

describe("train on a table", () => {
  const data = inspections(4000, 1);
  const test = inspections(2000, 2);
  const params = { n_estimators: 200, max_depth: 3, eta: 0.1 };

  it("learns from named columns, predicts and evaluates raw tables, saves with its encoding", async () => {
    const model = await train(data, { label: "critical", valid: { fraction: 0.25 }, params });
    const report = model.evaluate(test) as BinaryReport;
    expect(report.n).toBe(2000);
    expect(report.auc).toBeGreaterThan(0.7);
    expect(report.precision_at["10"]).toBeGreaterThan(report.positives / report.n);
    // the validation rows came out of the training rows, and early stopping used them
    const t = model.model.meta.training as { rows: number; valid_rows: number; rounds: number };
    expect(t.rows + t.valid_rows).toBe(4000);
    expect(t.valid_rows).toBeGreaterThan(800);
    expect(t.rounds).toBeLessThan(200);
    // calibration only when asked
    expect(model.model.calibration).toEqual({ kind: "none" });
    const back = loadTableModel(JSON.stringify(model.toJSON()));
    expect(Array.from(back.predict(test))).toEqual(Array.from(model.predict(test)));
    expect(back.encoding.columns.find((c) => c.name === "facility_type")?.levels).toHaveLength(5);
  });

  it("calibrates on validation rows when asked, and never without them", async () => {
    const { rest, held } = holdOut(data, 0.3, 5);
    const model = await train(rest, { label: "critical", valid: held, calibrate: true, params });
    // chosen on the validation rows among Platt, beta and interpolated isotonic (calibration.ts)
    expect(["none", "platt", "beta", "isotonic-interpolated"]).toContain(model.model.calibration.kind);
    expect(model.model.calibration).toHaveProperty("selection");
    await expect(train(data, { label: "critical", calibrate: true, params })).rejects.toThrow(
      /calibrate: needs validation rows/,
    );
    // without validation, every tree is kept (early stopping off by default), and asking for it is an error
    const all = await train(data, { label: "critical", params: { ...params, n_estimators: 15 } });
    expect(all.model.trees).toHaveLength(15);
    await expect(train(data, { label: "critical", params: { ...params, early_stopping_rounds: 10 } })).rejects.toThrow(
      /early_stopping_rounds: 10 needs validation rows/,
    );
  });

  it("takes sample weights and an eval metric; a weight column is not a feature", async () => {
    const w = Array.from({ length: 4000 }, (_, i) => (i % 2 ? "2" : "0.5"));
    const model = await train(
      { ...data, w },
      { label: "critical", weight: "w", valid: { fraction: 0.25 }, evalMetric: "auc", params },
    );
    expect(model.encoding.columns.map((c) => c.name)).not.toContain("w");
    expect(model.model.meta.training).toMatchObject({ eval_metric: "auc", weighted: true });
    const p = model.predict(test);
    const y = Uint8Array.from(test.critical as number[]);
    expect(rocAuc(y, p)).toBeGreaterThan(0.7);
  });

  it("refuses a label that is not 0/1 for binary:logistic, naming the row", async () => {
    const bad = { ...data, critical: (data.critical as number[]).map((v, i) => (i === 3 ? 2 : v)) };
    await expect(train(bad, { label: "critical", params })).rejects.toThrow(
      /column "critical": row 3: the label is 2, binary:logistic needs 0 or 1/,
    );
  });

  it("regression on a table: count:poisson on a count column", async () => {
    const model = await train(data, {
      label: "past_critical",
      features: ["facility_type", "time_since_last"],
      objective: "count:poisson",
      valid: { fraction: 0.2 },
      params,
    });
    const r = model.evaluate(test);
    expect(r).toHaveProperty("poisson_nloglik");
    expect(r).not.toHaveProperty("auc");
  });
});
