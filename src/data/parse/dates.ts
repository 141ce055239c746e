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

/** Parse to "YYYY-MM-DDTHH:MM:SS" (local time as written), or null if not a valid date. */
export function parseInstant(s: string): string | null {
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
  const t = parseInstant(s);
  return t === null ? null : t.slice(0, 10);
}

/** Integer days since 1970-01-01 UTC of a "YYYY-MM-DD…" string. */
export function dayNumber(iso: string): number {
  return Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000);
}

/** "YYYY-MM-DD" of a day number. */
export function dayString(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
