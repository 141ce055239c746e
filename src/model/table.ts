// The learner as a library: train on a table of named columns (from a CSV or built by hand), predict and evaluate
// on raw tables, save and load with the encoding inside. Everything the app's pipeline does through the features
// stage, this does for any table: kinds inferred per column, categorical columns one-hot encoded, missing values
// kept as missing. Validation is optional (a table, or a seeded random share of the rows); early stopping and
// calibration only ever use validation rows, and calibration only when asked.
import { RodentError } from "../errors.js";
import type { Logger } from "../util/log.js";
import { type BinaryReport, evaluateBinary } from "./binary-metrics.js";
import { trainModel } from "./booster.js";
import { type EvalMetricName, evalMetricFor } from "./eval-metric.js";
import { loadModel } from "./load.js";
import type { Model, ModelArtifactJSON } from "./model.js";
import type { ObjectiveName } from "./objective.js";
import { checkParams, type TrainParams } from "./params.js";
import { Mulberry32 } from "./random.js";
import {
  type ColumnKind,
  checkEncoding,
  encodeTable,
  fitEncoding,
  numericColumn,
  rowCount,
  type Table,
  type TableEncoding,
  takeRows,
} from "./table-encoder.js";

export interface TableTrainOptions {
  /** the column to predict: 0/1 for binary:logistic (true/false too), counts for count:poisson, numbers otherwise */
  label: string;
  /** feature columns (default: every column but the label and the weight) */
  features?: string[];
  /** kinds that inference should not decide (a numeric-looking code that is really a category, say) */
  kinds?: Record<string, ColumnKind>;
  /** a column of sample weights (≥ 0) */
  weight?: string;
  /** validation rows: a table with the same columns, or a share of the training rows held out at random */
  valid?: Table | { fraction: number };
  /** fit a calibration on the validation rows (binary:logistic only; default false; see calibration.ts) */
  calibrate?: boolean;
  objective?: ObjectiveName;
  /** the validation metric early stopping watches (default by objective: logloss, poisson-nloglik, rmse) */
  evalMetric?: EvalMetricName;
  /**
   * learner parameters over DEFAULT_PARAMS (XGBoost names). Without validation rows early stopping is off unless
   * early_stopping_rounds is set here, which is then an error: there is nothing to stop on.
   */
  params?: Partial<TrainParams>;
  /** categorical columns keep their most frequent levels, at most this many (default 50) */
  maxLevels?: number;
  log?: Logger;
}

export interface RegressionReport {
  n: number;
  rmse: number;
  mae: number;
  /** count:poisson only: mean negative log-likelihood */
  poisson_nloglik?: number;
}

/** A trained model with the encoding of the table it learned from. */
export class TableModel {
  constructor(
    readonly model: Model,
    readonly encoding: TableEncoding,
  ) {}

  /** Predictions for every row: probabilities (calibrated if the model was), expected counts, or values. */
  predict(data: Table): Float64Array {
    return this.model.predictProba(encodeTable(this.encoding, data));
  }

  /** Raw margins (log-odds for binary:logistic). */
  predictMargin(data: Table): Float64Array {
    return this.model.predictMargin(encodeTable(this.encoding, data));
  }

  /** Scores the model on rows that carry the label column (never the training rows, if the figures are to mean anything). */
  evaluate(data: Table): BinaryReport | RegressionReport {
    const y = numericColumn(data, this.encoding.label, "label");
    const p = this.predict(data);
    const obj = this.model.objective;
    if (obj.name === "binary:logistic") {
      const wrong = obj.checkLabel(y);
      if (wrong) {
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `column "${this.encoding.label}": row ${wrong.row}: ${wrong.reason}`,
        );
      }
      return evaluateBinary(y, p);
    }
    const m = this.model.predictMargin(encodeTable(this.encoding, data));
    const score = (name: EvalMetricName) => evalMetricFor(name, obj).score(y, m, null);
    return {
      n: y.length,
      rmse: score("rmse"),
      mae: score("mae"),
      ...(obj.name === "count:poisson" ? { poisson_nloglik: score("poisson-nloglik") } : {}),
    };
  }

  /** The artifact (the model's JSON with the encoding in meta.table); loadTableModel reads it back. */
  toJSON(): ModelArtifactJSON {
    const json = this.model.toJSON();
    return { ...json, meta: { ...json.meta, table: this.encoding } };
  }
}

/** Reads a model saved by TableModel.toJSON (JSON text or the parsed object). */
export function loadTableModel(json: string | object): TableModel {
  const model = loadModel(json);
  return new TableModel(model, checkEncoding(model.meta.table));
}

/** Splits the rows at random (seeded) into `fraction` held out and the rest, keeping the order within each. */
export function holdOut(data: Table, fraction: number, seed = 42): { rest: Table; held: Table } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `hold-out fraction ${fraction} is outside (0, 1)`);
  }
  const n = rowCount(data);
  const gen = new Mulberry32(seed);
  const held: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < n; i++) (gen.next() < fraction ? held : rest).push(i);
  if (held.length === 0 || rest.length === 0) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `hold-out of ${fraction} of ${n} rows leaves one side empty`);
  }
  return { rest: takeRows(data, rest), held: takeRows(data, held) };
}

/** Trains on a table of named columns; see TableTrainOptions. */
export async function train(data: Table, opts: TableTrainOptions): Promise<TableModel> {
  const given = opts.params ?? {};
  let trainRows = data;
  let validRows: Table | undefined;
  if (opts.valid && "fraction" in opts.valid && typeof opts.valid.fraction === "number") {
    const split = holdOut(data, opts.valid.fraction, given.seed ?? 42);
    trainRows = split.rest;
    validRows = split.held;
  } else if (opts.valid) validRows = opts.valid as Table;
  // early stopping needs validation rows: without them it is off, unless asked for (then trainModel says why not)
  const params = checkParams({
    ...(validRows || given.early_stopping_rounds ? {} : { early_stopping_rounds: 0 }),
    ...given,
  });
  const encoding = fitEncoding(trainRows, opts);
  const set = (t: Table) => ({
    table: encodeTable(encoding, t),
    label: Float32Array.from(numericColumn(t, opts.label, "label")),
    ...(opts.weight ? { weight: Float32Array.from(numericColumn(t, opts.weight, "weight")) } : {}),
  });
  const binary = (opts.objective ?? "binary:logistic") === "binary:logistic";
  const toBinary = (s: ReturnType<typeof set>) => (binary ? { ...s, label: binaryLabels(s.label, opts.label) } : s);
  const model = await trainModel({
    train: toBinary(set(trainRows)),
    ...(validRows ? { valid: toBinary(set(validRows)) } : {}),
    params,
    ...(opts.objective ? { objective: opts.objective } : {}),
    ...(opts.evalMetric ? { evalMetric: opts.evalMetric } : {}),
    calibrate: opts.calibrate ?? false,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return new TableModel(model, encoding);
}

function binaryLabels(y: Float32Array, name: string): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new RodentError(
        "RODENT_ERR_INVALID_ARGUMENT",
        `column "${name}": row ${i}: the label is ${y[i]}, binary:logistic needs 0 or 1 (or true/false)`,
        { column: name },
      );
    }
    out[i] = y[i];
  }
  return out;
}
