import { parseDay } from "../parse/dates.js";
import { parseNumber } from "../parse/values.js";
import type { TruthRecord } from "../records.js";
import { cell, columnIndex, type DatasetSpec } from "./spec.js";

/** Synthetic NYC's oracle file (CAMIS, INSPECTION DATE, INSPECTION TYPE, P_TRUE). */
export const truthSpec: DatasetSpec<TruthRecord> = {
  name: "truth",
  requiredColumns: ["camis", "inspection_date", "inspection_type", "p_true"],
  columns: ["camis", "inspection_date", "inspection_type", "p_true"],
  fields: ["camis", "inspectionDate", "inspectionType", "pTrue"],
  dateField: "inspectionDate",
  bind(header) {
    const ix = columnIndex(header);
    const [camisI, dateI, typeI, pI] = this.columns.map(ix) as number[];
    return (c) => {
      const camis = cell(c, camisI!);
      if (!camis) return { field: "camis", reason: "missing_required" };
      const inspectionDate = parseDay(cell(c, dateI!));
      if (!inspectionDate) return { field: "inspection_date", reason: "bad_date" };
      const p = parseNumber(cell(c, pI!));
      if (p === null) return { field: "p_true", reason: "missing_required" };
      if (Number.isNaN(p)) return { field: "p_true", reason: "not_a_number" };
      if (p < 0 || p > 1) return { field: "p_true", reason: "out_of_range" };
      return { camis, inspectionDate, inspectionType: cell(c, typeI!), pTrue: p };
    };
  },
  key: (r) => `${r.camis}|${r.inspectionDate}|${r.inspectionType}`,
};
