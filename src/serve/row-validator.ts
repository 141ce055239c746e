import type { FeatureSchema, FeatureTable } from "../features/index.js";

// The POST /v1/predict body check, compiled from the feature schema: the same rules as the TypeBox schema in
// schemas/predict.ts (which documents them in OpenAPI), checked in one pass that also fills the column-major
// table, instead of a generic validator pass plus a copy. Errors have Ajv's shape, so the one error handler
// reports them like any other validation error.

/** Float32 range: a larger finite number would become Infinity in the feature table. */
export const F32_MAX = 3.4028234663852886e38;

/** The table built while validating, attached to the body. */
export const FEATURE_TABLE = Symbol("featureTable");

/** A body the byte parser (rows-parser.ts) already checked and turned into a table. */
export class CheckedBody {
  readonly [FEATURE_TABLE]: FeatureTable;
  constructor(table: FeatureTable) {
    this[FEATURE_TABLE] = table;
  }
  /** The rows as objects with the table's values (float32, missing = null); built on demand, the request path never asks. */
  get rows(): Record<string, number | null>[] {
    const t = this[FEATURE_TABLE];
    return Array.from({ length: t.n }, (_, i) =>
      Object.fromEntries(
        t.schema.features.map((f, j) => [f.name, Number.isNaN(t.columns[j][i]) ? null : t.columns[j][i]]),
      ),
    );
  }
}

interface AjvLikeError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

export type RowsValidator = ((data: unknown) => boolean) & { errors?: AjvLikeError[] | null };

export function compileRowsValidator(schema: FeatureSchema, maxRows: number): RowsValidator {
  // Internalized (as property keys are), so comparing a row's key with a name is one pointer comparison.
  const names = schema.features.map((f) => Object.keys({ [f.name]: 0 })[0]);
  const indicator = schema.features.map((f) => f.kind === "indicator");
  const known = new Set(names);
  const F = names.length;
  const validate: RowsValidator = (data: unknown): boolean => {
    const fail = (instancePath: string, keyword: string, params: Record<string, unknown>, message: string) => {
      validate.errors = [{ instancePath, schemaPath: `#/${keyword}`, keyword, params, message }];
      return false;
    };
    validate.errors = null;
    if (data instanceof CheckedBody) return true;
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return fail("", "type", { type: "object" }, "must be object");
    }
    const body = data as Record<string, unknown>;
    for (const k in body) {
      if (k !== "rows")
        return fail("", "additionalProperties", { additionalProperty: k }, "must NOT have additional properties");
    }
    const rows = body.rows;
    if (rows === undefined)
      return fail("", "required", { missingProperty: "rows" }, "must have required property 'rows'");
    if (!Array.isArray(rows)) return fail("/rows", "type", { type: "array" }, "must be array");
    if (rows.length > maxRows) {
      return fail("/rows", "maxItems", { limit: maxRows }, `must NOT have more than ${maxRows} items`);
    }
    if (rows.length < 1) return fail("/rows", "minItems", { limit: 1 }, "must NOT have fewer than 1 items");
    const n = rows.length;
    // One allocation for the whole table (column j is a view of values[j·n, (j+1)·n)): 61 small typed arrays per
    // request cost more than filling them.
    const values = new Float32Array(F * n);
    const columns = names.map((_, j) => values.subarray(j * n, (j + 1) * n));
    for (let i = 0; i < n; i++) {
      const row = rows[i] as Record<string, unknown>;
      if (typeof row !== "object" || row === null || Array.isArray(row)) {
        return fail(`/rows/${i}`, "type", { type: "object" }, "must be object");
      }
      // Fast path: the keys are exactly the features, in schema order (as clients that serialise rows from the
      // schema send them). Reading values in a for-in over the row's own keys is V8's enum-cache fast path, ~3×
      // quicker than a lookup per name. Any other key order, or any bad value, falls through to the checks
      // below, which name the first problem.
      let j = 0;
      for (const k in row) {
        const v = row[k];
        if (j === F || k !== names[j]) j = -1;
        else if (v === null) columns[j][i] = Number.NaN;
        else if (typeof v !== "number") j = -1;
        else if (indicator[j] ? v !== 0 && v !== 1 : !(v <= F32_MAX && v >= -F32_MAX)) j = -1;
        else columns[j][i] = v;
        if (j < 0) break;
        j++;
      }
      if (j === F) continue;
      for (let j = 0; j < F; j++) {
        const v = row[names[j]];
        if (v === undefined) {
          return fail(
            `/rows/${i}`,
            "required",
            { missingProperty: names[j] },
            `must have required property '${names[j]}'`,
          );
        }
        if (v === null) {
          columns[j][i] = Number.NaN;
        } else if (indicator[j]) {
          if (v !== 0 && v !== 1) {
            return fail(
              `/rows/${i}/${names[j]}`,
              "enum",
              { allowedValues: [0, 1, null] },
              "must be equal to one of the allowed values",
            );
          }
          columns[j][i] = v;
        } else if (typeof v !== "number" || !Number.isFinite(v)) {
          return fail(`/rows/${i}/${names[j]}`, "type", { type: ["number", "null"] }, "must be number,null");
        } else if (v > F32_MAX || v < -F32_MAX) {
          const kw = v > 0 ? "maximum" : "minimum";
          return fail(
            `/rows/${i}/${names[j]}`,
            kw,
            { limit: v > 0 ? F32_MAX : -F32_MAX },
            `must be ${v > 0 ? "<=" : ">="} ${v > 0 ? F32_MAX : -F32_MAX}`,
          );
        } else {
          columns[j][i] = v;
        }
      }
      let keys = 0;
      for (const _ in row) keys++;
      if (keys !== F) {
        for (const k in row) {
          if (!known.has(k)) {
            return fail(
              `/rows/${i}`,
              "additionalProperties",
              { additionalProperty: k },
              "must NOT have additional properties",
            );
          }
        }
      }
    }
    const table: FeatureTable = { schema, n, columns };
    Object.defineProperty(body, FEATURE_TABLE, { value: table, enumerable: false });
    return true;
  };
  return validate;
}
