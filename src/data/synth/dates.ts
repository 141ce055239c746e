// Day numbers (integer days since 1970-01-01 UTC) and the date formats of the NYC exports.

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

// Formatting dates is hot (every CSV row has one); a small cache by day number makes it a lookup.
const US_CACHE = new Map<number, string>();

/** DOHMH / 311 CSV export style: MM/DD/YYYY. */
export function dayToUs(day: number): string {
  let s = US_CACHE.get(day);
  if (s === undefined) {
    const { y, m, d } = dayToYmd(day);
    s = `${pad2(m)}/${pad2(d)}/${y}`;
    if (US_CACHE.size < 100_000) US_CACHE.set(day, s);
  }
  return s;
}

/** 311 "Created Date" style: MM/DD/YYYY hh:mm:ss AM, from a day and seconds since midnight. */
export function dayTimeToUs(day: number, seconds: number): string {
  const h24 = Math.floor(seconds / 3600);
  const mi = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ampm = h24 < 12 ? "AM" : "PM";
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${dayToUs(day)} ${pad2(h12)}:${pad2(mi)}:${pad2(s)} ${ampm}`;
}

/** Day of year 0..365 (for climatology and seasonal shapes). */
export function dayOfYear(day: number): number {
  return day - daysFromCivil(dayToYmd(day).y, 1, 1);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
