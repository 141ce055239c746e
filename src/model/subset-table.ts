// Row subset of a column-major feature table (copies the selected rows; training wants contiguous columns).
import type { FeatureTable } from "../features/index.js";

export function subsetTable(table: FeatureTable, rows: Int32Array): FeatureTable {
  const columns = table.columns.map((col) => {
    const out = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]];
    return out;
  });
  return { schema: table.schema, n: rows.length, columns };
}

export function subsetLabels<T extends Uint8Array | Int32Array | Float32Array | Float64Array>(
  arr: T,
  rows: Int32Array,
): T {
  const out = new (arr.constructor as new (n: number) => T)(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = arr[rows[i]];
  return out;
}
