import type { DatasetSpec } from "../validate/spec.js";

/** Bit i set = field i of the record is null or "" (feeds the null rates of the quality report). */
export function nullMask<R>(spec: DatasetSpec<R>, r: R): number {
  let m = 0;
  const fields = spec.fields;
  for (let i = 0; i < fields.length; i++) {
    const v = r[fields[i]!] as unknown;
    if (v === null || v === "") m |= 1 << i;
  }
  return m;
}

/** The date the summary and watermarks use ("" when the record has none). */
export const recordDate = <R>(spec: DatasetSpec<R>, r: R): string => String(r[spec.dateField] ?? "");
