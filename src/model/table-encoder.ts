// From a table of named columns (what a CSV or a data frame gives) to the learner's feature table, and back the
// same way at prediction time. The encoder is fitted on the training rows only and travels in the model artifact
// (meta.table), so a saved model reads raw tables by itself.
//  - numeric: numbers, or strings that parse as numbers; missing values are NaN.
//  - indicator: 0/1 (also true/false); missing values are NaN.
//  - categorical: any other strings, one 0/1 indicator per level (the `maxLevels` most frequent training levels,
//    ties by name); a row with a level not kept, or not seen in training, has 0 in every indicator of the column;
//    a missing value has NaN in every indicator, so the trees learn where missing rows go, as for numbers.
// Missing: NaN, null, undefined, and the strings pandas reads as missing ("", "NA", "N/A", "NaN", "null", ...).
import { RodentError } from "../errors.js";
import type { FeatureSchema, FeatureSpec, FeatureTable } from "../features/index.js";

export type ColumnKind = "numeric" | "indicator" | "categorical";
export type Cell = number | string | boolean | null | undefined;
/** One column: plain values, or a typed array of numbers (NaN = missing). */
export type Column = ArrayLike<Cell> | Float32Array | Float64Array | Int32Array | Uint8Array;
/** Columns by name, all of the same length. */
export type Table = Record<string, Column>;

export interface EncodedColumn {
  name: string;
  kind: ColumnKind;
  /** categorical: the levels kept, one indicator feature each, in feature order */
  levels?: string[];
}

export interface TableEncoding {
  /** the label column (read by fit and evaluate, never a feature) */
  label: string;
  /** the weight column, if any (never a feature) */
  weight?: string;
  columns: EncodedColumn[];
}

/** pandas' default na_values, so a CSV means the same here as in read_csv */
export const MISSING_STRINGS: ReadonlySet<string> = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

export const TABLE_SCHEMA_VERSION = "table-1";

function bad(field: string, msg: string): never {
  throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `column "${field}": ${msg}`, { column: field });
}

export function isMissing(v: Cell): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "number") return Number.isNaN(v);
  if (typeof v === "string") return MISSING_STRINGS.has(v.trim());
  return false;
}

/** A cell as a number: NaN when missing, undefined when it is not a number at all. */
export function numberOf(v: Cell): number | undefined {
  if (isMissing(v)) return Number.NaN;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const t = (v as string).trim();
  const lower = t.toLowerCase();
  if (lower === "true") return 1;
  if (lower === "false") return 0;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

function isTyped(c: Column): c is Float32Array | Float64Array | Int32Array | Uint8Array {
  return ArrayBuffer.isView(c);
}

/** The kind a column's values call for: numbers (0/1 only → indicator), otherwise categorical. */
export function inferKind(c: Column): ColumnKind {
  let binary = true;
  for (let i = 0; i < c.length; i++) {
    const x = numberOf(c[i] as Cell);
    if (x === undefined) return "categorical";
    if (!Number.isNaN(x) && x !== 0 && x !== 1) binary = false;
  }
  return binary ? "indicator" : "numeric";
}

/** Rows of a table; every column must have it. */
export function rowCount(t: Table): number {
  const names = Object.keys(t);
  if (names.length === 0) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "the table has no columns");
  const n = t[names[0]].length;
  for (const name of names) if (t[name].length !== n) bad(name, `has ${t[name].length} rows, "${names[0]}" has ${n}`);
  return n;
}

function column(t: Table, name: string): Column {
  const c = t[name];
  if (!c) bad(name, `is not in the table (columns: ${Object.keys(t).slice(0, 20).join(", ")})`);
  return c;
}

function levelText(v: Cell): string {
  return typeof v === "string" ? v.trim() : String(v);
}

/**
 * Fits the encoding on training rows: which columns are features (all but label and weight unless listed), their
 * kinds (inferred unless given) and each categorical column's kept levels.
 */
export function fitEncoding(
  t: Table,
  opts: {
    label: string;
    weight?: string;
    features?: string[];
    kinds?: Record<string, ColumnKind>;
    maxLevels?: number;
  },
): TableEncoding {
  rowCount(t);
  column(t, opts.label);
  if (opts.weight) column(t, opts.weight);
  const maxLevels = opts.maxLevels ?? 50;
  const names = opts.features ?? Object.keys(t).filter((k) => k !== opts.label && k !== opts.weight);
  if (names.length === 0) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "no feature columns to learn from");
  for (const k of Object.keys(opts.kinds ?? {})) if (!names.includes(k)) bad(k, "has a kind but is not a feature");
  const columns = names.map((name): EncodedColumn => {
    if (name === opts.label || name === opts.weight) bad(name, "is the label or the weight, not a feature");
    const c = column(t, name);
    const kind = opts.kinds?.[name] ?? inferKind(c);
    if (kind !== "categorical") return { name, kind };
    const counts = new Map<string, number>();
    for (let i = 0; i < c.length; i++) {
      const v = c[i] as Cell;
      if (isMissing(v)) continue;
      const key = levelText(v);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const levels = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxLevels)
      .map(([k]) => k);
    return { name, kind, levels };
  });
  return { label: opts.label, ...(opts.weight ? { weight: opts.weight } : {}), columns };
}

