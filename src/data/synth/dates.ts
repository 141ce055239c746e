// The date formats of the NYC exports, written from day numbers (src/util/days.ts).
import { dayToYmd } from "../../util/days.js";

export {
  dayOfYear,
  dayToIso,
  dayToYmd,
  isoToDay,
  weekday,
  type Ymd,
} from "../../util/days.js";

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

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
