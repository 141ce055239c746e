import { getJson } from "./api.js";
import { byId, clear, h } from "./dom.js";
import { num, pct } from "./format.js";

// Health: drift per feature and of the score, worst first, and realised performance per week (GET /v1/monitoring),
// requests and latency per route (GET /metrics, Prometheus text), and the latest replay (GET /v1/replay).

interface ColumnDrift {
  name: string;
  kind?: string;
  n?: number;
  psi?: number;
  ks?: number;
  js?: number;
  chi2?: number;
  pValue?: number;
  drift?: boolean;
}
interface DriftReport {
  n?: number;
  judged?: boolean;
  columns?: ColumnDrift[];
  score?: ColumnDrift;
  drifted?: string[];
  rule?: { psiThreshold?: number; alpha?: number; minSample?: number };
}
interface OutcomeWeek {
  week: string;
  inspections?: number;
  matched?: number;
  positives?: number;
  auc: number | null;
  precision_at_10: number | null;
  lift_at_10: number | null;
}
interface Monitoring {
  drift?: DriftReport | null;
  /** The whole serving table against the training rows (when the service reports it). */
  serving_drift?: DriftReport | null;
  outcomes?: { weeks?: OutcomeWeek[]; performance_drop?: boolean; reasons?: string[] } | null;
  [k: string]: unknown;
}
interface ReplaySummary {
  policy?: string;
  scenario?: string;
  change_date?: string | null;
  summary?: Record<string, number | null>;
}

/** Prometheus text → samples (name, labels, value). Only what this page reads; no exemplars or escapes beyond \" */
export function parseProm(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\"/g, '"');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** A quantile from cumulative histogram buckets (linear inside the bucket, as Prometheus does). */
export function bucketQuantile(q: number, buckets: { le: number; count: number }[]): number | null {
  const b = [...buckets].sort((x, y) => x.le - y.le);
  const total = b.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of b) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

function requestsTable(text: string): HTMLElement {
  const samples = parseProm(text);
  const routes = new Map<string, { n: number; errors: number; buckets: Map<number, number> }>();
  const get = (r: string) => {
    let x = routes.get(r);
    if (!x) {
      x = { n: 0, errors: 0, buckets: new Map() };
      routes.set(r, x);
    }
    return x;
  };
  for (const s of samples) {
    if (s.name === "rodent_http_requests_total") {
      const x = get(s.labels.route ?? "?");
      x.n += s.value;
      if (Number(s.labels.status_code) >= 500) x.errors += s.value;
    } else if (s.name === "rodent_http_request_duration_seconds_bucket") {
      const x = get(s.labels.route ?? "?");
      const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      x.buckets.set(le, (x.buckets.get(le) ?? 0) + s.value);
    }
  }
  const rows = [...routes.entries()].filter(([, x]) => x.n > 0).sort((a, b) => b[1].n - a[1].n);
  const ms = (v: number | null) => (v === null ? "–" : `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms`);
  return h(
    "table",
    { class: "requests" },
    h("caption", {}, "Requests since the service started, by route (from /metrics)"),
    h("thead", {}, h("tr", {}, ...["Route", "Requests", "5xx", "p50", "p99"].map((l) => h("th", { scope: "col" }, l)))),
    h(
      "tbody",
      {},
      ...rows.map(([route, x]) => {
        const buckets = [...x.buckets.entries()].map(([le, count]) => ({ le, count }));
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, h("code", {}, route)),
          h("td", { class: "num" }, x.n.toLocaleString("en-US")),
          h("td", { class: "num" }, x.errors.toLocaleString("en-US")),
          h("td", { class: "num" }, ms(bucketQuantile(0.5, buckets))),
          h("td", { class: "num" }, ms(bucketQuantile(0.99, buckets))),
        );
      }),
    ),
  );
}

/** Rows shown before "all columns": the worst are what an operator acts on. */
const DRIFT_TOP = 10;

