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

/**
 * A model probability as people read it: whole percents, since a model calibrated on some 20,000 inspections
 * cannot tell 92.4 % from 92.5 %, and never 0 % or 100 %: below 1 % it says "< 1%", above 99 % "> 99%".
 * The exact number stays in the API and the CSV export.
 */
export function probabilityText(p: number): string {
  if (!Number.isFinite(p)) return "–";
  if (p < 0.01) return "< 1%";
  if (p > 0.99) return "> 99%";
  return `${Math.round(p * 100)}%`;
}

/** "top 0.003%" for rank 1 of 30,922: one significant digit below 1 %, one decimal below 10 %, never "top 0%". */
export function topText(fraction: number): string {
  const x = fraction * 100;
  if (!(x > 0)) return "–";
  const s = x < 1 ? x.toPrecision(1) : x < 10 ? x.toFixed(1) : x.toFixed(0);
  return `top ${s}%`;
}

/** "1 of 30,922" */
export const rankText = (rank: number, of: number) =>
  `${rank.toLocaleString("en-US")} of ${of.toLocaleString("en-US")}`;
export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);

/** "2026-11-26T14:03:00.000Z" → "2026-11-26 14:03 UTC"; dates stay as they are. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(iso);
  if (!m) return iso;
  return m[2] ? `${m[1]} ${m[2]} UTC` : m[1];
}
