// CSV for the scheduling office: RFC 4180 quoting, one row per restaurant, reasons in their own columns.
//
// Names come from the city's data and can be anything. A text cell that starts with = + - @ (or a tab or carriage
// return) is a formula to Excel, LibreOffice and Google Sheets ("CSV injection"): such a cell is written with a
// leading apostrophe, which spreadsheets show as text (OWASP's advice). Runs of whitespace (including line breaks)
// collapse to one space, so a name reads the same in every program. Numbers are numbers and are written as they are
// (a longitude of -73.95 stays a number).

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell as it should reach a spreadsheet: whitespace collapsed, formulas neutralised. */
export function safeText(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  return FORMULA_START.test(t) ? `'${t}` : t;
}

export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "yes" : "no";
  const s = safeText(v);
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | boolean | null)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function download(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