function driftTable(d: DriftReport, what: string, limit = Number.POSITIVE_INFINITY): HTMLElement {
  // A column drifts when the report lists it (the rule exempts seasonal columns even when they moved).
  const drifted = new Set(d.drifted ?? []);
  const all = [
    ...(d.score ? [{ ...d.score, name: "score", drift: drifted.has("score") }] : []),
    ...(d.columns ?? []).map((c) => ({ ...c, drift: drifted.has(c.name) })),
  ];
  // Worst first: drifting columns, then by PSI.
  all.sort((a, b) => Number(b.drift) - Number(a.drift) || (b.psi ?? 0) - (a.psi ?? 0));
  const cols = all.slice(0, limit);
  return h(
    "div",
    { class: "scroll", tabindex: "0", role: "region", "aria-label": `${what}: drift per feature` },
    h(
      "table",
      { class: "drift" },
      h(
        "caption",
        {},
        `${what}: ${(d.n ?? 0).toLocaleString("en-US")} rows against the training reference` +
          (cols.length < all.length ? `, the ${cols.length} worst of ${all.length} columns` : ""),
      ),
      h(
        "thead",
        {},
        h("tr", {}, ...["Column", "PSI", "KS / JS", "p-value", "Drift"].map((l) => h("th", { scope: "col" }, l))),
      ),
      h(
        "tbody",
        {},
        ...cols.map((c) =>
          h(
            "tr",
            { class: c.drift ? "drifting" : "" },
            h("th", { scope: "row" }, c.name),
            h("td", { class: "num" }, num(c.psi, 3)),
            h("td", { class: "num" }, num(c.ks ?? c.js, 3)),
            h("td", { class: "num" }, c.pValue === undefined ? "–" : c.pValue < 1e-4 ? "<0.0001" : num(c.pValue, 4)),
            h("td", {}, c.drift ? h("strong", {}, "yes") : "no"),
          ),
        ),
      ),
    ),
  );
}

function driftSection(d: DriftReport, what: string): HTMLElement[] {
  if (d.judged === false) {
    return [
      h(
        "p",
        {},
        `${what}: ${(d.n ?? 0).toLocaleString("en-US")} rows so far, too few to judge (the rule needs ${d.rule?.minSample ?? "more"}).`,
      ),
    ];
  }
  const n = (d.columns?.length ?? 0) + (d.score ? 1 : 0);
  return [
    h(
      "p",
      {},
      d.drifted?.length
        ? h("strong", {}, `${what}: drifting: ${d.drifted.join(", ")}.`)
        : `${what}: no column drifts beyond the rule's thresholds.`,
    ),
    driftTable(d, what, DRIFT_TOP),
    n > DRIFT_TOP ? h("details", {}, h("summary", {}, `All ${n} columns`), driftTable(d, what)) : null,
  ].filter((x) => x !== null);
}

function outcomesTable(weeks: OutcomeWeek[]): HTMLElement {
  return h(
    "table",
    { class: "outcomes" },
    h("caption", {}, "Realised performance per week, once inspections report back"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Week", "Inspections", "Rodents found", "AUC", "Precision top 10%", "Lift top 10%"].map((l) =>
          h("th", { scope: "col" }, l),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...weeks.map((w) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, w.week),
          h("td", { class: "num" }, w.matched ?? w.inspections ?? "–"),
          h("td", { class: "num" }, w.positives ?? "–"),
          h("td", { class: "num" }, num(w.auc, 3)),
          h("td", { class: "num" }, w.precision_at_10 === null ? "–" : pct(w.precision_at_10)),
          h("td", { class: "num" }, w.lift_at_10 === null ? "–" : `${num(w.lift_at_10, 2)}×`),
        ),
      ),
    ),
  );
}

