import { BOROUGHS, type Borough } from "../records.js";

/** A finite number, or null for an empty cell; NaN marks "present but not a number". */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

// DOHMH writes "Manhattan", 311 writes "MANHATTAN", and borough codes 1..5 appear in some exports (BORO, boro_code).
const BOROUGH_BY_TEXT = new Map<string, Borough>();
BOROUGHS.forEach((b, i) => {
  BOROUGH_BY_TEXT.set(b.toUpperCase(), b);
  BOROUGH_BY_TEXT.set(String(i + 1), b);
});
BOROUGH_BY_TEXT.set("STATEN IS", "Staten Island");
BOROUGH_BY_TEXT.set("THE BRONX", "Bronx");

/** Normalized borough; "missing" for empty/"0"/"Unspecified"; "unknown" for anything else (e.g. "Narnia"). */
export function normalizeBorough(s: string): Borough | "missing" | "unknown" {
  const t = s.trim().toUpperCase();
  if (!t || t === "0" || t === "UNSPECIFIED" || t === "N/A") return "missing";
  return BOROUGH_BY_TEXT.get(t) ?? "unknown";
}

/** Header names as written ("CUISINE DESCRIPTION", "Unique Key", "P_TRUE") → the API's snake_case field names. */
export function normalizeColumnName(s: string): string {
  return s
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}
