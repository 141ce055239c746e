// Day numbers: integer days since 1970-01-01 UTC. Typed arrays hold dates as day numbers, and windows become
// integer arithmetic. The one home of day arithmetic in the code base (parsing the exports' date formats is the
// data stage's, src/data/parse/dates.ts; writing them is the generator's, src/data/synth/dates.ts).
import { RodentError } from "../errors.js";

export const DAY_MS = 86_400_000;

// Civil-calendar arithmetic (H. Hinnant's days_from_civil / civil_from_days): no Date objects in hot loops.

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD" → day number. Returns NaN for a malformed or impossible date. */
export function isoToDay(iso: string): number {
  if (iso.length !== 10 || iso[4] !== "-" || iso[7] !== "-") return Number.NaN;
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1)
    return Number.NaN;
  if (d > (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1])) return Number.NaN;
  return daysFromCivil(y, m, d);
}

export interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

export function dayToYmd(day: number): Ymd {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function dayToIso(day: number): string {
  const { y, m, d } = dayToYmd(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Calendar month 1..12 of a day number. */
export function monthOfDay(day: number): number {
  return dayToYmd(day).m;
}

/** "YYYY-MM-DD" of a day number (the same as dayToIso). */
export const isoOfDay = dayToIso;

// A city has a few thousand distinct dates but millions of records carrying them: parse each once.
const cache = new Map<string, number>();

/**
 * Day number of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (the date part; timestamps are local NYC time). Throws
 * RODENT_ERR_INVALID_ARGUMENT for anything else; isoToDay is the variant that returns NaN.
 */
export function dayNumber(iso: string): number {
  const key = iso.length > 10 ? iso.slice(0, 10) : iso;
  let d = cache.get(key);
  if (d === undefined) {
    const t = Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
    if (key.length !== 10 || key[4] !== "-" || key[7] !== "-" || !Number.isFinite(t)) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `date ${JSON.stringify(iso)} is not YYYY-MM-DD`);
    }
    d = Math.round(t / DAY_MS);
    if (cache.size > 200_000) cache.clear();
    cache.set(key, d);
  }
  return d;
}

/** "YYYY-MM-DD" n days after (or before, n < 0) the day of an ISO date. */
export function addDays(iso: string, n: number): string {
  return isoOfDay(dayNumber(iso) + n);
}

/** Day of year 0..365 (for climatology and seasonal shapes). */
export function dayOfYear(day: number): number {
  return day - daysFromCivil(dayToYmd(day).y, 1, 1);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
