import { RodentError } from "../errors.js";

// Day numbers (integer days since 1970-01-01 UTC) let typed arrays hold dates and make windows integer arithmetic.
// The cache matters: a city has a few thousand distinct dates but millions of records carrying them.
const cache = new Map<string, number>();

/** Day number of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (the date part; timestamps are local NYC time). */
export function dayNumber(iso: string): number {
  const key = iso.length > 10 ? iso.slice(0, 10) : iso;
  let d = cache.get(key);
  if (d === undefined) {
    const t = Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
    if (key.length !== 10 || key[4] !== "-" || key[7] !== "-" || !Number.isFinite(t)) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `date ${JSON.stringify(iso)} is not YYYY-MM-DD`);
    }
    d = Math.round(t / 86_400_000);
    if (cache.size > 200_000) cache.clear();
    cache.set(key, d);
  }
  return d;
}

/** "YYYY-MM-DD" of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Calendar month 1..12 of a day number. */
export function monthOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCMonth() + 1;
}
