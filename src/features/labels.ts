// What counts as an example and what its label is.
//
// Examples are the inspections the ranking is meant to reorder: the sanitary inspections of the inspection
// programme, "Cycle Inspection" and "Pre-permit (Operational | Non-operational)" with their stages (initial,
// re-inspection, reopening, compliance). Left out, because they are not sanitary inspections the schedule could
// move, or they look at one narrow rule and rarely record vermin at all:
//   - "Administrative Miscellaneous" (paperwork, permits, signage),
//   - "Calorie Posting", "Trans Fat", "Sodium Warning", "Smoke-Free Air Act" (single-rule checks),
//   - "Inter-Agency Task Force" (joint night-time sweeps with police/fire, picked by other agencies, not by the
//     DOHMH schedule; 1 of 31 in the real sample recorded a rodent),
//   - rows without a type, and the 1900-01-01 "not yet inspected" placeholders.
// Left-out inspections still feed the history counts (a 04K found at any visit is evidence), never the labels.

/** Categories of counted inspections; also the one-hot "this inspection's type" features. */
export const INSPECTION_CATEGORIES = [
  "cycle_initial",
  "cycle_reinspection",
  "preperm_initial",
  "preperm_reinspection",
  "reopening",
  "compliance",
] as const;
export type InspectionCategory = (typeof INSPECTION_CATEGORIES)[number];
/** Plain words for each category, same order. */
export const CATEGORY_WORDS = [
  "cycle initial inspection",
  "cycle re-inspection",
  "pre-permit initial inspection",
  "pre-permit re-inspection",
  "reopening inspection",
  "compliance inspection",
] as const;
export const CAT_CYCLE_INITIAL = 0;
export const CAT_CYCLE_REINSPECTION = 1;
export const CAT_PREPERM_INITIAL = 2;
export const CAT_PREPERM_REINSPECTION = 3;
export const CAT_REOPENING = 4;
export const CAT_COMPLIANCE = 5;
/** Category code of an inspection that is not an example. */
export const NOT_COUNTED = 255;

/** Category code of a DOHMH inspection type ("Programme / Stage"), or NOT_COUNTED. */
export function inspectionCategory(inspectionType: string): number {
  const slash = inspectionType.indexOf("/");
  if (slash < 0) return NOT_COUNTED;
  const programme = inspectionType.slice(0, slash).trim().toLowerCase();
  const stage = inspectionType
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  const cycle = programme === "cycle inspection";
  const prePermit = programme === "pre-permit (operational)" || programme === "pre-permit (non-operational)";
  if (!cycle && !prePermit) return NOT_COUNTED;
  if (stage === "initial inspection") return cycle ? CAT_CYCLE_INITIAL : CAT_PREPERM_INITIAL;
  if (stage === "re-inspection") return cycle ? CAT_CYCLE_REINSPECTION : CAT_PREPERM_REINSPECTION;
  if (stage === "reopening inspection") return CAT_REOPENING;
  if (stage.includes("compliance inspection")) return CAT_COMPLIANCE;
  return NOT_COUNTED;
}

// Violation codes the features and labels look at, as bits of one byte per inspection. A bit (not a counter)
// per code also drops the exact duplicate rows the DOHMH export sometimes contains.
export const CODE_BITS: Record<string, number> = {
  "04K": 1, // evidence of rats
  "04L": 2, // evidence of mice
  "04M": 4, // live roaches
  "04N": 8, // filth flies
  "08A": 16, // premises not vermin-proof / conducive to vermin
  "08B": 32, // garbage not properly covered or stored
  "08C": 64, // pesticide misuse / not properly maintained against pests
};
export const RODENT_BITS = 1 | 2;
export const PEST_BITS = 4 | 8;
export const CONDUCIVE_BITS = 16 | 32 | 64;

/** Number of set bits among `mask` in `codes` (0..3). */
export function bitCount(codes: number, mask: number): number {
  let v = codes & mask;
  let c = 0;
  while (v) {
    v &= v - 1;
    c++;
  }
  return c;
}

/** Label of an inspection from its code bits: 1 when rats (04K) or mice (04L) were recorded. */
export function labelOf(codes: number): number {
  return codes & RODENT_BITS ? 1 : 0;
}
