// Date parsing for every format the sources produce: ISO days ("2023-05-01"), the Socrata API's floating
// timestamps ("2023-05-01T00:00:00.000"), and the portal's CSV exports ("05/01/2023", "09/26/2018 12:00:00 AM").
// Hand-written rather than Date.parse: Date.parse accepts "02/30/2023" and shifts it, and is slow per row.

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  if (d > DAYS_IN_MONTH[m - 1]!) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$/;

/** Two ASCII digits at i as a number, -1 if either is not a digit. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Fast path for the exports' fixed-width "MM/DD/YYYY" (10 chars) and "MM/DD/YYYY hh:mm:ss AM" (22 chars): the
 * ISO day, or null when s is not exactly that shape (the regexes then decide). Millions of rows per ingest.
 */
function usDay(s: string): string | null {
  if (s.charCodeAt(2) !== 47 || s.charCodeAt(5) !== 47) return null;
  const mo = digits2(s, 0);
  const d = digits2(s, 3);
  const y1 = digits2(s, 6);
  const y2 = digits2(s, 8);
  if (mo < 0 || d < 0 || y1 < 0 || y2 < 0 || !validDay(y1 * 100 + y2, mo, d)) return null;
  return `${s.slice(6, 10)}-${s.slice(0, 2)}-${s.slice(3, 5)}`;
}

function usInstant(s: string): string | null {
  if (s.length !== 22 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  if (s.charCodeAt(19) !== 32 || s.charCodeAt(21) !== 77) return null; // " ?M"
  const ap = s.charCodeAt(20);
  if (ap !== 65 && ap !== 80) return null; // "A" | "P"
  const day = usDay(s);
  let h = digits2(s, 11);
  const mi = digits2(s, 14);
  const se = digits2(s, 17);
  if (day === null || h < 1 || h > 12 || mi < 0 || mi > 59 || se < 0 || se > 59) return null;
  if (ap === 65 && h === 12) h = 0;
  else if (ap === 80 && h !== 12) h += 12;
  return `${day}T${pad2(h)}:${s.slice(14, 16)}:${s.slice(17, 19)}`;
}

/** Parse to "YYYY-MM-DDTHH:MM:SS" (local time as written), or null if not a valid date. */
export function parseInstant(s: string): string | null {
  if (s.length === 22) {
    const t = usInstant(s);
    if (t !== null) return t;
  } else if (s.length === 10 && s.charCodeAt(2) === 47) {
    const d = usDay(s);
    if (d !== null) return `${d}T00:00:00`;
  }
  s = s.trim();
  if (!s) return null;
  let y: number;
  let mo: number;
  let d: number;
  let h = 0;
  let mi = 0;
  let se = 0;
  let m = ISO.exec(s);
  if (m) {
    y = +m[1]!;
    mo = +m[2]!;
    d = +m[3]!;
    if (m[4] !== undefined) {
      h = +m[4];
      mi = +m[5]!;
      se = m[6] !== undefined ? +m[6] : 0;
    }
  } else {
    m = US.exec(s);
    if (!m) return null;
    mo = +m[1]!;
    d = +m[2]!;
    y = +m[3]!;
    if (m[4] !== undefined) {
      h = +m[4];
      mi = +m[5]!;
      se = m[6] !== undefined ? +m[6] : 0;
      const ampm = m[7]?.toUpperCase();
      if (ampm) {
        if (h < 1 || h > 12) return null;
        if (ampm === "AM" && h === 12) h = 0;
        else if (ampm === "PM" && h !== 12) h += 12;
      }
    }
  }
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || se > 59) return null;
  return `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(se)}`;
}

/** Parse to "YYYY-MM-DD" (any time part is dropped), or null if not a valid date. */
export function parseDay(s: string): string | null {
  if (s.length === 10 && s.charCodeAt(2) === 47) {
    const d = usDay(s);
    if (d !== null) return d;
  }
  const t = parseInstant(s);
  return t === null ? null : t.slice(0, 10);
}

// Day numbers of parsed dates: src/util/days.ts.
export { dayNumber, isoOfDay as dayString } from "../../util/days.js";
