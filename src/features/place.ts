import { BOROUGHS } from "../data/index.js";
import type { FeatureSpec } from "./schema.js";

// Place and kind: borough and cuisine as one-hot indicators. The cuisine levels are fixed in code, not taken from
// the data, because the schema must not depend on which snapshot built it. They are the 12 most frequent
// DOHMH cuisine descriptions (real sample: American, Chinese, Coffee/Tea, Pizza, … Spanish); the rest is "other".

export const TOP_CUISINES = [
  "American",
  "Chinese",
  "Coffee/Tea",
  "Pizza",
  "Latin American",
  "Bakery Products/Desserts",
  "Mexican",
  "Caribbean",
  "Japanese",
  "Italian",
  "Chicken",
  "Spanish",
] as const;
/** cuisineCode of every cuisine outside TOP_CUISINES. */
export const CUISINE_OTHER = TOP_CUISINES.length;
/** borough code when the record has no valid borough. */
export const BOROUGH_UNKNOWN = 255;

const cuisineIndex = new Map<string, number>(TOP_CUISINES.map((c, i) => [c.toLowerCase(), i]));
const boroughIndex = new Map<string, number>(BOROUGHS.map((b, i) => [b.toLowerCase(), i]));

export function cuisineCode(cuisine: string | null | undefined): number {
  return cuisineIndex.get((cuisine ?? "").trim().toLowerCase()) ?? CUISINE_OTHER;
}

export function boroughCode(boro: string | null | undefined): number {
  return boroughIndex.get((boro ?? "").trim().toLowerCase()) ?? BOROUGH_UNKNOWN;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

export const PLACE_FEATURES: FeatureSpec[] = [
  ...BOROUGHS.map(
    (b): FeatureSpec => ({ name: `boro_${slug(b)}`, kind: "indicator", group: "borough", description: `in ${b}` }),
  ),
  ...TOP_CUISINES.map(
    (c): FeatureSpec => ({
      name: `cuisine_${slug(c)}`,
      kind: "indicator",
      group: "cuisine",
      description: `cuisine: ${c}`,
    }),
  ),
  { name: "cuisine_other", kind: "indicator", group: "cuisine", description: "a cuisine outside the 12 most common" },
];

/** One-hot columns (PLACE_FEATURES order) for query rows given each row's restaurant codes. */
export function placeColumns(rest: Int32Array, borough: Uint8Array, cuisine: Uint8Array): Float32Array[] {
  const n = rest.length;
  const nb = BOROUGHS.length;
  const cols = PLACE_FEATURES.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const r = rest[i];
    const b = borough[r];
    // An unknown borough leaves all borough indicators at 0 rather than guessing one.
    if (b < nb) cols[b][i] = 1;
    cols[nb + cuisine[r]][i] = 1;
  }
  return cols;
}
