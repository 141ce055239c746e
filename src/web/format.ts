import type { Band } from "./api.js";

export const BAND_LABEL: Record<Band, string> = {
  high: "High",
  elevated: "Elevated",
  moderate: "Moderate",
  low: "Low",
};
/** Band colours for map marks (fills), dark enough against the light background (3:1 for graphics). */
export const BAND_COLOUR: Record<Band, string> = {
  high: "#a50026",
  elevated: "#d9480f",
  moderate: "#b8860b",
  low: "#3b6ea5",
};
export const BANDS: Band[] = ["high", "elevated", "moderate", "low"];

export const pct = (p: number, digits = 1) => `${(p * 100).toFixed(digits)}%`;
export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);

/** "2026-11-26T14:03:00.000Z" → "2026-11-26 14:03 UTC"; dates stay as they are. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(iso);
  if (!m) return iso;
  return m[2] ? `${m[1]} ${m[2]} UTC` : m[1];
}
