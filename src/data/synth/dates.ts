// Day numbers (integer days since 1970-01-01 UTC) and the date formats of the NYC exports.

const MS_PER_DAY = 86_400_000;

/** "YYYY-MM-DD" → day number. Returns NaN for a malformed or impossible date. */
export function isoToDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return Math.round(t / MS_PER_DAY);
}

export interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

export function dayToYmd(day: number): Ymd {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
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
  const { y } = dayToYmd(day);
  return day - Math.round(Date.UTC(y, 0, 1) / MS_PER_DAY);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Fractional year of a day (e.g. 2019.5), for slow trends. */
export function yearFraction(day: number): number {
  return 1970 + day / 365.2425;
}