function replaySection(results: ReplaySummary[], chart: string): HTMLElement {
  const keys = [
    "weeks",
    "retrains",
    "promotions",
    "refused",
    "drift_weeks",
    "mean_lift_at_10",
    "mean_oracle_lift_at_10",
    "weeks_to_first_drift",
  ];
  return h(
    "div",
    {},
    h(
      "figure",
      { class: "replay" },
      h("img", {
        src: chart,
        alt: "Lift in the top 10% per week for each retraining policy over the replayed years, with retrain and drift marks",
      }),
      h(
        "figcaption",
        {},
        `Replay${results[0]?.scenario ? ` with scenario ${results[0].scenario}` : ""}${results[0]?.change_date ? `, change on ${results[0].change_date}` : ""}.`,
      ),
    ),
    h(
      "table",
      { class: "replay-summary" },
      h("caption", {}, "Replay summary per policy"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Policy"),
          ...keys.map((k) => h("th", { scope: "col" }, k.replace(/_/g, " "))),
        ),
      ),
      h(
        "tbody",
        {},
        ...results.map((r) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, r.policy ?? "?"),
            ...keys.map((k) => {
              const v = r.summary?.[k];
              return h(
                "td",
                { class: "num" },
                v === null || v === undefined ? "–" : Number.isInteger(v) ? v : num(v, 2),
              );
            }),
          ),
        ),
      ),
    ),
  );
}

interface ReplayDoc {
  available: boolean;
  results: ReplaySummary[] | null;
  chart: string | null;
}

/** Whether the service documents a route (optional routes are looked up first, so the page never asks for a 404). */
async function hasRoute(path: string): Promise<boolean> {
  try {
    const doc = await getJson<{ paths?: Record<string, unknown> }>("/openapi.json");
    return path in (doc.paths ?? {});
  } catch {
    return false;
  }
}

export async function loadHealth(): Promise<void> {
  const out = byId("health-body");
  clear(out, h("p", { role: "status" }, "Loading…"));
  const [mon, metrics, replay] = await Promise.all([
    hasRoute("/v1/monitoring")
      .then((yes) => (yes ? getJson<Monitoring>("/v1/monitoring") : null))
      .catch((e: Error) => e),
    fetch("/metrics")
      .then((r) => (r.ok ? r.text() : null))
      .catch(() => null),
    getJson<ReplayDoc>("/v1/replay").catch((e: Error) => e),
  ]);
  const drift = mon && !(mon instanceof Error) ? (mon.drift ?? null) : null;
  const serving = mon && !(mon instanceof Error) ? (mon.serving_drift ?? null) : null;
  const outcome = mon && !(mon instanceof Error) ? (mon.outcomes ?? null) : null;
  const weeks = outcome?.weeks ?? [];
  clear(
    out,
    h(
      "section",
      { "aria-labelledby": "drift-title" },
      h("h3", { id: "drift-title" }, "Drift"),
      mon instanceof Error
        ? h("p", { role: "alert" }, `Could not load monitoring: ${mon.message}`)
        : drift || serving
          ? [drift, serving].flatMap((d, i) =>
              d ? driftSection(d, i === 0 ? "Rows the champion scored" : "Every active restaurant now") : [],
            )
          : h("p", {}, "No drift report yet: the service has not scored enough requests, or monitoring is off."),
    ),
    h(
      "section",
      { "aria-labelledby": "perf-title" },
      h("h3", { id: "perf-title" }, "Realised performance"),
      weeks.length
        ? [
            h(
              "p",
              {},
              outcome?.performance_drop
                ? h("strong", {}, `Performance drop: ${(outcome.reasons ?? []).join("; ")}`)
                : "No drop beyond the tolerance against the model's offline test metrics.",
            ),
            outcomesTable(weeks),
          ]
        : h("p", {}, "No outcomes yet: they arrive with the next inspections (rodent monitor outcomes)."),
    ),
    h(
      "section",
      { "aria-labelledby": "req-title" },
      h("h3", { id: "req-title" }, "Requests and latency"),
      metrics ? requestsTable(metrics) : h("p", {}, "/metrics is not reachable."),
    ),
    h(
      "section",
      { "aria-labelledby": "replay-title" },
      h("h3", { id: "replay-title" }, "Replay"),
      replay instanceof Error
        ? h("p", { role: "alert" }, `Could not load the replay: ${replay.message}`)
        : replay.available && replay.results
          ? replaySection(replay.results, replay.chart ?? "/v1/replay/chart.svg")
          : h("p", {}, "No replay has been run yet (rodent replay --from … --to … --policy …)."),
    ),
  );
  byId("health-view").dataset.loaded = "1";
}