/** The feature schema an encoding gives: one feature per numeric/indicator column, one per kept level. */
export function schemaOf(enc: TableEncoding): FeatureSchema {
  const features: FeatureSpec[] = [];
  for (const c of enc.columns) {
    if (c.kind === "categorical") {
      for (const level of c.levels ?? []) {
        features.push({
          name: `${c.name}=${level}`,
          kind: "indicator",
          group: c.name,
          description: `${c.name} is ${level}`,
        });
      }
    } else features.push({ name: c.name, kind: c.kind, description: c.name });
  }
  return { version: TABLE_SCHEMA_VERSION, features };
}

/** Encodes a table's feature columns for the learner or the scorer (columns it does not use are ignored). */
export function encodeTable(enc: TableEncoding, t: Table): FeatureTable {
  const n = rowCount(t);
  const columns: Float32Array[] = [];
  for (const spec of enc.columns) {
    const c = column(t, spec.name);
    if (spec.kind !== "categorical") {
      const out = new Float32Array(n);
      if (isTyped(c)) out.set(c);
      else {
        for (let i = 0; i < n; i++) {
          const x = numberOf(c[i] as Cell);
          if (x === undefined)
            bad(spec.name, `row ${i}: "${String(c[i])}" is not a number (the column is ${spec.kind})`);
          if (spec.kind === "indicator" && !Number.isNaN(x) && x !== 0 && x !== 1) {
            bad(spec.name, `row ${i}: ${x} is not 0 or 1 (the column is an indicator)`);
          }
          out[i] = x;
        }
      }
      columns.push(out);
      continue;
    }
    const levels = spec.levels ?? [];
    const index = new Map(levels.map((l, k) => [l, k]));
    const cols = levels.map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      const v = c[i] as Cell;
      if (isMissing(v)) {
        for (const col of cols) col[i] = Number.NaN;
        continue;
      }
      const k = index.get(levelText(v));
      if (k !== undefined) cols[k][i] = 1;
    }
    columns.push(...cols);
  }
  return { schema: schemaOf(enc), n, columns };
}

/** A numeric column (label or weight) as numbers; a missing or non-numeric value is an error naming the row. */
export function numericColumn(t: Table, name: string, what: "label" | "weight"): Float64Array {
  const c = column(t, name);
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const x = numberOf(c[i] as Cell);
    if (x === undefined || Number.isNaN(x))
      bad(name, `row ${i}: the ${what} is ${x === undefined ? `"${String(c[i])}", not a number` : "missing"}`);
    out[i] = x;
  }
  return out;
}

/** Checks an encoding read back from an artifact. */
export function checkEncoding(o: unknown): TableEncoding {
  const fail = (msg: string): never => {
    throw new RodentError("RODENT_ERR_MODEL", `model artifact: meta.table ${msg}`);
  };
  if (!o || typeof o !== "object") fail("is missing: this model was not trained from a table (use loadModel)");
  const e = o as Record<string, unknown>;
  if (typeof e.label !== "string") fail("has no label name");
  if (e.weight !== undefined && typeof e.weight !== "string") fail("has a weight that is not a column name");
  if (!Array.isArray(e.columns)) fail("has no columns");
  for (const [i, c] of (e.columns as Record<string, unknown>[]).entries()) {
    if (!c || typeof c.name !== "string") fail(`columns[${i}] has no name`);
    if (c.kind !== "numeric" && c.kind !== "indicator" && c.kind !== "categorical")
      fail(`columns[${i}] has kind ${String(c.kind)}`);
    if (c.kind === "categorical" && !(Array.isArray(c.levels) && c.levels.every((l) => typeof l === "string"))) {
      fail(`columns[${i}] is categorical without a list of levels`);
    }
  }
  return o as TableEncoding;
}

/** The rows `rows` of every column (a copy), e.g. a hold-out split. */
export function takeRows(t: Table, rows: ArrayLike<number>): Table {
  const out: Table = {};
  for (const [name, c] of Object.entries(t)) {
    if (isTyped(c)) {
      const Ctor = c.constructor as new (n: number) => Float64Array;
      const o = new Ctor(rows.length);
      for (let i = 0; i < rows.length; i++) o[i] = c[rows[i]];
      out[name] = o;
    } else out[name] = Array.from({ length: rows.length }, (_, i) => c[rows[i]] as Cell);
  }
  return out;
}
