import type { ReplayResult } from "./types.js";

const COLORS: Record<string, string> = { weekly: "#1b6ac9", drift: "#c2410c", never: "#6b7280", oracle: "#111827" };

function esc(s: string) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/**
 * Lift@10% over time (4-week pooled) per policy, the oracle's as a dashed line, retrains as ticks under the
 * axis and drift weeks as dots on top; the scenario's change date as a vertical line. Plain SVG: no library,
 * opens in any browser and in the web page.
 */
export function replayChartSvg(results: ReplayResult[], title = "Lift at 10% over time"): string {
  const W = 960;
  const H = 420;
  const m = { l: 56, r: 140, t: 36, b: 64 };
  const weeks = results[0]?.weeks ?? [];
  const t = (s: string) => Date.parse(s);
  const x0 = weeks.length ? t(weeks[0].week) : 0;
  const x1 = weeks.length ? t(weeks[weeks.length - 1].week) : 1;
  let yMax = 1;
  for (const r of results)
    for (const w of r.weeks) yMax = Math.max(yMax, w.lift_at_10_4w ?? 0, w.oracle_lift_at_10_4w ?? 0);
  yMax = Math.ceil(yMax);
  const X = (s: string) => m.l + ((t(s) - x0) / Math.max(1, x1 - x0)) * (W - m.l - m.r);
  const Y = (v: number) => H - m.b - (v / yMax) * (H - m.t - m.b);
  const path = (pts: [string, number | null][]) => {
    let d = "";
    let pen = false;
    for (const [s, v] of pts) {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${X(s).toFixed(1)},${Y(v).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
  );
  for (let v = 0; v <= yMax; v++) {
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e5e7eb"/>`,
      `<text x="${m.l - 8}" y="${Y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  const years = new Set(weeks.map((w) => w.week.slice(0, 4)));
  for (const y of years) {
    const s = `${y}-01-01`;
    if (t(s) < x0 || t(s) > x1) continue;
    out.push(
      `<line x1="${X(s)}" x2="${X(s)}" y1="${m.t}" y2="${H - m.b}" stroke="#f3f4f6"/>`,
      `<text x="${X(s)}" y="${H - m.b + 16}" text-anchor="middle">${y}</text>`,
    );
  }
  const change = results.find((r) => r.change_date)?.change_date;
  if (change)
    out.push(
      `<line x1="${X(change)}" x2="${X(change)}" y1="${m.t}" y2="${H - m.b}" stroke="#991b1b" stroke-dasharray="4 3"/>`,
      `<text x="${X(change) + 4}" y="${m.t + 12}" fill="#991b1b">${esc(results[0].scenario)} from ${change}</text>`,
    );
  if (results[0]?.weeks.some((w) => w.oracle_lift_at_10_4w !== null))
    out.push(
      `<path d="${path(results[0].weeks.map((w) => [w.week, w.oracle_lift_at_10_4w]))}" fill="none" stroke="${COLORS.oracle}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    );
  results.forEach((r, i) => {
    const c = COLORS[r.policy] ?? "#059669";
    out.push(
      `<path d="${path(r.weeks.map((w) => [w.week, w.lift_at_10_4w]))}" fill="none" stroke="${c}" stroke-width="1.8"/>`,
    );
    const tickY = H - m.b + 26 + i * 10;
    for (const w of r.weeks) {
      if (w.retrain)
        out.push(
          `<line x1="${X(w.week)}" x2="${X(w.week)}" y1="${tickY - 4}" y2="${tickY + 4}" stroke="${c}" stroke-width="${w.promoted ? 2 : 1}"><title>${r.policy}: retrain ${w.week}${w.promoted ? ` → v${w.promoted}` : " (refused)"}</title></line>`,
        );
      if (w.drifted_features.length || w.score_drift || w.source_drift.length)
        out.push(
          `<circle cx="${X(w.week)}" cy="${m.t + 4 + i * 7}" r="2.5" fill="${c}"><title>${r.policy}: drift ${w.week}</title></circle>`,
        );
    }
    const ly = m.t + 20 + i * 18;
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${W - m.r + 38}" y="${ly + 4}">${esc(r.policy)} (${r.summary.retrains} retrains)</text>`,
    );
  });
  const ly = m.t + 20 + results.length * 18;
  out.push(
    `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${COLORS.oracle}" stroke-dasharray="5 4"/>`,
    `<text x="${W - m.r + 38}" y="${ly + 4}">oracle</text>`,
    `<text x="${m.l}" y="${H - 8}" fill="#4b5563">4-week pooled lift at 10%. Ticks: retrains (thick = promoted). Dots: drift signals.</text>`,
    "</svg>",
  );
  return out.join("\n");
}

const CSV_COLUMNS = [
  "policy",
  "week",
  "n",
  "positives",
  "champion",
  "auc",
  "precision_at_10",
  "lift_at_10",
  "lift_at_10_4w",
  "oracle_lift_at_10",
  "oracle_lift_at_10_4w",
  "found_top_k",
  "status_quo_found",
  "drifted_features",
  "score_drift",
  "source_drift",
  "performance_drop",
  "retrain",
  "promoted",
  "refused",
] as const;

export function replayCsv(results: ReplayResult[]): string {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join("|") : v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of results)
    for (const w of r.weeks)
      lines.push(
        CSV_COLUMNS.map((c) => cell(c === "policy" ? r.policy : (w as unknown as Record<string, unknown>)[c])).join(
          ",",
        ),
      );
  return `${lines.join("\n")}\n`;
}
