import { parseDay } from "../parse/dates.js";
import { normalizeBorough, parseNumber } from "../parse/values.js";
import type { InspectionRecord } from "../records.js";
import { parseCoordinates } from "./coordinates.js";
import { cell, columnIndex, type DatasetSpec, isRejection } from "./spec.js";

/** DOHMH scores run far above the A/B/C cut-offs (the real sample reaches 144); 200 is the sanity ceiling. */
export const MAX_SCORE = 200;

export const inspectionsSpec: DatasetSpec<InspectionRecord> = {
  name: "inspections",
  requiredColumns: ["camis", "boro", "inspection_date", "inspection_type", "violation_code"],
  columns: [
    "camis",
    "dba",
    "boro",
    "building",
    "street",
    "zipcode",
    "cuisine_description",
    "inspection_date",
    "action",
    "violation_code",
    "violation_description",
    "critical_flag",
    "score",
    "grade",
    "grade_date",
    "record_date",
    "inspection_type",
    "latitude",
    "longitude",
  ],
  fields: [
    "camis",
    "dba",
    "boro",
    "building",
    "street",
    "zipcode",
    "cuisine",
    "inspectionDate",
    "action",
    "violationCode",
    "violationDescription",
    "criticalFlag",
    "score",
    "grade",
    "gradeDate",
    "recordDate",
    "inspectionType",
    "latitude",
    "longitude",
  ],
  dateField: "inspectionDate",
  bind(header) {
    const ix = columnIndex(header);
    const [camisI, dbaI, boroI, buildingI, streetI, zipI, cuisineI, dateI, actionI, codeI, descI, critI] = [
      ix("camis"),
      ix("dba"),
      ix("boro"),
      ix("building"),
      ix("street"),
      ix("zipcode"),
      ix("cuisine_description"),
      ix("inspection_date"),
      ix("action"),
      ix("violation_code"),
      ix("violation_description"),
      ix("critical_flag"),
    ];
    const [scoreI, gradeI, gradeDateI, recordDateI, typeI, latI, lonI] = [
      ix("score"),
      ix("grade"),
      ix("grade_date"),
      ix("record_date"),
      ix("inspection_type"),
      ix("latitude"),
      ix("longitude"),
    ];
    return (c) => {
      const camis = cell(c, camisI);
      if (!camis) return { field: "camis", reason: "missing_required" };
      const dateS = cell(c, dateI);
      if (!dateS) return { field: "inspection_date", reason: "missing_required" };
      const inspectionDate = parseDay(dateS);
      if (!inspectionDate) return { field: "inspection_date", reason: "bad_date" };
      const boro = normalizeBorough(cell(c, boroI));
      if (boro === "missing") return { field: "boro", reason: "missing_borough" };
      if (boro === "unknown") return { field: "boro", reason: "unknown_borough" };
      const score = parseNumber(cell(c, scoreI));
      if (Number.isNaN(score)) return { field: "score", reason: "not_a_number" };
      if (score !== null && (score < 0 || score > MAX_SCORE)) return { field: "score", reason: "score_out_of_range" };
      const gradeDateS = cell(c, gradeDateI);
      const gradeDate = gradeDateS ? parseDay(gradeDateS) : null;
      if (gradeDateS && !gradeDate) return { field: "grade_date", reason: "bad_date" };
      const recordDateS = cell(c, recordDateI);
      const recordDate = recordDateS ? parseDay(recordDateS) : null;
      if (recordDateS && !recordDate) return { field: "record_date", reason: "bad_date" };
      const xy = parseCoordinates(cell(c, latI), cell(c, lonI));
      if (isRejection(xy)) return xy;
      return {
        camis,
        dba: cell(c, dbaI),
        boro,
        building: cell(c, buildingI),
        street: cell(c, streetI),
        zipcode: cell(c, zipI),
        cuisine: cell(c, cuisineI),
        inspectionDate,
        action: cell(c, actionI),
        violationCode: cell(c, codeI) || null,
        violationDescription: cell(c, descI),
        criticalFlag: cell(c, critI),
        score,
        grade: cell(c, gradeI) || null,
        gradeDate,
        recordDate,
        inspectionType: cell(c, typeI),
        latitude: xy.lat,
        longitude: xy.lon,
      };
    };
  },
  key: (r) => `${r.camis}|${r.inspectionDate}|${r.inspectionType}|${r.violationCode ?? ""}`,
};
